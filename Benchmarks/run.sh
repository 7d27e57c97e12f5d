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
exit "$status"
