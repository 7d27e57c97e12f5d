#!/usr/bin/env bash
# Benchmark: `belay gate` on a 1,000,000-testcase JUnit file (~66 MB) against Python's
# xml.etree.ElementTree.iterparse counting the same outcomes, in the same run on the same file.
# Prints wall time and peak RSS of each, the speed ratio, and checks both give the same counts.
# Targets: Belay at least 2x faster than Python, Belay's peak memory under 64 MB.
#
#   BELAY=.build/release/belay bash Benchmarks/junit.sh     # BELAY unset: builds release itself
#   TESTCASES=200000 bash Benchmarks/junit.sh               # a smaller run
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
testcases="${TESTCASES:-1000000}"
out="${BENCH_OUT:-$root/bench-out/junit}"
mkdir -p "$out"

if [ -z "${BELAY:-}" ]; then
  swift build -c release --product belay >&2
  BELAY="$(swift build -c release --show-bin-path)/belay"
fi

big="$out/big.xml"
expected="$(python3 Benchmarks/junit/generate.py "$big" "$testcases")"
size_mb="$(python3 -c "import os,sys; print(round(os.path.getsize(sys.argv[1]) / 1e6, 1))" "$big")"
echo "generated $big: $testcases testcases, $size_mb MB; expected $expected"

cat >"$out/policy.yml" <<'YAML'
gate: bench
inputs:
  tests: { junit: "unused-until-overridden.xml" }
criteria:
  - { id: tests-run, source: tests, metric: tests, min: 1, key: true }
YAML

# Warm the page cache so both readers see the same conditions.
cat "$big" >/dev/null

runs=5
belay_time="$(python3 Benchmarks/junit/measure.py "$runs" "$out/belay.json" \
  "$BELAY" gate --policy "$out/policy.yml" --junit "$big" --format json)"
python_time="$(python3 Benchmarks/junit/measure.py "$runs" "$out/python.json" \
  python3 Benchmarks/junit/iterparse.py "$big")"
echo "$belay_time" >"$out/belay.time"
echo "$python_time" >"$out/python.time"

python3 - "$out" "$expected" <<'PY'
import json, sys
out, expected = sys.argv[1], json.loads(sys.argv[2])
report = json.load(open(out + "/belay.json"))
metrics = report["evidence"]["tests"]["metrics"]
belay = {k: int(metrics[k]) for k in ("tests", "failed", "skipped", "flaky")}
python = json.load(open(out + "/python.json"))
b = json.load(open(out + "/belay.time"))
p = json.load(open(out + "/python.time"))
bt, pt, bm, pm = b["wall"], p["wall"], b["rss_mb"], p["rss_mb"]
print(f"belay gate : {bt:7.3f} s wall (median of {len(b['runs'])}: {b['runs']}), peak RSS {bm:6.1f} MB, counts {belay}")
print(f"python ET  : {pt:7.3f} s wall (median of {len(p['runs'])}: {p['runs']}), peak RSS {pm:6.1f} MB, counts {python}")
ratio = pt / bt if bt > 0 else float("inf")
print(f"ratio      : belay is {ratio:.1f}x faster than python iterparse")
ok = True
if belay != expected or python != expected:
    print(f"FAIL: counts differ (expected {expected})"); ok = False
if ratio < 2:
    print("FAIL: target is at least 2x faster"); ok = False
if bm >= 64:
    print("FAIL: target is peak RSS under 64 MB"); ok = False
print("PASS" if ok else "FAIL")
sys.exit(0 if ok else 1)
PY
