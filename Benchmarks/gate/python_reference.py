#!/usr/bin/env python3
"""Python's own parsers on the same files, for the memory comparison in memory.sh.

    python_reference.py junit PATH   xml.etree iterparse, clearing each testcase (streaming, as Belay)
    python_reference.py sarif PATH   json.load of the whole log (what most SARIF tools do)
"""
import json
import sys
import xml.etree.ElementTree as ET


def junit(path):
    tests = failed = 0
    for _, element in ET.iterparse(path, events=("end",)):
        if element.tag == "testcase":
            tests += 1
            failed += element.find("failure") is not None or element.find("error") is not None
            element.clear()
    print("tests=%d failed=%d" % (tests, failed))


def sarif(path):
    with open(path) as handle:
        log = json.load(handle)
    print("results=%d" % sum(len(run.get("results") or []) for run in log["runs"]))


if __name__ == "__main__":
    junit(sys.argv[2]) if sys.argv[1] == "junit" else sarif(sys.argv[2])
