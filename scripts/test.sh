#!/usr/bin/env bash
# The whole test suite: provisions what the tests need, then runs `mvn -B verify` on every module.
# Works on a fresh Debian machine; CI (.ci/run) calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

need() { command -v "$1" >/dev/null 2>&1; }
apt_install() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "test.sh: $* missing and not root; install them with: sudo apt-get install -y $*" >&2
    exit 2
  fi
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

need java || apt_install openjdk-17-jdk-headless
need mvn || apt_install maven
# the Node monorepo sample pipeline (samples/) runs node and npm
need node && need npm || apt_install nodejs npm

exec mvn -B verify "$@"
