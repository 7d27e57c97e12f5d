#!/usr/bin/env bash
# Reading history: the fold of a 10,000-step run (about 40,000 events) in events/s (target ≥ 1M/s)
# against Python's json.loads of the same lines, and `belay status`, `log`, `inspect` and `runs`
# on that run with 1,000 small runs beside it (target < 50 ms each), with the fold cache the run's end
# leaves (docs/state.md), and `status` without it (reported). The journals are synthetic:
# the events a real run writes for each step, without spending minutes running 10,000 steps. Their
# rollback points name no commit in .belay/git, so `log` and `inspect` time the journal, not diffs.
set -euo pipefail
: "${BELAY:?set BELAY to the belay binary (make bench does)}"
cd "$(dirname "$0")/.."
STEPS="${STEPS:-10000}"
RUNS="${RUNS:-1000}"
TARGET_EVENTS="${TARGET_EVENTS:-1000000}"
TARGET_MS="${TARGET_MS:-50}"
# shellcheck disable=SC2086
swift build -c release ${BUILD_FLAGS:-} --product belay-bench >&2
# shellcheck disable=SC2086
bench="$(swift build -c release ${BUILD_FLAGS:-} --show-bin-path)/belay-bench"
out="$("$bench" history --steps "$STEPS" --runs "$RUNS" --belay "$BELAY")"
echo "$out" | grep -v '^[A-Z_]*='
status=0
fold="$(echo "$out" | sed -n 's/^FOLD_EVENTS_PER_SECOND=//p')"
python="$(echo "$out" | sed -n 's/^PYTHON_EVENTS_PER_SECOND=//p')"
verdict=met
[ "$fold" -ge "$TARGET_EVENTS" ] || { verdict="NOT met"; status=1; }
echo "TARGET fold: $fold events/s, $(awk -v f="$fold" -v p="$python" 'BEGIN { printf "%.2f", f / p }')x python json.loads (target ≥ $TARGET_EVENTS events/s): $verdict"
for command in status log inspect runs; do
  ms="$(echo "$out" | sed -n "s/^COMMAND_MS_$(echo "$command" | tr a-z A-Z)=//p")"
  verdict=met
  awk -v m="$ms" -v t="$TARGET_MS" 'BEGIN { exit !(m >= t) }' && { verdict="NOT met"; status=1; }
  echo "TARGET belay $command on $STEPS steps ($RUNS runs): $ms ms (target < $TARGET_MS ms): $verdict"
done
exit "$status"
