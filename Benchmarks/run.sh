#!/usr/bin/env bash
# `make bench`: runs every Benchmarks/*.sh (except this driver) in order, with $BELAY set.
set -euo pipefail
: "${BELAY:?set BELAY to the belay binary (make bench does)}"
here="$(cd "$(dirname "$0")" && pwd)"
status=0
for bench in "$here"/*.sh; do
  [ "$(basename "$bench")" = "run.sh" ] && continue
  echo "== $(basename "$bench")"
  bash "$bench" || status=1
  echo
done

# masking.sh (run above with the others) is its own section: secret masking throughput with 0, 1 and
# 50 secrets against a plain copy of the same bytes.

# -- The gate's worst cases (Benchmarks/gate/): peak memory on a huge JUnit file and a million-result
# -- SARIF log against Python's parsers. Skip with GATE_BENCH=0.
if [ "${GATE_BENCH:-1}" != 0 ]; then
  echo "== gate/memory.sh"
  bash "$here/gate/memory.sh" || status=1
  echo
fi
exit "$status"
