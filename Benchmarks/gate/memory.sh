#!/usr/bin/env bash
# The gate's worst cases: peak memory (and time) of `belay gate` on a huge JUnit file and on a SARIF
# log with a million results, against Python's parser of the same file. The files are generated in
# a temporary folder and removed afterwards. Sizes: GATE_BENCH_JUNIT_MB (2048), GATE_BENCH_SARIF_RESULTS (1000000).
set -euo pipefail
: "${BELAY:?set BELAY to the belay binary (make bench does)}"
here="$(cd "$(dirname "$0")" && pwd)"
junit_mb="${GATE_BENCH_JUNIT_MB:-2048}"
sarif_results="${GATE_BENCH_SARIF_RESULTS:-1000000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# "peak_MiB seconds" of a command, from GNU time.
measure() {
  /usr/bin/time -f "%M %e" -o "$work/time" "$@" >"$work/out" 2>&1 || true
  read -r kb seconds <"$work/time"
  echo "$((kb / 1024)) $seconds"
}

row() { printf "%-34s %10s %10s\n" "$1" "$2" "$3"; }

python3 "$here/generate.py" junit "$work/junit.xml" "$junit_mb" >/dev/null
python3 "$here/generate.py" sarif "$work/scan.sarif" "$sarif_results" >/dev/null
cat >"$work/gate.yml" <<'YAML'
gate: bench
inputs:
  tests: { junit: junit.xml }
  scan: { sarif: scan.sarif }
criteria:
  - { id: tests, source: tests, metric: failed, max: 0 }
  - { id: scan, source: scan, metric: high_or_above, max: 0 }
YAML

echo "JUnit file: $(du -m "$work/junit.xml" | cut -f1) MiB; SARIF log: $(du -m "$work/scan.sarif" | cut -f1) MiB, $sarif_results results"
row "reader" "peak MiB" "seconds"
read -r mib s < <(measure "$BELAY" gate --policy "$work/gate.yml" --evidence "scan=$work/empty-none.sarif")
row "belay gate, JUnit (streamed)" "$mib" "$s"
grep -q "failed = " "$work/out" || { echo "belay did not read the JUnit file:"; cat "$work/out"; exit 1; }
read -r mib s < <(measure python3 "$here/python_reference.py" junit "$work/junit.xml")
row "python xml.etree.iterparse, JUnit" "$mib" "$s"
read -r mib s < <(measure "$BELAY" gate --policy "$work/gate.yml" --evidence "tests=$work/none.xml")
row "belay gate, SARIF (streamed)" "$mib" "$s"
grep -q "high_or_above = " "$work/out" || { echo "belay did not read the SARIF log:"; cat "$work/out"; exit 1; }
read -r mib s < <(measure python3 "$here/python_reference.py" sarif "$work/scan.sarif")
row "python json.load, SARIF" "$mib" "$s"
