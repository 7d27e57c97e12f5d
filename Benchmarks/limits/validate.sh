#!/usr/bin/env bash
# Playbook loading and validation in linear time: `belay validate` on generated playbooks of 10 and
# 50 MB (one phase after another, each step reading the previous one's output), with the CPU seconds
# per MB of each (CPU time, so a busy machine does not blur it); equal figures mean linear. Sizes: LIMITS_BENCH_PLAYBOOK_MB ("10 50").
set -euo pipefail
: "${BELAY:?set BELAY to the belay binary (make bench does)}"
here="$(cd "$(dirname "$0")" && pwd)"
sizes="${LIMITS_BENCH_PLAYBOOK_MB:-10 50}"
work="$(mktemp -d "${TMPDIR:-/tmp}/belay-bench-validate.XXXXXX")"
trap 'rm -rf "$work"' EXIT

printf "%-10s %10s %10s %10s %10s %12s\n" "playbook" "phases" "seconds" "CPU s" "peak MiB" "CPU s/MB"
for mb in $sizes; do
  phases="$(python3 "$here/generate_playbook.py" "$work/p$mb.yml" "$mb")"
  /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$BELAY" validate "$work/p$mb.yml" >"$work/out" 2>&1 \
    || { echo "validate failed on the ${mb} MB playbook:" >&2; tail -5 "$work/out" >&2; exit 1; }
  read -r seconds user system kb <"$work/time"
  cpu="$(awk -v u="$user" -v s="$system" 'BEGIN { printf "%.2f", u + s }')"
  printf "%-10s %10s %10s %10s %10s %12s\n" "${mb} MB" "$phases" "$seconds" "$cpu" "$((kb / 1024))" \
    "$(awk -v c="$cpu" -v m="$mb" 'BEGIN { printf "%.3f", c / m }')"
  rm -f "$work/p$mb.yml"
done
