#!/usr/bin/env bash
# Packages app/ into build/app/ with the version stamped in: the artifact the later phases test,
# scan and publish. Two switches (playbook vars) make the build bad on purpose:
#   BELAY_VAR_BREAK_TEST=true   the build carries a rounding bug (half-up instead of half-even)
#   BELAY_VAR_LEAK_SECRET=true  the build carries a hard-coded access key
set -euo pipefail
version=${1:?usage: build.sh VERSION}
rm -rf build
mkdir -p build
cp -R app build/app
printf '"""The version of this build."""\n\nVERSION = "%s"\n' "$version" > build/app/version.py
if [ "${BELAY_VAR_BREAK_TEST:-false}" = true ]; then
  sed -i 's/rounding=ROUND_HALF_EVEN/rounding="ROUND_HALF_UP"/' build/app/pricing.py
  echo "built with a rounding bug (break_test=true)"
fi
if [ "${BELAY_VAR_LEAK_SECRET:-false}" = true ]; then
  # AWS's documented example key id, assembled so this script itself holds no key.
  printf '\nSTORAGE_KEY_ID = "%s"\n' "AKIA""IOSFODNN7EXAMPLE" >> build/app/pricing.py
  echo "built with a hard-coded key (leak_secret=true)"
fi
echo "built build/app (version $version, $(ls build/app | wc -l | tr -d ' ') files)"
