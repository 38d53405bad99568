#!/usr/bin/env bash
# Builds the pipelinekit CLI when needed and runs it. Without arguments it runs the sample pipeline
# samples/pipelines/parallel.yaml with the local runner; with arguments it passes them on:
#   scripts/run.sh validate samples/pipelines/broken.yaml
#   scripts/run.sh export samples/pipelines/java-ci.yaml -f hcl
set -euo pipefail
cd "$(dirname "$0")/.."
jar=pipeline-cli/target/pipelinekit.jar
if [ ! -f "$jar" ] || [ -n "$(find . -path ./node_modules -prune -o \( -name '*.java' -o -name '*.kt' -o -name pom.xml \) -newer "$jar" -print -quit)" ]; then
  mvn -B -q -DskipTests -pl pipeline-cli -am install
fi
if [ "$#" -eq 0 ]; then
  exec java -jar "$jar" run samples/pipelines/parallel.yaml --branch main
fi
exec java -jar "$jar" "$@"
