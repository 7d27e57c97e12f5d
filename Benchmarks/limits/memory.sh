#!/usr/bin/env bash
# Bounded memory at the edges: the peak RSS of `belay rollback` restoring a 1 GB file, and of a run
# whose failing step wrote a 500 MB log (ending in one 20 MB line) that the recap shows the tail of.
# Files are generated in a temporary folder and removed afterwards. Sizes: LIMITS_BENCH_FILE_MB
# (1024), LIMITS_BENCH_LOG_MB (500). Needs GNU time (`make deps`).
set -euo pipefail
: "${BELAY:?set BELAY to the belay binary (make bench does)}"
file_mb="${LIMITS_BENCH_FILE_MB:-1024}"
log_mb="${LIMITS_BENCH_LOG_MB:-500}"
work="$(mktemp -d "${TMPDIR:-/tmp}/belay-bench-limits.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# "peak_MiB seconds exit" of a command, from GNU time.
measure() {
  local code=0
  /usr/bin/time -f "%M %e" -o "$work/time" "$@" >"$work/out" 2>&1 || code=$?
  # GNU time puts "Command exited with non-zero status N" first; the figures are the last line.
  read -r kb seconds < <(tail -n 1 "$work/time")
  echo "$((kb / 1024)) $seconds $code"
}
row() { printf "%-44s %10s %10s %6s\n" "$1" "$2" "$3" "$4"; }

# 1. A completed run that emptied a big file, then `rollback --to start` brings it back.
ws="$work/rollback"
mkdir -p "$ws"
{ yes "a line of a large artefact in the workspace, restored byte for byte" || true; } | head -c "$((file_mb * 1024 * 1024))" >"$ws/big.bin"
sum_before="$(cksum <"$ws/big.bin")"
cat >"$ws/playbook.yml" <<'YAML'
name: bench-rollback
phases:
  - id: empty
    steps:
      - { id: truncate, run: ": > big.bin", compensate: "true" }
YAML
"$BELAY" run "$ws/playbook.yml" --run-id r1 >/dev/null
read -r rollback_mib rollback_s rollback_code < <(measure "$BELAY" rollback r1 --to start --workspace "$ws")
[ "$(cksum <"$ws/big.bin")" = "$sum_before" ] || { echo "rollback did not restore big.bin exactly" >&2; exit 1; }
rm -rf "$ws"

# 2. A failing step with a big log: the recap reads its tail from the end.
ws="$work/log"
mkdir -p "$ws"
cat >"$ws/playbook.yml" <<YAML
name: bench-log
phases:
  - id: noisy
    steps:
      - id: fail
        run: |
          { yes "a line of a very chatty step that fails in the end" || true; } | head -c $(((log_mb - 20) * 1024 * 1024))
          head -c $((20 * 1024 * 1024)) /dev/zero | tr '\\0' x; echo
          exit 1
        compensate: "true"
YAML
read -r log_mib log_s log_code < <(measure "$BELAY" run "$ws/playbook.yml" --run-id r1)
[ "$log_code" = 1 ] || { echo "the failing run exited $log_code, not 1" >&2; cat "$work/out" >&2; exit 1; }
grep -q "more bytes)" "$work/out" || { echo "the recap did not cut the 20 MB line" >&2; exit 1; }

row "case" "peak MiB" "seconds" "exit"
row "rollback restoring a ${file_mb} MB file" "$rollback_mib" "$rollback_s" "$rollback_code"
row "failing step with a ${log_mb} MB log" "$log_mib" "$log_s" "$log_code"
