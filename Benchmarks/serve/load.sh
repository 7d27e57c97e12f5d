#!/usr/bin/env bash
# `belay serve` under load on one live run: 50 concurrent event-stream followers and 200 status
# reads a second for 20 s (FOLLOWERS, RATE, LOAD_SECONDS change them), with latency p50/p99 of the
# reads and the followers' delivery lag. The run has 60 steps of 0.3 s, so events keep coming.
# Everything stays on 127.0.0.1; the load is bounded in count and time.
set -euo pipefail
: "${BELAY:?set BELAY to the belay binary (make bench does); belay-serve must be beside it}"
FOLLOWERS="${FOLLOWERS:-50}" RATE="${RATE:-200}" SECONDS_LOAD="${LOAD_SECONDS:-20}"
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
mkdir -p "$work/ws"
{
  echo "name: load"
  echo "phases:"
  for p in $(seq 1 6); do
    echo "  - id: p$p"
    echo "    steps:"
    for s in $(seq 1 10); do echo "      - { id: s$s, run: 'sleep 0.3', compensate: 'true' }"; done
  done
} > "$work/ws/playbook.yml"
echo "s3cret-bench-token" > "$work/token"
"$BELAY" serve --workspace "$work/ws" --port 0 --token-file "$work/token" > "$work/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 300); do
  grep -q "listening on" "$work/serve.log" && break
  kill -0 "$server" 2>/dev/null || break
  sleep 0.1
done
base="$(grep -o 'http://127.0.0.1:[0-9]*' "$work/serve.log" | head -1 || true)"
[ -n "$base" ] || { echo "belay serve did not start:"; cat "$work/serve.log"; exit 1; }
curl -sf -X POST -H "Authorization: Bearer s3cret-bench-token" -d '{"playbook":"playbook.yml","run_id":"load"}' \
  "$base/api/runs" > /dev/null
echo "belay serve ($base), one run of 60 steps; $FOLLOWERS followers, $RATE status reads/s for ${SECONDS_LOAD}s:"
python3 "$here/load.py" "$base" load "$FOLLOWERS" "$RATE" "$SECONDS_LOAD"
