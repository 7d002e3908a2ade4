#!/usr/bin/env bash
# End-to-end echo load: ours vs Netty websocketx vs raw length-prefixed TCP vs the unframed byte echo (the ceiling:
# one handler writes back whatever it reads), 32 B and 1 KiB messages, binary and text, 100 connections x 16 in
# flight, 3 s warm-up + 10 s measured each, on the epoll, io_uring and NIO transports (the server's; the client
# always runs on epoll). The server (a child JVM, 1 event loop thread) is pinned to CPU 0, the load client to CPU 1.
# About 13 minutes with the defaults. On a loaded machine, REPEAT=3 runs everything three times, servers interleaved,
# and the tables and the chart take the median of each measurement.
#
#   scripts/bench-load.sh                    # writes benchmarks/results/load.{csv,md,png}
#   TRANSPORTS=epoll DURATION=5 SIZES="32" scripts/bench-load.sh
#   REPEAT=3 TRANSPORTS=epoll scripts/bench-load.sh
#   APPEND=1 TRANSPORTS=nio scripts/bench-load.sh   # adds to the CSV instead of starting a new one
#
# One run by hand:
#   taskset -c 1 java -cp benchmarks/target/benchmarks.jar dev.nettyws.bench.load.LoadCommand \
#       --server ours --transport epoll --server-cpus 0 --size 32 --connections 100 --in-flight 16
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES="${SIZES:-32 1024}"
KINDS="${KINDS:-binary text}"
SERVERS="${SERVERS:-ours netty raw bytes}"
TRANSPORTS="${TRANSPORTS:-epoll io_uring nio}"
REPEAT="${REPEAT:-1}"
DURATION="${DURATION:-10}"
WARMUP="${WARMUP:-3}"
CONNECTIONS="${CONNECTIONS:-100}"
IN_FLIGHT="${IN_FLIGHT:-16}"
SERVER_CPUS="${SERVER_CPUS:-0}"
CLIENT_CPUS="${CLIENT_CPUS:-1}"
OUT=benchmarks/results
CSV="${CSV:-$OUT/load.csv}"
PNG="${PNG:-$OUT/load.png}"
MD="${MD:-$OUT/load.md}"

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    mvn -q -o -pl benchmarks -am package -DskipTests
fi
JAR=benchmarks/target/benchmarks.jar
mkdir -p "$OUT"
if [[ "${APPEND:-0}" != 1 ]]; then
    rm -f "$CSV"
fi

echo "load before the run: $(cat /proc/loadavg)"
for run in $(seq "$REPEAT"); do
    for transport in $TRANSPORTS; do
        for size in $SIZES; do
            for kind in $KINDS; do
                for server in $SERVERS; do
                    text=()
                    if [[ "$kind" == text ]]; then
                        text=(--text)
                    fi
                    taskset -c "$CLIENT_CPUS" java -Xms512m -Xmx512m -Dio.netty.leakDetection.level=disabled \
                        -cp "$JAR" dev.nettyws.bench.load.LoadCommand --server "$server" --transport "$transport" \
                        --server-cpus "$SERVER_CPUS" --size "$size" "${text[@]}" --connections "$CONNECTIONS" \
                        --in-flight "$IN_FLIGHT" --warmup "$WARMUP" --duration "$DURATION" --csv "$CSV"
                    echo
                done
            done
        done
    done
done
echo "load after the run: $(cat /proc/loadavg)"

MACHINE="$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
java -cp "$JAR" dev.nettyws.bench.load.ChartCommand "$CSV" --out "$PNG" \
    --title "$CONNECTIONS conn x $IN_FLIGHT in flight" --transport "${CHART_TRANSPORT:-${TRANSPORTS%% *}}"
echo "machine: $MACHINE"
column -s, -t < "$CSV"
echo
java -cp "$JAR" dev.nettyws.bench.load.LoadTable "$CSV" --out "$MD"
