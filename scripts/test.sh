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
# the python-pip template's end-to-end test: Debian's python3 with venv and pytest (no PyPI needed)
/usr/bin/python3 -c 'import venv, pytest' >/dev/null 2>&1 || apt_install python3 python3-venv python3-pytest
# imported CI files run in a copy of their git repository (the CLI's jar tests make one)
need git || apt_install git
# the debug shell's test drives the CLI through a pseudo-terminal with util-linux's script
need script || apt_install bsdutils
# pipeline-jdbc's tests start their own PostgreSQL 15 server in target/ (initdb + pg_ctl on a loopback port), never
# the machine's service; they need the server binaries, and a postgres user to run them as when the suite runs as root
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || apt_install postgresql
# the designer's browser tests drive Debian's Chromium with playwright-core (never a downloaded browser)
[ -x /usr/bin/chromium ] || apt_install chromium

# A Docker engine for pipeline-docker's ITs, when none answers: Debian's docker.io, started without a
# bridge network or iptables (nothing here may create a bridge on a private range), and the busybox
# test image those tests run, made from busybox-static. Skip with: scripts/test.sh -Dpipelinekit.docker.skip=true
docker_wanted=yes
for arg in "$@"; do [ "$arg" = "-Dpipelinekit.docker.skip=true" ] && docker_wanted=no; done
if [ "$docker_wanted" = yes ]; then
  if ! { need docker && docker info >/dev/null 2>&1; }; then
    need dockerd && need docker || apt_install docker.io
    if ! docker info >/dev/null 2>&1; then
      if [ "$(id -u)" -ne 0 ]; then
        echo "test.sh: no Docker engine answers and starting one needs root; start dockerd, or pass -Dpipelinekit.docker.skip=true" >&2
        exit 2
      fi
      log=${TMPDIR:-/tmp}/pipelinekit-dockerd.log
      nohup dockerd --storage-driver=vfs --bridge=none --iptables=false --ip-masq=false >"$log" 2>&1 &
      for _ in $(seq 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
      docker info >/dev/null 2>&1 || { echo "test.sh: dockerd did not answer within 60 s; its log is $log" >&2; exit 2; }
    fi
  fi
  if ! docker image inspect pipelinekit/busybox:test >/dev/null 2>&1; then
    dpkg -s busybox-static >/dev/null 2>&1 || apt_install busybox-static  # static: the image has no libc
    root=$(mktemp -d)
    chmod 755 "$root"  # the image's / : mktemp makes it 700, which only root could enter
    mkdir -p "$root/bin" "$root/tmp" "$root/etc" "$root/root"
    chmod 1777 "$root/tmp"
    cp /bin/busybox "$root/bin/busybox"
    for applet in $(/bin/busybox --list); do [ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"; done
    echo 'root:x:0:0:root:/root:/bin/sh' > "$root/etc/passwd"
    tar -C "$root" -c . | docker import - pipelinekit/busybox:test >/dev/null
    rm -rf "$root"
  fi
  # docker-build's push is tested against Debian's docker-registry (Docker's Distribution), started by the test on loopback
  need docker-registry || apt_install docker-registry
fi

# gitlab-ci-local, the oracle of the GitLab import's differential tests (pipeline-cli's GitLabDifferentialIT): from npm,
# pinned in tools/gitlab-ci-local with the Node 22 it needs; it copies each job's files with Debian's rsync
need rsync || apt_install rsync
if [ ! -x tools/gitlab-ci-local/node_modules/.bin/node ] || [ ! -f tools/gitlab-ci-local/node_modules/gitlab-ci-local/dist/index.js ]; then
  npm ci --prefix tools/gitlab-ci-local --no-audit --no-fund >/dev/null
fi

# verdaccio, the npm registry node-build publishes to in pipeline-core's NpmPublishTest: from npm, pinned in tools/verdaccio
if [ ! -x tools/verdaccio/node_modules/.bin/verdaccio ]; then
  npm ci --prefix tools/verdaccio --no-audit --no-fund >/dev/null
fi

# the tests leave nothing behind: no pipelinekit-* directory in the system temp directory (they keep theirs in target/)
tmp="${TMPDIR:-/tmp}"
before=$(mktemp)
ls -d "$tmp"/pipelinekit-* 2>/dev/null | sort > "$before" || true
status=0
mvn -B verify "$@" || status=$?
left=$(ls -d "$tmp"/pipelinekit-* 2>/dev/null | sort | comm -13 "$before" - || true)
rm -f "$before"
if [ -n "$left" ]; then
  echo "test.sh: the tests left these in $tmp:" >&2
  echo "$left" >&2
  [ "$status" -ne 0 ] || status=3
fi
exit "$status"
