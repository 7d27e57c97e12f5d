#!/usr/bin/env bash
# switch-back.sh: compensation of switch.sh. Points `current` back at $BELAY_OUT_PREVIOUS, or
# removes it when there was no previous release. Idempotent.
set -euo pipefail
cd "$(dirname "$0")"

previous="${BELAY_OUT_PREVIOUS:-}"
if [ -n "$previous" ]; then
  ln -sfn "$previous" current.tmp
  mv -fT current.tmp current
  echo "current -> $previous (restored)"
else
  rm -f current current.tmp
  echo "current removed (there was no previous release)"
fi
