#!/usr/bin/env bash
# unbuild.sh: compensation of build.sh. Removes the release folder only if build.sh created it, and
# never the one `current` points at. Idempotent: running it twice, or after a build that stopped
# half-way, leaves the same result.
set -euo pipefail
cd "$(dirname "$0")"

dir="${BELAY_OUT_RELEASE_DIR:-}"
rm -rf releases/.build-*  # leftovers of an interrupted build
if [ -z "$dir" ] || [ "${BELAY_OUT_CREATED:-false}" != true ]; then
  echo "nothing to remove"
  exit 0
fi
if [ "$(readlink current 2>/dev/null || true)" = "$dir" ]; then
  echo "$dir is live; keeping it" >&2
  exit 0
fi
if [ -e "$dir" ]; then
  rm -rf "$dir"
  echo "removed $dir"
else
  echo "$dir is already gone"
fi
