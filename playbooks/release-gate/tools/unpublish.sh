#!/usr/bin/env bash
# Compensation of publish.sh: removes the artifact only if this run created it. Idempotent.
set -euo pipefail
artifact=${BELAY_OUT_ARTIFACT:-}
rm -f "${artifact:-/nonexistent}.tmp"
if [ "${BELAY_OUT_CREATED:-}" = 1 ] && [ -n "$artifact" ]; then
  rm -f "$artifact"
  echo "removed $artifact"
else
  echo "nothing published by this run"
fi
