#!/usr/bin/env bash
# Secret masking throughput: a step that prints one SIZE_MB line (no newline, secrets sprinkled in)
# run by `belay` with 0, 1 and 50 secrets declared, against a plain `cat` of the same bytes into a
# file, in the same run. Masking is one pass of an Aho–Corasick automaton over the bytes, so the
# time grows with the size and not with the number of secrets; each log is checked to hold no secret.
set -euo pipefail
: "${BELAY:?set BELAY to the belay binary (make bench does)}"
SIZE_MB="${SIZE_MB:-200}"

work="$(mktemp -d "${TMPDIR:-/tmp}/belay-bench-masking.XXXXXX")"
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT

# 50 secrets in the environment (S1..S50); the input holds S1 and S50 every megabyte.
for i in $(seq 1 50); do export "S$i=secret-$i-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"; done
python3 - "$work/input.bin" "$SIZE_MB" <<'PY'
import os, sys
path, size = sys.argv[1], int(sys.argv[2])
chunk = (b"x" * (1024 * 1024 - 200)) + os.environ["S1"].encode() + b"y" * 50 + os.environ["S50"].encode()
with open(path, "wb") as f:
    for _ in range(size):
        f.write(chunk[: 1024 * 1024])
PY

now_ms() { date +%s%3N; }
start=$(now_ms); cat "$work/input.bin" > "$work/copy.bin"; copy_ms=$(( $(now_ms) - start ))

run_with() {  # $1: number of secrets declared
  local n="$1" ws="$work/ws$1" names=""
  mkdir -p "$ws"
  [ "$n" -gt 0 ] && names="secrets: [$(seq -s, 1 "$n" | sed 's/\([0-9]*\)/S\1/g')]"
  printf 'name: bench-masking\n%s\nphases:\n  - id: p\n    steps:\n      - { id: print, run: "cat %s", irreversible: true }\n' \
    "$names" "$work/input.bin" > "$ws/playbook.yml"
  local start; start=$(now_ms)
  "$BELAY" run "$ws/playbook.yml" --workspace "$ws" --run-id m > "$ws/out.txt" || { cat "$ws/out.txt" >&2; exit 1; }
  local ms=$(( $(now_ms) - start ))
  local log="$ws/.belay/runs/m/logs/p.print.run.1.log"
  [ "$(stat -c %s "$log")" -gt $(( SIZE_MB * 1000000 )) ] || { echo "FAIL: the log is short with $n secrets" >&2; exit 1; }
  if [ "$n" -gt 0 ] && grep -qF "$S1" "$log"; then echo "FAIL: a secret is in the log with $n secrets" >&2; exit 1; fi
  echo "$ms"
}

ms0=$(run_with 0); ms1=$(run_with 1); ms50=$(run_with 50)
rate() { awk -v s="$SIZE_MB" -v ms="$1" 'BEGIN { printf "%.0f MB/s", s / (ms / 1000) }'; }
echo "one ${SIZE_MB} MB line, no newline (each belay figure includes starting the run, ~0.1 s)"
printf '  %-28s %6d ms  %s\n' "plain copy (cat > file)" "$copy_ms" "$(rate "$copy_ms")"
printf '  %-28s %6d ms  %s\n' "belay, 0 secrets" "$ms0" "$(rate "$ms0")"
printf '  %-28s %6d ms  %s\n' "belay, 1 secret" "$ms1" "$(rate "$ms1")"
printf '  %-28s %6d ms  %s\n' "belay, 50 secrets" "$ms50" "$(rate "$ms50")"
