#!/usr/bin/env python3
"""Reference reader: counts JUnit outcomes with xml.etree.ElementTree.iterparse, clearing elements
as it goes so memory stays flat. Same rules as Belay: error > failure > skipped, flaky if passed."""
import json
import sys
import xml.etree.ElementTree as ET

counts = {"tests": 0, "failed": 0, "skipped": 0, "flaky": 0}
for event, elem in ET.iterparse(sys.argv[1], events=("end",)):
    tag = elem.tag
    if tag == "testcase":
        counts["tests"] += 1
        kinds = {child.tag for child in elem}
        if kinds & {"error", "failure", "rerunError", "rerunFailure"}:
            counts["failed"] += 1
        elif "skipped" in kinds or elem.get("status") in ("notrun", "disabled", "skipped"):
            counts["skipped"] += 1
        elif kinds & {"flakyFailure", "flakyError"}:
            counts["flaky"] += 1
        elem.clear()
    elif tag == "testsuite":
        elem.clear()
print(json.dumps(counts, sort_keys=True))
