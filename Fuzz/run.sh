#!/usr/bin/env bash
# `make fuzz`: coverage-guided fuzzing (libFuzzer) of the XML tokenizer, each evidence reader, the
# policy loader and the playbook parser, FUZZ_SECONDS per target, seeded from the test fixtures.
# A crash, a timeout or an out-of-memory input is written to Fuzz/findings/ and the run fails;
# turn each into a regression test (see docs/fuzzing.md).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
seconds="${FUZZ_SECONDS:-30}"
targets="${FUZZ_TARGETS:-xml junit cobertura lcov sarif json policy playbook}"
scratch="${FUZZ_SCRATCH:-.build-fuzz}"
swift="${SWIFT:-swift}"

echo "== building the readers with coverage instrumentation ($scratch)"
for module in BelayGate BelayPlaybook; do
  "$swift" build --scratch-path "$scratch" -c release --target "$module" \
    -Xswiftc -sanitize=fuzzer -Xswiftc -enable-testing >/dev/null
done
release="$scratch/release"
# Each module's objects as its build map lists them now: a folder may still hold objects of files
# that were moved or removed since an earlier build.
objects=$(python3 - "$release" BelayGate BelayPlaybook BelayModel BelaySupport Yams <<'PY'
import json, sys
release = sys.argv[1]
for module in sys.argv[2:]:
    with open(f"{release}/{module}.build/output-file-map.json") as f:
        for source, outputs in json.load(f).items():
            if source and "object" in outputs:
                print(outputs["object"])
PY
)
objects="$objects $(find "$release/CYaml.build" -name '*.o')"
swiftc -sanitize=fuzzer -parse-as-library -O -enable-testing -I "$release/Modules" -I "$release" \
  -I "$scratch/checkouts/Yams/Sources/CYaml/include" \
  Fuzz/FuzzTargets.swift $objects -o "$scratch/gate-fuzz"

seed() {  # the fixtures a target starts from
  case "$1" in
    xml|junit) echo Tests/BelayGateTests/Fixtures/junit Tests/BelayGateTests/Fixtures/xml ;;
    cobertura) echo Tests/BelayGateTests/Fixtures/coverage ;;
    lcov) echo Tests/BelayGateTests/Fixtures/coverage ;;
    sarif) echo Tests/BelayGateTests/Fixtures/sarif ;;
    json) echo Tests/BelayGateTests/Fixtures/json Tests/BelayGateTests/Fixtures/sarif ;;
    policy) echo playbooks/gates ;;
    playbook) echo Tests/BelayPlaybookTests/Fixtures/valid Tests/BelayPlaybookTests/Fixtures/invalid ;;
  esac
}

mkdir -p Fuzz/findings
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
status=0
for target in $targets; do
  corpus="$work/$target"
  mkdir -p "$corpus"
  for folder in $(seed "$target"); do find "$folder" -type f -exec cp {} "$corpus/" \; 2>/dev/null || true; done
  echo "== $target: ${seconds}s from $(ls "$corpus" | wc -l) seeds"
  if ! FUZZ_TARGET="$target" "$scratch/gate-fuzz" "$corpus" -max_total_time="$seconds" -timeout=10 \
      -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 -artifact_prefix="Fuzz/findings/$target-" \
      >"$work/$target.log" 2>&1; then
    echo "!! $target found a problem:"; grep -E "ERROR|SUMMARY|Test unit written" "$work/$target.log" || tail -20 "$work/$target.log"
    status=1
  fi
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$work/$target.log" | sed "s/^/   /" || true
done
exit "$status"
