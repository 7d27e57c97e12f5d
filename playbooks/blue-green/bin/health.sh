#!/usr/bin/env bash
# Checks the server answers with VERSION, and writes evidence for the gate:
# reports/health.json (status, latency) and reports/smoke.xml (JUnit).
set -euo pipefail
version=${1:?usage: health.sh VERSION}
port=$(cat run/server.port)
mkdir -p reports
start=$(date +%s%N)
body=$(curl -fsS "http://127.0.0.1:$port/" || true)
latency_ms=$(( ($(date +%s%N) - start) / 1000000 ))
ok=0; [[ "$body" == *"version $version"* ]] && ok=1
cat > reports/health.json <<JSON
{"health": {"ok": $ok, "latency_ms": $latency_ms, "version": "$version"}}
JSON
failure=""
[ "$ok" = 1 ] || failure="<failure message=\"the page does not show version $version\"/>"
cat > reports/smoke.xml <<XML
<?xml version="1.0" encoding="UTF-8"?>
<testsuite name="smoke">
  <testcase classname="smoke" name="index shows version $version">$failure</testcase>
</testsuite>
XML
if [ "$ok" = 1 ]; then echo "✓ version $version answers in ${latency_ms} ms"; else echo "✗ version $version not served" >&2; exit 1; fi
