#!/usr/bin/env bash
# Per-step overhead of the saga engine: a 200-step playbook (20 phases × 10 steps of `true`, each
# with a compensation) against a plain bash loop spawning `bash -c true` 200 times, in the same run.
# Prints the best and median runs of both, the ratio of the best runs (other work on a shared
# machine only ever adds time) and the overhead per step; checks the 21 rollback points.
# Then, reported beside the verdict: the same runs with the workspaces in memory (tmpfs, when
# /dev/shm is one), which takes the disk away and leaves Belay's own cost, and what this disk
# charges for the writes a step and a point cannot do without (`belay-bench disk`).
set -euo pipefail
: "${BELAY:?set BELAY to the belay binary (make bench does)}"
RUNS="${RUNS:-5}"
PHASES=20
STEPS=10
TOTAL=$((PHASES * STEPS))
TARGET_RATIO="${TARGET_RATIO:-1.5}"

work="$(mktemp -d "${TMPDIR:-/tmp}/belay-bench-steps.XXXXXX")"
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT

# The playbook, generated once.
playbook="$work/steps.yml"
{
  echo "name: bench-steps"
  echo "phases:"
  for p in $(seq 1 "$PHASES"); do
    echo "  - id: p$p"
    echo "    steps:"
    for s in $(seq 1 "$STEPS"); do
      echo "      - { id: s$s, run: \"true\", compensate: \"true\" }"
    done
  done
} > "$playbook"

# A workspace with a few files, fresh for every timed run.
make_workspace() {
  local ws="$1" i
  mkdir -p "$ws/src" "$ws/config"
  for i in $(seq 1 20); do echo "file $i" > "$ws/src/file$i.txt"; done
  echo "version: 1" > "$ws/config/app.yml"
}

now_ms() { date +%s%3N; }
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
best() { sort -n | head -1; }

# The workspaces of the in-memory runs, when there is a tmpfs to hold them.
memory=""
if [ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ]; then
  memory="$(mktemp -d /dev/shm/belay-bench-steps.XXXXXX)"
  trap '[ -n "${KEEP:-}" ] || rm -rf "$work" "$memory"' EXIT
fi

belay_times=()
loop_times=()
memory_times=()
for i in $(seq 1 "$RUNS"); do
  ws="$work/ws$i"
  make_workspace "$ws"
  start=$(now_ms)
  "$BELAY" run "$playbook" --workspace "$ws" --run-id "bench-$i" > "$work/out$i.txt"
  belay_times+=($(( $(now_ms) - start )))

  start=$(now_ms)
  for _ in $(seq 1 "$TOTAL"); do bash -c true; done
  loop_times+=($(( $(now_ms) - start )))

  if [ -n "$memory" ]; then
    make_workspace "$memory/ws$i"
    start=$(now_ms)
    "$BELAY" run "$playbook" --workspace "$memory/ws$i" --run-id "bench-$i" > /dev/null
    memory_times+=($(( $(now_ms) - start )))
    rm -rf "$memory/ws$i"
  fi
done

belay_ms=$(printf '%s\n' "${belay_times[@]}" | best)
loop_ms=$(printf '%s\n' "${loop_times[@]}" | best)
belay_median=$(printf '%s\n' "${belay_times[@]}" | median)
loop_median=$(printf '%s\n' "${loop_times[@]}" | median)
ratio=$(awk -v b="$belay_ms" -v l="$loop_ms" 'BEGIN { printf "%.2f", b / l }')
median_ratio=$(awk -v b="$belay_median" -v l="$loop_median" 'BEGIN { printf "%.2f", b / l }')
per_step=$(awk -v b="$belay_ms" -v l="$loop_ms" -v n="$TOTAL" 'BEGIN { printf "%.2f", (b - l) / n }')

points=$(git --git-dir "$work/ws1/.belay/git" for-each-ref --format='%(refname)' "refs/belay/points/bench-1/" | wc -l)

[ -n "${KEEP:-}" ] && echo "workspaces kept in: $work"
echo "steps:             $TOTAL ($PHASES phases × $STEPS), $RUNS runs each"
echo "belay run:         best ${belay_ms} ms, median ${belay_median} ms   (runs: ${belay_times[*]})"
echo "bash -c true loop: best ${loop_ms} ms, median ${loop_median} ms   (runs: ${loop_times[*]})"
echo "ratio:             ${ratio}x of the best runs, ${median_ratio}x of the medians"
echo "overhead per step: ${per_step} ms"
echo "rollback points:   ${points} (expected $((PHASES + 1)))"

if [ -n "$memory" ]; then
  memory_ms=$(printf '%s\n' "${memory_times[@]}" | best)
  memory_ratio=$(awk -v b="$memory_ms" -v l="$loop_ms" 'BEGIN { printf "%.2f", b / l }')
  echo "in memory (tmpfs): best ${memory_ms} ms, ${memory_ratio}x the loop: Belay's own cost, the disk taken away   (runs: ${memory_times[*]})"
fi
# shellcheck disable=SC2086
if (cd "$(dirname "$0")/.." && swift build -c release ${BUILD_FLAGS:-} --product belay-bench >/dev/null 2>&1); then
  # shellcheck disable=SC2086
  bench="$(cd "$(dirname "$0")/.." && swift build -c release ${BUILD_FLAGS:-} --show-bin-path)/belay-bench"
  disk="$("$bench" disk --dir "$work" --count "$TOTAL")"
  echo "$disk" | grep -v '^[A-Z_]*='
  value() { echo "$disk" | sed -n "s/^$1=//p"; }
  # Each step: one synced journal line and one log file; each point: two references moved.
  floor=$(awk -v s="$TOTAL" -v p=$((PHASES + 1)) -v w="$(value DISK_STEP_US)" \
    -v r="$(value DISK_REFERENCE_US)" -v l="$loop_ms" 'BEGIN { printf "%.0f", l + (s * w + p * 2 * r) / 1000 }')
  echo "disk floor:        the loop plus those writes, ${floor} ms: $(awk -v f="$floor" -v l="$loop_ms" 'BEGIN { printf "%.2f", f / l }')x the loop before Belay does any work"
fi

status=0
if [ "$points" -ne $((PHASES + 1)) ]; then echo "FAIL: expected $((PHASES + 1)) rollback points"; status=1; fi
verdict=met
if awk -v r="$ratio" -v t="$TARGET_RATIO" 'BEGIN { exit !(r > t) }'; then verdict="NOT met"; status=1; fi
echo "TARGET steps: $TOTAL steps ${ratio}x a bash -c true loop (target ≤ ${TARGET_RATIO}x): $verdict"
exit "$status"
