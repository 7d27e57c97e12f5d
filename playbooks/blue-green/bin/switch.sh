#!/usr/bin/env bash
# Points the `current` symlink at releases/VERSION atomically (a new link renamed over the old one),
# and records where it pointed before as previous=... in $BELAY_OUTPUT.
#   switch.sh VERSION        switch to a release
#   switch.sh --back PREV    the compensation: point back at PREV, or remove `current` if PREV is empty
set -euo pipefail
link=current
point_at() {
  local tmp=".current.$$"
  ln -sfn "$1" "$tmp"
  mv -T "$tmp" "$link"
}
if [ "${1:-}" = "--back" ]; then
  previous=${2:-}
  if [ -n "$previous" ]; then point_at "$previous"; echo "current -> $previous"; else rm -f "$link"; echo "current removed"; fi
  exit 0
fi
version=${1:?usage: switch.sh VERSION | --back PREVIOUS}
[ -d "releases/$version" ] || { echo "releases/$version does not exist: stage it first" >&2; exit 1; }
previous=$(readlink "$link" 2>/dev/null || true)
echo "previous=$previous" >> "${BELAY_OUTPUT:-/dev/null}"
point_at "releases/$version"
echo "current -> releases/$version (was: ${previous:-nothing})"
