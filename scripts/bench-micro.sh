#!/usr/bin/env bash
# Runs the JMH micro suite (decode, encode, handshake; ours vs Netty websocketx, with -prof gc) and prints the
# side-by-side table. About 8 minutes on 2 cores with the defaults below (5 warm-up and 3 measured iterations of
# 1 s, one fork; shorter warm-ups leave some small-payload runs half compiled).
#
#   scripts/bench-micro.sh                      # whole suite
#   scripts/bench-micro.sh 'DecodeBenchmark'    # a subset (JMH regexp), e.g. -p size=16 after it
#   WARMUP=3 MEASURE=5 scripts/bench-micro.sh   # longer runs (iterations of 1 s)
#
# Writes benchmarks/results/micro.json (JMH) and benchmarks/results/micro.md (the table).
set -euo pipefail
cd "$(dirname "$0")/.."

WARMUP="${WARMUP:-5}"
MEASURE="${MEASURE:-3}"
FORKS="${FORKS:-1}"
OUT=benchmarks/results
mkdir -p "$OUT"

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    mvn -q -o -pl benchmarks -am package -DskipTests
fi

JAR=benchmarks/target/benchmarks.jar
PATTERN="${1:-dev.nettyws.bench.micro.*Benchmark}"
shift || true

java -jar "$JAR" "$PATTERN" "$@" \
    -f "$FORKS" -wi "$WARMUP" -w 1s -i "$MEASURE" -r 1s \
    -prof gc -rf json -rff "$OUT/micro.json" \
    -jvmArgs "-Xms1g -Xmx1g -Dio.netty.leakDetection.level=disabled"

echo
java -cp "$JAR" dev.nettyws.bench.micro.MicroTable "$OUT/micro.json" "$OUT/micro.md"
