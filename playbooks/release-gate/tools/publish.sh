#!/usr/bin/env bash
# Publishes build/app as dist/shop-VERSION.tar.gz. Records created=1 only when it made the file, so
# the compensation (unpublish.sh) never removes a release published by an earlier run.
set -euo pipefail
version=${1:?usage: publish.sh VERSION}
artifact="dist/shop-$version.tar.gz"
mkdir -p dist
if [ -e "$artifact" ]; then echo "$artifact is already published"; exit 0; fi
echo "artifact=$artifact" >> "${BELAY_OUTPUT:-/dev/null}"
tar -czf "$artifact.tmp" -C build app
mv "$artifact.tmp" "$artifact"
echo "created=1" >> "${BELAY_OUTPUT:-/dev/null}"
echo "published $artifact"
