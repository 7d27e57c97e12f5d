#!/usr/bin/env bash
# `make bench`: runs every Benchmarks/*.sh (except this driver) with $BELAY set, steps.sh first.
set -euo pipefail
: "${BELAY:?set BELAY to the belay binary (make bench does)}"
here="$(cd "$(dirname "$0")" && pwd)"
status=0
log="$(mktemp "${TMPDIR:-/tmp}/belay-bench.XXXXXX")"
trap 'rm -f "$log"' EXIT
# steps.sh runs before the others: its floor is what the file system charges for a new file and a
# synced line, and after the checkpoint, history and limits benchmarks delete their files ext4
# charges far more for minutes (it skips inodes freed in the last minute or six as it looks for a
# free one: a step's empty log file took 62 µs on a quiet disk and 413-609 µs right after
# checkpoint.sh, `sync` or not). The others read or write in bulk and hardly feel it.
benches=("$here/steps.sh")
for bench in "$here"/*.sh; do
  case "$(basename "$bench")" in run.sh | steps.sh) ;; *) benches+=("$bench") ;; esac
done
for bench in "${benches[@]}"; do
  echo "== $(basename "$bench")"
  bash "$bench" 2>&1 | tee -a "$log" || status=1
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
# -- Bounded under abuse (Benchmarks/limits/): peak memory of a rollback of a 1 GB file and of a
# -- failing step with a 500 MB log, and validation time of 10 and 50 MB playbooks. Skip with
# -- LIMITS_BENCH=0.
if [ "${LIMITS_BENCH:-1}" != 0 ]; then
  for bench in memory validate; do
    echo "== limits/$bench.sh"
    bash "$here/limits/$bench.sh" || status=1
    echo
  done
fi
# -- `belay serve` under load (Benchmarks/serve/): 50 event-stream followers and 200 status reads a
# -- second on one live run, latency p50/p99. Skip with SERVE_BENCH=0.
if [ "${SERVE_BENCH:-1}" != 0 ]; then
  echo "== serve/load.sh"
  # `belay serve` runs the `belay-serve` beside `belay`: make bench passes the release build's.
  BELAY="${SERVE_BELAY:-$BELAY}" bash "$here/serve/load.sh" || status=1
  echo
fi
# Every figure with a target, as each script judged it against its reference in the same run.
echo "== targets"
grep -h '^TARGET \|^REPORT ' "$log" | sed 's/^TARGET //; s/^REPORT /(reported) /' || true
exit "$status"
