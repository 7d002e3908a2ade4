#!/usr/bin/env bash
# The push benchmark ("Why WebSocket: measured" in the README): N receivers in one chat room on each transport
# (WebSocket, Server-Sent Events, long polling, short polling every 1 s and every 100 ms), a poster sending messages
# at a steady rate; bytes on the wire per delivered message (both directions, counted at the receivers' sockets),
# requests per message, latency p50/p99/max, server CPU per 1,000 messages and server heap per client.
#
#   scripts/bench-push.sh                                   # 100 and 1,000 clients, 1 and 20 msg/s, 10 s per run
#   scripts/bench-push.sh --clients 100 --rates 1 --seconds 5   # other options: --help
#
# Appends to benchmarks/results/push.csv; writes benchmarks/results/push.md and push.png for this run.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    mvn -q -o -pl server-example,benchmarks -am package -DskipTests
fi
ulimit -n 20000 2>/dev/null || true
exec java -Xms1g -Xmx2g -Dio.netty.leakDetection.level=disabled -cp benchmarks/target/benchmarks.jar \
    dev.nettyws.bench.push.PushCommand "$@"
