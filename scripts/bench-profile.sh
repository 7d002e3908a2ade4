#!/usr/bin/env bash
# Where the server's cycles go: CPU profiles of the 32 B binary echo (100 connections x 16 in flight, the load tool's
# defaults) for nettyws, Netty's websocketx and the unframed byte echo, each server pinned to CPU 0 with one event
# loop on epoll, the client on CPU 1. async-profiler (the tools.profiler:async-profiler jar, native library inside)
# samples the server's CPU every millisecond during the measured window only (after the warm-up), Java, JVM and
# kernel frames. About 1.5 minutes.
#
#   scripts/bench-profile.sh                       # writes benchmarks/results/profile-{ours,netty,bytes}.{png,html}
#   SIZE=1024 KIND=text scripts/bench-profile.sh   # another workload (the files are overwritten)
#   TAG=after scripts/bench-profile.sh             # profile-after-{ours,netty,bytes}.*, profile-after.md: keeps
#                                                  # the untagged files (the "before" of issue 17) beside them
#
# For each server: PREFIX.png (flame graph, frames coloured by category), PREFIX.html (async-profiler's interactive
# flame graph), PREFIX.collapsed.gz (the stacks); and benchmarks/results/profile.md, the share of samples per
# category side by side and the hottest leaf frames of each.
set -euo pipefail
cd "$(dirname "$0")/.."

SERVERS="${SERVERS:-ours netty bytes}"
TRANSPORT="${TRANSPORT:-epoll}"
SIZE="${SIZE:-32}"
KIND="${KIND:-binary}"
DURATION="${DURATION:-15}"
WARMUP="${WARMUP:-5}"
OUT=benchmarks/results

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
    mvn -q -o -pl benchmarks -am package -DskipTests
fi
JAR=benchmarks/target/benchmarks.jar
mkdir -p "$OUT"

text=()
if [[ "$KIND" == text ]]; then
    text=(--text)
fi
echo "load before the run: $(cat /proc/loadavg)"
collapsed=()
for server in $SERVERS; do
    prefix="$OUT/profile${TAG:+-$TAG}-$server"
    taskset -c 1 java -Xms512m -Xmx512m -Dio.netty.leakDetection.level=disabled -cp "$JAR" \
        dev.nettyws.bench.load.LoadCommand --server "$server" --transport "$TRANSPORT" --server-cpus 0 \
        --size "$SIZE" "${text[@]}" --warmup "$WARMUP" --duration "$DURATION" --profile "$prefix"
    collapsed+=("$prefix.collapsed")
    echo
done
echo "load after the run: $(cat /proc/loadavg)"
java -Djava.awt.headless=true -cp "$JAR" dev.nettyws.bench.profile.FlameGraphCommand "${collapsed[@]}" \
    --summary "$OUT/profile${TAG:+-$TAG}.md"
gzip -f "${collapsed[@]}"
