#!/usr/bin/env bash
# Fuzzes the codec for longer than the bounded run of `mvn verify` (codec/src/test/java/dev/nettyws/fuzz).
#
#   bash scripts/fuzz.sh [DURATION] [TARGET...]
#
# DURATION is per target, in Jazzer's syntax (30s, 10m, 2h; default 10m). TARGETs are frame-decoder, upgrade and
# close-frame (default: all three, one after another; Jazzer fuzzes one test per JVM). The generated corpus
# accumulates in codec/.cifuzz-corpus (ignored by git), so later runs start where earlier ones stopped. A crash
# stops the target's run, fails it, and leaves the input in
# codec/src/test/resources/dev/nettyws/fuzz/<Test>Inputs/<method>/crash-<sha1>: every later test run replays it,
# so commit it with the fix (and a named regression test that says what it found).
set -euo pipefail
cd "$(dirname "$0")/.."

duration=${1:-10m}
if [ $# -gt 0 ]; then
  shift
fi
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(frame-decoder upgrade close-frame)
fi

mvn -B -q -pl codec test-compile
status=0
for target in "${targets[@]}"; do
  echo "== fuzzing ${target} for ${duration}"
  if ! mvn -B -pl codec "surefire:test@fuzz-${target}" "-Djazzer.max_duration=${duration}"; then
    status=1
  fi
done
exit "${status}"
