#!/usr/bin/env bash
# build.sh VERSION: make releases/VERSION from src/, stamped with the version.
# Outputs: release_dir (where it went), created (true when this run made it, so unbuild removes
# only what it made).
set -euo pipefail
cd "$(dirname "$0")"
. ./lib.sh

version="${1:?usage: build.sh VERSION}"
case "$version" in
  */* | .* | "") echo "invalid version '$version'" >&2; exit 2 ;;
esac
dir="releases/$version"

if [ -d "$dir" ]; then
  output created false
else
  output created true
  mkdir -p releases
  tmp="$(mktemp -d "releases/.build-$version.XXXXXX")"
  title="${SITE_TITLE:-site}"
  sed -e "s|@VERSION@|$version|g" -e "s|@TITLE@|$title|g" src/index.html >"$tmp/index.html"
  printf 'ok %s\n' "$version" >"$tmp/health.txt"
  mv "$tmp" "$dir"
fi
output release_dir "$dir"
echo "built $dir"
maybe_fail
