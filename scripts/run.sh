#!/usr/bin/env bash
# Builds the pipelinekit CLI when needed and runs it. Without arguments it checks and plans the
# sample pipeline; with arguments it passes them on: scripts/run.sh export samples/pipelines/java-ci.yaml -f hcl
set -euo pipefail
cd "$(dirname "$0")/.."
jar=pipeline-cli/target/pipelinekit.jar
if [ ! -f "$jar" ] || [ -n "$(find . -path ./node_modules -prune -o \( -name '*.java' -o -name pom.xml \) -newer "$jar" -print -quit)" ]; then
  mvn -B -q -DskipTests -pl pipeline-cli -am install
fi
if [ "$#" -eq 0 ]; then
  java -jar "$jar" validate samples/pipelines/parallel.yaml
  exec java -jar "$jar" plan samples/pipelines/parallel.yaml
fi
exec java -jar "$jar" "$@"
