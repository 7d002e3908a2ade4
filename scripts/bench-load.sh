#!/usr/bin/env bash
# End-to-end echo load: ours vs Netty websocketx vs raw length-prefixed TCP (the ceiling), 32 B and 1 KiB messages,
# binary and text, 100 connections x 16 in flight, 3 s warm-up + 10 s measured each. The server (a child JVM,
# 1 event loop thread) is pinned to CPU 0, the load client to CPU 1. About 3.5 minutes.
#
#   scripts/bench-load.sh                    # the comparison, writes benchmarks/results/load.csv and load.png
#   DURATION=5 SIZES="32" scripts/bench-load.sh
#
# One run by hand:
#   taskset -c 1 java -cp benchmarks/target/benchmarks.jar dev.nettyws.bench.load.LoadCommand \
#       --server ours --server-cpus 0 --size 32 --connections 100 --in-flight 16
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES="${SIZES:-32 1024}"
KINDS="${KINDS:-binary text}"
SERVERS="${SERVERS:-ours netty raw}"
DURATION="${DURATION:-10}"
WARMUP="${WARMUP:-3}"
CONNECTIONS="${CONNECTIONS:-100}"
IN_FLIGHT="${IN_FLIGHT:-16}"
SERVER_CPUS="${SERVER_CPUS:-0}"
CLIENT_CPUS="${CLIENT_CPUS:-1}"
OUT=benchmarks/results
CSV="${CSV:-$OUT/load.csv}"
PNG="${PNG:-$OUT/load.png}"

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    mvn -q -o -pl benchmarks -am package -DskipTests
fi
JAR=benchmarks/target/benchmarks.jar
mkdir -p "$OUT"
rm -f "$CSV"

for size in $SIZES; do
    for kind in $KINDS; do
        for server in $SERVERS; do
            text=()
            if [[ "$kind" == text ]]; then
                text=(--text)
            fi
            taskset -c "$CLIENT_CPUS" java -Xms512m -Xmx512m -Dio.netty.leakDetection.level=disabled -cp "$JAR" \
                dev.nettyws.bench.load.LoadCommand --server "$server" --server-cpus "$SERVER_CPUS" \
                --size "$size" "${text[@]}" --connections "$CONNECTIONS" --in-flight "$IN_FLIGHT" \
                --warmup "$WARMUP" --duration "$DURATION" --csv "$CSV"
            echo
        done
    done
done

MACHINE="$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
java -cp "$JAR" dev.nettyws.bench.load.ChartCommand "$CSV" --out "$PNG" \
    --title "$CONNECTIONS conn x $IN_FLIGHT in flight"
echo "machine: $MACHINE"
column -s, -t < "$CSV"
