#!/usr/bin/env bash
# Checkpoint speed, side by side with the git CLI in the same run:
# CheckpointStore.record on a 20,000-file workspace where 10 files changed, against
# `git add -A && git commit -q -m x` on an identical copy. Prints medians (ms) and the ratio.
# Extra arguments go to the driver: --files N, --changed N, --rounds N.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product belay-bench >&2
"$(swift build -c release --show-bin-path)/belay-bench" checkpoint "$@"
