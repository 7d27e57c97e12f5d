#!/usr/bin/env python3
"""A tiny test runner that leaves evidence for the gate.

Runs every `test_*` function of the tests/test_*.py files against the module folder given by
--source, records which lines of that folder's .py files ran (sys.settrace), and writes:

  --junit FILE      JUnit XML, one <testcase> per test, <failure> with the assertion's message
  --cobertura FILE  Cobertura XML: line hits per file, line-rate = lines run / executable lines

Exit status: 1 when a test failed, unless --report-only (the gate decides, not this script).
"""

import argparse
import importlib.util
import os
import sys
import time
import traceback
from xml.sax.saxutils import quoteattr

sys.dont_write_bytecode = True


def executable_lines(path):
    """Lines that carry code, from the compiled module (docstring-only and blank lines excluded)."""
    with open(path, encoding="utf-8") as f:
        code = compile(f.read(), path, "exec")
    lines, stack = set(), [code]
    while stack:
        current = stack.pop()
        lines.update(line for _, _, line in current.co_lines() if line is not None)
        stack.extend(const for const in current.co_consts if hasattr(const, "co_lines"))
    return lines


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--source", required=True)
    parser.add_argument("--tests", required=True)
    parser.add_argument("--junit", required=True)
    parser.add_argument("--cobertura", required=True)
    parser.add_argument("--report-only", action="store_true")
    args = parser.parse_args()

    source = os.path.abspath(args.source)
    sources = sorted(os.path.join(source, name) for name in os.listdir(source) if name.endswith(".py"))
    hits = {path: {} for path in sources}

    def tracer(frame, event, arg):
        path = frame.f_code.co_filename
        if path not in hits:
            return None
        if event in ("line", "call"):
            line = frame.f_lineno
            hits[path][line] = hits[path].get(line, 0) + 1
        return tracer

    sys.path.insert(0, source)
    cases = []
    sys.settrace(tracer)
    try:
        for name in sorted(os.listdir(args.tests)):
            if not (name.startswith("test_") and name.endswith(".py")):
                continue
            spec = importlib.util.spec_from_file_location(name[:-3], os.path.join(args.tests, name))
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            for test in sorted(n for n in dir(module) if n.startswith("test_")):
                started, failure = time.perf_counter(), None
                try:
                    getattr(module, test)()
                except Exception as error:  # an AssertionError is a failure, anything else too
                    frame = traceback.extract_tb(error.__traceback__)[-1]
                    detail = str(error) or "assertion failed"
                    failure = f"{type(error).__name__}: {detail} at {os.path.basename(frame.filename)}:{frame.lineno}: {frame.line}"
                cases.append((module.__name__, test, time.perf_counter() - started, failure))
    finally:
        sys.settrace(None)

    failed = [case for case in cases if case[3]]
    with open(args.junit, "w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        out.write(f'<testsuite name="unit" tests="{len(cases)}" failures="{len(failed)}">\n')
        for classname, test, seconds, failure in cases:
            out.write(f'  <testcase classname={quoteattr(classname)} name={quoteattr(test)} time="{seconds:.6f}"')
            out.write(f'>\n    <failure message={quoteattr(failure)}/>\n  </testcase>\n' if failure else "/>\n")
        out.write("</testsuite>\n")

    valid = covered = 0
    classes = []
    for path in sources:
        lines = sorted(executable_lines(path))
        run = [line for line in lines if hits[path].get(line)]
        valid, covered = valid + len(lines), covered + len(run)
        rate = len(run) / len(lines) if lines else 1.0
        rows = "".join(f'          <line number="{line}" hits="{hits[path].get(line, 0)}"/>\n' for line in lines)
        name = os.path.basename(path)
        classes.append(
            f'      <class name={quoteattr(name[:-3])} filename={quoteattr(name)} line-rate="{rate:.4f}">\n'
            f"        <lines>\n{rows}        </lines>\n      </class>\n")
    rate = covered / valid if valid else 1.0
    with open(args.cobertura, "w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        out.write(f'<coverage line-rate="{rate:.4f}" lines-valid="{valid}" lines-covered="{covered}" '
                  f'version="run_tests.py" timestamp="{int(time.time())}">\n')
        out.write(f'  <sources><source>{args.source}</source></sources>\n  <packages>\n')
        out.write(f'    <package name="app" line-rate="{rate:.4f}">\n      <classes>\n')
        out.write("".join(classes))
        out.write("      </classes>\n    </package>\n  </packages>\n</coverage>\n")

    for _, test, _, failure in cases:
        print(f"{'✗' if failure else '✓'} {test}" + (f"\n    {failure}" if failure else ""))
    print(f"{len(cases) - len(failed)} passed, {len(failed)} failed; line coverage {covered}/{valid} = {rate:.1%}")
    return 1 if failed and not args.report_only else 0


if __name__ == "__main__":
    sys.exit(main())
