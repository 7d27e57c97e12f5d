#!/usr/bin/env bash
# The shared PostgreSQL store (docs/store.md): per-step overhead of a 100-step playbook with the store
# against the local `.belay/` store and a bare `bash -c true` loop, then the throughput of 20 runners
# on 20 different locks started at once. Starts a private PostgreSQL cluster in a temporary folder
# (as the `postgres` user when run as root) and stops it. Skipped when PostgreSQL is not installed.
set -euo pipefail
: "${BELAY:?set BELAY to the belay binary (make bench does)}"
RUNS="${RUNS:-3}"
RUNNERS="${RUNNERS:-20}"
PHASES=10
STEPS=10
TOTAL=$((PHASES * STEPS))

bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then echo "skipped: PostgreSQL is not installed (make deps)"; exit 0; fi

work="$(mktemp -d "${TMPDIR:-/tmp}/belay-bench-store.XXXXXX")"
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$work"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
as_owner "$bin/initdb" -D "$work/data" -U postgres -A trust -E UTF8 --locale=C > /dev/null
as_owner "$bin/pg_ctl" -D "$work/data" -l "$work/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $work" start > /dev/null
trap 'as_owner "$bin/pg_ctl" -D "$work/data" -m immediate -w stop > /dev/null 2>&1 || true; rm -rf "$work"' EXIT
store="postgres://postgres@127.0.0.1:$port/postgres"

playbook="$work/steps.yml"
{
  echo "name: bench-store"
  echo "phases:"
  for p in $(seq 1 "$PHASES"); do
    echo "  - id: p$p"
    echo "    steps:"
    for s in $(seq 1 "$STEPS"); do echo "      - { id: s$s, run: \"true\", compensate: \"true\" }"; done
  done
} > "$playbook"

now_ms() { date +%s%3N; }
median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
fresh() { local i; mkdir -p "$1/src"; for i in $(seq 1 20); do echo "file $i" > "$1/src/file$i.txt"; done; }

local_times=(); store_times=(); loop_times=()
for i in $(seq 1 "$RUNS"); do
  fresh "$work/local$i"; start=$(now_ms)
  "$BELAY" run "$playbook" --workspace "$work/local$i" --run-id "local-$i" > /dev/null
  local_times+=($(( $(now_ms) - start )))
  fresh "$work/store$i"; start=$(now_ms)
  "$BELAY" run "$playbook" --workspace "$work/store$i" --run-id "store-$i" --store "$store" > /dev/null
  store_times+=($(( $(now_ms) - start )))
  start=$(now_ms); for _ in $(seq 1 "$TOTAL"); do bash -c true; done; loop_times+=($(( $(now_ms) - start )))
done
local_ms=$(printf '%s\n' "${local_times[@]}" | median)
store_ms=$(printf '%s\n' "${store_times[@]}" | median)
loop_ms=$(printf '%s\n' "${loop_times[@]}" | median)
per() { awk -v a="$1" -v b="$2" -v n="$TOTAL" 'BEGIN { printf "%.2f", (a - b) / n }'; }

# Throughput: RUNNERS runners, each its own workspace and lock, started together.
for r in $(seq 1 "$RUNNERS"); do
  fresh "$work/many$r"
  sed "s/^name: bench-store/name: bench-store\nlock: lock-$r/" "$playbook" > "$work/many$r/playbook.yml"
done
start=$(now_ms)
pids=()
for r in $(seq 1 "$RUNNERS"); do
  "$BELAY" run "$work/many$r/playbook.yml" --run-id "many-$r" --store "$store" > "$work/many$r.out" 2>&1 & pids+=($!)
done
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=$((failed + 1)); done
many_ms=$(( $(now_ms) - start ))

echo "steps per run:           $TOTAL ($PHASES phases × $STEPS), median of $RUNS runs"
echo "bash -c true loop:       ${loop_ms} ms"
echo "belay, local store:      ${local_ms} ms   ($(per "$local_ms" "$loop_ms") ms per step over the loop)"
echo "belay, PostgreSQL store: ${store_ms} ms   ($(per "$store_ms" "$loop_ms") ms per step over the loop, $(per "$store_ms" "$local_ms") over local)"
echo "$RUNNERS runners on $RUNNERS locks: ${many_ms} ms for $((RUNNERS * TOTAL)) steps ($(awk -v s=$((RUNNERS * TOTAL)) -v t="$many_ms" 'BEGIN { printf "%.0f", s * 1000 / t }') steps/s), $failed failed"
[ "$failed" -eq 0 ]
