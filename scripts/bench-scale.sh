#!/usr/bin/env bash
# The scale benchmark: N idle WebSocket connections to one chat room, heap per connection after a full GC (with the
# classes holding it, per connection) and RSS per connection (the server runs with a fixed 256 MiB heap touched up
# front and 256 MiB of direct memory, so RSS growth is what the connections cost outside the heap), the time to fan a
# numbered message out to all of them (none lost or reordered), and a burst of messages for deliveries per second
# and per server-CPU-second; our chat server, our codec under a bare broadcast application, and a broadcast server
# on Netty's websocketx, in one run.
#
#   scripts/bench-scale.sh                          # 10,000 connections
#   scripts/bench-scale.sh --connections 1000       # other options (--transport, --server-heap ...): --help
#   scripts/bench-scale.sh --server nettyws --connections 1000 --nodes 3
#                                                   # the chat server as 3 nodes sharing the room through a
#                                                   # redis-server started here (needs redis-server on PATH)
#   scripts/bench-scale.sh --server nettyws --nodes 6 --client-processes 6 --connections 100000 --server-heap 512m
#                                                   # more members than one process holds: 6 client JVMs, client k
#                                                   # from 127.0.0.(k+2); per-node figures to scale-nodes.csv and
#                                                   # the charts scale-nodes.png, scale-nodes-latency.png
#
# Appends to benchmarks/results/scale.csv and writes benchmarks/results/scale-classes.md. Each connection is a file
# descriptor in the server and in the client process: the script raises the soft file limit as far as the hard limit
# (or root) allows, and the command measures fewer connections, saying so, when the limit is lower than asked for.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    mvn -q -o -pl server-example,benchmarks -am package -DskipTests
fi
ulimit -n 120000 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
echo "file limit: $(ulimit -n) descriptors per process"
exec java -Xms2g -Xmx4g -Dio.netty.leakDetection.level=disabled -cp benchmarks/target/benchmarks.jar \
    dev.nettyws.bench.scale.ScaleCommand "$@"
