#!/usr/bin/env bash
# Checkpoint speed, side by side with the git CLI in the same run:
# CheckpointStore.record on a 20,000-file workspace where 10 files changed, against
# `git add -A && git commit -q -m x` on an identical copy (target: ≤ 0.5x git); then the first
# snapshot of a 100,000-file workspace against `git init && git add -A && git commit` (reported,
# no target). Extra arguments go to the 20,000-file driver: --files N, --changed N, --rounds N.
# BUILD_FLAGS are passed to `swift build` (a scratch path, say). INITIAL_FILES=0 skips the second part.
set -euo pipefail
cd "$(dirname "$0")/.."
TARGET_RATIO="${TARGET_RATIO:-0.5}"
INITIAL_FILES="${INITIAL_FILES:-100000}"
# shellcheck disable=SC2086
swift build -c release ${BUILD_FLAGS:-} --product belay-bench >&2
# shellcheck disable=SC2086
bench="$(swift build -c release ${BUILD_FLAGS:-} --show-bin-path)/belay-bench"
out="$("$bench" checkpoint "$@")"
echo "$out" | grep -v '^[A-Z_]*='
ratio="$(echo "$out" | sed -n 's/^CHECKPOINT_RATIO=//p')"
verdict=met
awk -v r="$ratio" -v t="$TARGET_RATIO" 'BEGIN { exit !(r > t) }' && verdict="NOT met"
echo "TARGET checkpoint: ${ratio}x git add -A && git commit (target ≤ ${TARGET_RATIO}x): $verdict"
if [ "$INITIAL_FILES" != 0 ]; then
  initial="$("$bench" checkpoint --files "$INITIAL_FILES" --initial-only)"
  echo "$initial" | grep -v '^[A-Z_]*='
  echo "REPORT initial snapshot of $INITIAL_FILES files: $(echo "$initial" | sed -n 's/^INITIAL_RATIO=//p')x git (no target)"
fi
[ "$verdict" = met ]
