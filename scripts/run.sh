#!/usr/bin/env bash
# The run command of the README: builds the example server jar (skipping tests) and starts it.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -DskipTests package
exec java -jar server-example/target/chat-server.jar "$@"
