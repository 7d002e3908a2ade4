#!/usr/bin/env bash
# The test command of the README: installs the independent WebSocket peers the interop tests talk to
# (when missing), then builds and runs every test with checkstyle and paranoid leak detection.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-test-peers.sh

exec mvn -B verify "$@"
