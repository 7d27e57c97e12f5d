#!/usr/bin/env python3
"""Writes the gate's worst-case evidence files, streamed so the generator itself stays small.

    generate.py junit PATH MEGABYTES    a JUnit file of about MEGABYTES MiB (one failure per 1000 tests)
    generate.py sarif PATH RESULTS      a SARIF log with RESULTS results (about 200 bytes each)
"""
import sys


def junit(path, megabytes):
    limit = megabytes << 20
    written = 0
    with open(path, "w", buffering=1 << 20) as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n<testsuite name="bench">\n')
        i = 0
        while written < limit:
            block = []
            for _ in range(1000):
                if i % 1000 == 999:
                    block.append('<testcase classname="pkg.Module%d" name="test_%d" time="0.001">'
                                 '<failure message="expected 1 &amp; got 2">trace</failure></testcase>\n' % (i // 1000, i))
                else:
                    block.append('<testcase classname="pkg.Module%d" name="test_%d" time="0.001"/>\n' % (i // 1000, i))
                i += 1
            text = "".join(block)
            out.write(text)
            written += len(text)
        out.write("</testsuite>\n</testsuites>\n")
    print(i)


def sarif(path, results):
    with open(path, "w", buffering=1 << 20) as out:
        out.write('{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"bench","rules":['
                  '{"id":"R1","defaultConfiguration":{"level":"error"},"properties":{"security-severity":"8.1"}},'
                  '{"id":"R2","defaultConfiguration":{"level":"warning"}}]}},"results":[\n')
        for i in range(results):
            rule = "R1" if i % 10 == 0 else "R2"
            out.write('%s{"ruleId":"%s","message":{"text":"finding %d in a generated file"},'
                      '"locations":[{"physicalLocation":{"artifactLocation":{"uri":"src/module%d/file%d.c"},'
                      '"region":{"startLine":%d}}}]}\n' % ("," if i else "", rule, i, i // 1000, i % 1000, i % 5000 + 1))
        out.write("]}]}\n")
    print(results)


if __name__ == "__main__":
    kind, path, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
    junit(path, size) if kind == "junit" else sarif(path, size)
