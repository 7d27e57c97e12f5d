#!/usr/bin/env bash
# switch.sh RELEASE_DIR: point the `current` symlink at RELEASE_DIR, atomically.
# Outputs: previous (the old target, empty when there was none) and target, recorded BEFORE the
# switch so the compensation knows exactly what to restore even if this script dies half-way.
set -euo pipefail
cd "$(dirname "$0")"
. ./lib.sh

target="${1:?usage: switch.sh RELEASE_DIR}"
[ -d "$target" ] || { echo "no release folder $target" >&2; exit 1; }

previous="$(readlink current 2>/dev/null || true)"
if [ "$previous" = "$target" ] && [ -n "${BELAY_OUT_PREVIOUS+set}" ]; then
  previous="$BELAY_OUT_PREVIOUS"  # a retry: keep the original previous target
fi
output previous "$previous"
output target "$target"

ln -sfn "$target" current.tmp
mv -fT current.tmp current
echo "current -> $target (was: ${previous:-nothing})"
maybe_fail
