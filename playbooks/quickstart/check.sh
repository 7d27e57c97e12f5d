#!/usr/bin/env bash
# check.sh VERSION: check that the live site serves VERSION; write the result to
# reports/health-VERSION.txt (removed by the compensation).
set -euo pipefail
cd "$(dirname "$0")"
. ./lib.sh

version="${1:?usage: check.sh VERSION}"
mkdir -p reports
report="reports/health-$version.txt"
{
  echo "checked: current -> $(readlink current 2>/dev/null || echo none)"
  grep -q "^ok $version\$" current/health.txt && echo "health: ok $version"
  grep -q "version $version" current/index.html && echo "page: shows $version"
} >"$report" || { cat "$report" >&2; echo "the live site does not serve $version" >&2; exit 1; }
cat "$report"
maybe_fail
