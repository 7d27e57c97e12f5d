#!/usr/bin/env bash
# The guided tour behind `make demo`.
set -euo pipefail
"${BELAY:?set BELAY to the belay binary}" --version
