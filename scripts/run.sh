#!/usr/bin/env bash
# Builds the pipelinekit CLI when needed and runs it from the directory you call it in (relative paths are yours, and a
# run's jobs start from a copy of that directory). Without arguments it runs the sample pipeline
# samples/pipelines/parallel.yaml with the local runner; with arguments it passes them on:
#   scripts/run.sh validate samples/pipelines/broken.yaml
#   scripts/run.sh export samples/pipelines/java-ci.yaml -f hcl
#   scripts/run.sh serve --port 8080          # the designer and the API (prints the sign-in token)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/pipeline-cli/target/pipelinekit.jar"
if [ ! -f "$jar" ] || [ -n "$(find "$root" -name node_modules -prune -o -name target -prune -o \( -name '*.java' -o -name '*.kt' \
    -o -name pom.xml -o -path '*/frontend/src/*' \) -newer "$jar" -print -quit)" ]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "run.sh: building the designer pages needs Node and npm: run scripts/test.sh once, or apt-get install nodejs npm" >&2
    exit 2
  fi
  mvn -B -q -f "$root/pom.xml" -DskipTests -pl pipeline-cli -am install
fi
# The class-data-sharing archive made with the jar (pipeline-cli's package phase) starts the JVM with the CLI's classes
# already read; a JVM of another version ignores it, quietly. Short commands (everything but serve and run) also skip the
# optimizing compiler and the parallel collector, which only cost them time at start.
jvm=()
[ -f "$root/pipeline-cli/target/pipelinekit.jsa" ] \
  && jvm+=(-XX:SharedArchiveFile="$root/pipeline-cli/target/pipelinekit.jsa" -Xlog:cds=off -Xlog:cds+dynamic=off)
case "${1:-run}" in
  serve | run) ;;
  *) jvm+=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC) ;;
esac
if [ "$#" -eq 0 ]; then
  # (its jobs need no files: they start from a copy of samples/pipelines, wherever you are)
  exec java "${jvm[@]}" -jar "$jar" run "$root/samples/pipelines/parallel.yaml" --branch main --workspace "$root/samples/pipelines"
fi
exec java "${jvm[@]}" -jar "$jar" "$@"
