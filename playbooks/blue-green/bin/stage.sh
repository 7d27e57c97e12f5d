#!/usr/bin/env bash
# Builds the static site of VERSION into releases/VERSION/ (atomically: a temporary folder renamed).
# Prints created=1 to $BELAY_OUTPUT when it made the folder, so the compensation removes only its own work.
set -euo pipefail
version=${1:?usage: stage.sh VERSION}
target="releases/$version"
if [ -d "$target" ]; then echo "release $version is already staged"; exit 0; fi
mkdir -p releases
tmp=$(mktemp -d "releases/.staging-$version.XXXXXX")
sed "s/@VERSION@/$version/g" site/index.html > "$tmp/index.html"
echo "ok $version" > "$tmp/health.txt"
chmod 755 "$tmp"
mv -T "$tmp" "$target"
echo "created=1" >> "${BELAY_OUTPUT:-/dev/null}"
echo "staged $target"
