#!/usr/bin/env python3
"""Writes a deterministic JUnit file: N testcases in suites of 1000, with failures, errors, skipped
and flaky tests at fixed intervals. Prints the expected counts as JSON on stdout."""
import json
import sys

path, count = sys.argv[1], int(sys.argv[2])
expected = {"tests": 0, "failed": 0, "skipped": 0, "flaky": 0}
with open(path, "w", buffering=1 << 20) as out:
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="bench">\n')
    for i in range(count):
        if i % 1000 == 0:
            if i:
                out.write("</testsuite>\n")
            out.write('<testsuite name="suite%d" tests="1000">\n' % (i // 1000))
        head = '<testcase classname="pkg.m%d.C%d" name="t%07d" time="0.%03d"' % (i % 97, i % 13, i, i % 1000)
        expected["tests"] += 1
        if i % 997 == 0:
            out.write(head + '><failure message="expected 1 but was 2">at pkg.C.t(C.java:12)</failure></testcase>\n')
            expected["failed"] += 1
        elif i % 1009 == 0:
            out.write(head + '><error message="NullPointerException"/></testcase>\n')
            expected["failed"] += 1
        elif i % 503 == 0:
            out.write(head + "><skipped/></testcase>\n")
            expected["skipped"] += 1
        elif i % 2003 == 0:
            out.write(head + '><flakyFailure message="timeout"/></testcase>\n')
            expected["flaky"] += 1
        else:
            out.write(head + "/>\n")
    out.write("</testsuite>\n</testsuites>\n")
print(json.dumps(expected, sort_keys=True))
