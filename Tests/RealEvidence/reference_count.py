#!/usr/bin/env python3
"""An independent count of the real-world evidence files, for the corpus test.

It shares no code with Belay: xml.etree and json read the files, and the counting rules are written
from the formats' documentation (see docs/gate.md, "How ambiguous cases are read"). It prints one
line per file — `path<TAB>state<TAB>metric=value ...` — which is what
Tests/BelayGateTests/RealEvidenceExpected.swift records (`--swift` prints that table), after a
check by hand. JUDGEMENTS below gives the reason for each reading the format leaves open.

    python3 Tests/RealEvidence/reference_count.py [--swift] ../shared/real-evidence
"""
import json
import math
import os
import re
import sys
import xml.etree.ElementTree as ET


class Unreadable(Exception):
    pass


class Missing(Exception):
    pass


def parse_xml(path):
    try:
        return ET.parse(path).getroot()
    except ET.ParseError as error:
        raise Unreadable(str(error))


# JUnit ------------------------------------------------------------------------------------------

def junit(path):
    root = parse_xml(path)
    if root.tag not in ("testsuites", "testsuite"):
        raise Unreadable("root is <%s>" % root.tag)
    counts = dict(tests=0, failed=0, skipped=0, flaky=0)

    def visit(element):
        for child in element:
            if child.tag == "testcase":
                case(child)
            else:
                visit(child)

    def case(testcase):
        tags = [child.tag for child in testcase]
        counts["tests"] += 1
        status = (testcase.get("status") or "").lower()
        if any(t in ("error", "rerunError", "failure", "rerunFailure") for t in tags):
            counts["failed"] += 1
        elif "skipped" in tags or status in ("notrun", "disabled", "skipped"):
            counts["skipped"] += 1
        elif any(t in ("flakyFailure", "flakyError") for t in tags):
            counts["flaky"] += 1

    if root.tag == "testcase":
        case(root)
    visit(root)
    if counts["tests"] == 0:
        raise Missing("no testcase")
    counts["passed"] = counts["tests"] - counts["failed"] - counts["skipped"]
    return counts


# SARIF ------------------------------------------------------------------------------------------

def reject_duplicates(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise Unreadable("duplicate key")
    return dict(pairs)


def security_band(score):
    return "critical" if score >= 9 else "high" if score >= 7 else "medium" if score >= 4 else "low" if score > 0 else "none"


RANK = ["none", "low", "medium", "high", "critical"]


def sarif(path):
    try:
        with open(path, encoding="utf-8") as handle:
            log = json.load(handle, object_pairs_hook=reject_duplicates)
    except ValueError as error:
        raise Unreadable(str(error))
    runs = log.get("runs") if isinstance(log, dict) else None
    if not isinstance(runs, list):
        raise Unreadable("no runs list")
    if not runs:
        raise Missing("no runs")
    totals = dict(findings=0, critical=0, high_or_above=0, medium_or_above=0, errors=0, suppressed=0)
    for run in runs:
        for invocation in run.get("invocations") or []:
            if invocation.get("executionSuccessful") is False:
                raise Unreadable("execution failed")
        if "results" not in run or run["results"] is None:
            raise Missing("a run has no results")
        results = run["results"]
        if not isinstance(results, list):
            raise Unreadable("results is not an array")
        tool = run.get("tool") or {}
        driver_rules = (tool.get("driver") or {}).get("rules") or []
        extension_rules = [(e or {}).get("rules") or [] for e in tool.get("extensions") or []]
        for result in results:
            kind = result.get("kind", "fail")
            if kind not in ("fail", "open", "review"):
                continue
            statuses = [s.get("status") for s in result.get("suppressions") or []]
            if statuses and not any(s in ("underReview", "rejected") for s in statuses):
                totals["suppressed"] += 1
                continue
            rule = find_rule(result, driver_rules, extension_rules)
            level = result.get("level") or ((rule or {}).get("defaultConfiguration") or {}).get("level") or "warning"
            band = None
            for bag in (result.get("properties") or {}, (rule or {}).get("properties") or {}):
                score = bag.get("security-severity")
                if isinstance(score, str):
                    try:
                        score = float(score.strip())
                    except ValueError:
                        score = None
                if isinstance(score, (int, float)) and not isinstance(score, bool):
                    band = security_band(score)
                    break
            if band is None:
                tags = list((result.get("properties") or {}).get("tags") or []) + list(((rule or {}).get("properties") or {}).get("tags") or [])
                named = [t.lower() for t in tags if isinstance(t, str) and t.lower() in ("low", "medium", "high", "critical")]
                band = max(named, key=RANK.index) if named else {"error": "high", "warning": "medium", "note": "low"}.get(level, "none")
            totals["findings"] += 1
            totals["errors"] += level == "error"
            totals["critical"] += band == "critical"
            totals["high_or_above"] += band in ("high", "critical")
            totals["medium_or_above"] += band in ("medium", "high", "critical")
    return totals


def find_rule(result, driver, extensions):
    reference = result.get("rule") or {}
    index = reference.get("index", result.get("ruleIndex"))
    component = (reference.get("toolComponent") or {}).get("index")
    rules = extensions[component] if isinstance(component, int) and 0 <= component < len(extensions) else driver
    if isinstance(index, int) and 0 <= index < len(rules):
        return rules[index]
    wanted = result.get("ruleId") or reference.get("id")
    for candidates in [driver] + extensions:
        for rule in candidates:
            if rule.get("id") == wanted:
                return rule
    return None


# Cobertura --------------------------------------------------------------------------------------

def number(text, what, low=0.0, high=math.inf):
    try:
        value = float(text)
    except ValueError:
        raise Unreadable("%s is not a number" % what)
    if not math.isfinite(value) or value < low or value > high:
        raise Unreadable("%s out of range" % what)
    return value


def cobertura(path):
    root = parse_xml(path)
    if root.tag != "coverage":
        raise Unreadable("root is <%s>" % root.tag)
    attributes = {}
    for name in ("line-rate", "branch-rate"):
        if name in root.attrib:
            attributes[name] = number(root.get(name), name, 0, 1)
    for name in ("lines-covered", "lines-valid", "branches-covered", "branches-valid"):
        if name in root.attrib:
            attributes[name] = number(root.get(name), name)
    lines = branches = lines_hit = branches_hit = 0
    for cls in root.iter("class"):
        lines_element = cls.find("lines")
        for line in (lines_element if lines_element is not None else []):
            if line.tag != "line":
                continue
            lines += 1
            if number(line.get("hits", "0"), "hits") > 0:
                lines_hit += 1
            match = re.search(r"\((\d+)/(\d+)\)", line.get("condition-coverage", ""))
            if line.get("branch") == "true" and match:
                branches_hit += int(match.group(1))
                branches += int(match.group(2))
    if "lines-valid" in attributes and "lines-covered" in attributes:
        lines, lines_hit = attributes["lines-valid"], attributes["lines-covered"]
    if "branches-valid" in attributes and "branches-covered" in attributes:
        branches, branches_hit = attributes["branches-valid"], attributes["branches-covered"]
    metrics = {}
    line_rate = attributes.get("line-rate", lines_hit / lines if lines else None)
    if line_rate is None or ("lines-valid" in attributes and lines == 0):
        raise Missing("no line measured")
    metrics["line_rate"] = line_rate
    # A branch rate exists only when branches were measured: some valid branch, or (without any
    # stated count) a non-zero stated rate. branch-rate="0" with nothing measured is "not measured".
    if branches > 0:
        metrics["branch_rate"] = attributes.get("branch-rate", branches_hit / branches)
    elif "branches-valid" not in attributes and attributes.get("branch-rate", 0) > 0:
        metrics["branch_rate"] = attributes["branch-rate"]
    return metrics


# lcov -------------------------------------------------------------------------------------------

def lcov(path):
    line_total = line_hit = branch_total = branch_hit = records = 0
    record = None
    with open(path, encoding="utf-8", errors="replace") as handle:
        lines = [raw.rstrip("\r\n") for raw in handle] + ["end_of_record"]  # a last record may lack it
        for number_, line in enumerate(lines, 1):
            if line == "end_of_record":
                if record:
                    records += 1
                    line_total += record["LF"] if record["LF"] is not None else record["da"]
                    line_hit += record["LH"] if record["LH"] is not None else record["dahit"]
                    branch_total += record["BRF"] if record["BRF"] is not None else record["brda"]
                    branch_hit += record["BRH"] if record["BRH"] is not None else record["brdahit"]
                record = None
                continue
            if ":" not in line or line.startswith("#"):
                continue
            tag, value = line.split(":", 1)
            if record is None:
                record = dict(LF=None, LH=None, BRF=None, BRH=None, da=0, dahit=0, brda=0, brdahit=0)
            if tag in ("LF", "LH", "BRF", "BRH"):
                if not value.strip().isdigit():
                    raise Unreadable("line %d: %s" % (number_, line))
                record[tag] = int(value)
            elif tag == "DA":
                parts = value.split(",")
                if len(parts) < 2 or not parts[1].isdigit():
                    raise Unreadable("line %d: %s" % (number_, line))
                record["da"] += 1
                record["dahit"] += int(parts[1]) > 0
            elif tag == "BRDA":
                parts = value.split(",")
                if len(parts) < 4 or not (parts[3] == "-" or parts[3].isdigit()):
                    raise Unreadable("line %d: %s" % (number_, line))
                record["brda"] += 1
                record["brdahit"] += parts[3] != "-" and int(parts[3]) > 0
    if records == 0 or line_total == 0:
        raise Missing("no line measured")
    metrics = {"line_rate": line_hit / line_total}
    if branch_total > 0:
        metrics["branch_rate"] = branch_hit / branch_total
    return metrics


READERS = {"junit": junit, "sarif": sarif, "cobertura": cobertura, "lcov": lcov}


# Judgement calls: files where the format leaves room, with the reason for the reading chosen.
JUDGEMENTS = {
    "cobertura/irongut-MATLAB.xml": "MATLAB writes NaN for counts it did not measure; a number that is not finite is unreadable, never 0",
    "cobertura/5monkeys-test-no-branch.xml": "branch-rate=\"0\" without any branch measured: not measured is not zero, so no branch_rate",
    "cobertura/5monkeys-test-python.xml": "coverage.py writes branch-rate=\"0\" when branches were not measured: no branch_rate",
    "cobertura/5monkeys-test-missing-lines.xml": "branch-rate=\"0\" without any branch measured: no branch_rate",
    "cobertura/irongut-simplecov.xml": "no branch-rate and no branch counts: no branch_rate",
    "junit/enricomi-no-cases-but-tests.xml": "tests=\"…\" on the suite but no testcase: counted from testcases, so missing",
    "junit/mikepenz-web-test-runner-retries.xml": "'<' inside an attribute value (time=\"<<computed>>\") is not well-formed XML 1.0",
    "junit/enricomi-pytest-corrupt-xml.xml": "the file is cut short: unreadable, not the testcases before the cut",
    "junit/mikepenz-surefire-corrupt.xml": "an unclosed CDATA section: unreadable",
    "junit/enricomi-non-junit.xml": "the root is not <testsuites>/<testsuite>: not JUnit, so unreadable",
    "lcov/lcov-tests-format.info": "a negative hit count (DA:4,-3) is out of range for a count: unreadable, as lcov itself refuses it",
    "sarif/codeql-action-invalid-sarif.sarif": "\"results\": 42 is not an array: unreadable",
    "sarif/codeql-action-tool-names.sarif": "runs without results: the tool produced no results (SARIF 2.1.0 §3.14.23), so missing",
    "sarif/fabasoad-runs-0.sarif": "an empty runs list records no scan: missing",
    "sarif/trivy-sarif-demo-anchore-results.sarif": "every result has an external suppression without a status: suppressed, as SARIF's default says, and counted",
    "sarif/semgrep-include_nosemgrep.sarif": "an inSource suppression without a status (nosemgrep): suppressed, and counted",
    "sarif/semgrep-with_nosemgrep_and_error.sarif": "an inSource suppression without a status (nosemgrep): suppressed, and counted",
}


def swift_table(root):
    print("// Generated by Tests/RealEvidence/reference_count.py --swift, then checked by hand; see that script.")
    print("let realEvidenceExpected: [RealEvidenceCase] = [")
    for path, state, detail in rows(root):
        why = JUDGEMENTS.get(path)
        why_text = ", why: %s" % json.dumps(why, ensure_ascii=False) if why else ""
        if state == "ok":
            values = ", ".join('"%s": %s' % (k, repr(round(v, 6)) if isinstance(v, float) else v) for k, v in sorted(detail.items()))
            print('    .init("%s", .ok([%s])%s),' % (path, values, why_text))
        else:
            print('    .init("%s", .%s%s),' % (path, state, why_text))
    print("]")


def rows(root):
    for kind in sorted(READERS):
        folder = os.path.join(root, kind)
        for name in sorted(os.listdir(folder)):
            path = os.path.join(folder, name)
            try:
                yield "%s/%s" % (kind, name), "ok", READERS[kind](path)
            except Missing as why:
                yield "%s/%s" % (kind, name), "missing", str(why)
            except Unreadable as why:
                yield "%s/%s" % (kind, name), "unreadable", str(why)


def main(root):
    for kind in sorted(READERS):
        folder = os.path.join(root, kind)
        for name in sorted(os.listdir(folder)):
            path = os.path.join(folder, name)
            try:
                metrics = READERS[kind](path)
                shown = " ".join("%s=%s" % (k, round(v, 6) if isinstance(v, float) else v) for k, v in sorted(metrics.items()))
                print("%s/%s\tok\t%s" % (kind, name, shown))
            except Missing as why:
                print("%s/%s\tmissing\t%s" % (kind, name, why))
            except Unreadable as why:
                print("%s/%s\tunreadable\t%s" % (kind, name, why))


if __name__ == "__main__":
    arguments = [a for a in sys.argv[1:] if a != "--swift"]
    folder = arguments[0] if arguments else "../shared/real-evidence"
    swift_table(folder) if "--swift" in sys.argv else main(folder)
