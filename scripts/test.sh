#!/usr/bin/env bash
# The test command of the README: installs the independent WebSocket peers the interop tests talk to (when
# missing), builds and runs every test with checkstyle, paranoid leak detection and the Javadoc of the library jars,
# installs the jars into the local Maven repository, and then builds consumer-check/, a user's project outside the
# build that compiles the README's examples against those jars. Maven options pass through to both builds, e.g.
#   bash scripts/test.sh -Dmaven.repo.local=/tmp/m2     # keep the installed jars out of ~/.m2
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-test-peers.sh

mvn -B install "$@"
exec mvn -B -f consumer-check/pom.xml verify "$@"
