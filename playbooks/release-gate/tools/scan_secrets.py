#!/usr/bin/env python3
"""A small secret scanner: finds hard-coded credentials in source files and reports them as SARIF 2.1.0.

  scan_secrets.py DIR... --sarif FILE

Each rule carries a `security-severity` (the CVSS-like score GitHub and `belay gate` band into
critical >= 9, high >= 7, medium >= 4, low > 0). The matched secret is never copied into the report.
Exit status: 0 when the scan ran (findings or not: the gate decides), 2 when it could not.
"""

import argparse
import json
import os
import re
import sys

RULES = [
    ("BS001", "aws-access-key-id", r"\b(AKIA|ASIA)[0-9A-Z]{16}\b", "9.1",
     "An AWS access key id is written in the source."),
    ("BS002", "private-key-block", r"-----BEGIN (?:RSA |EC |OPENSSH |DSA )?PRIVATE KEY-----", "9.8",
     "A private key is embedded in the source."),
    ("BS003", "hard-coded-password", r"""(?i)\b(password|passwd|secret|api_key|token)\s*[:=]\s*["'][^"'\s]{6,}["']""", "7.5",
     "A password or token is assigned a literal value."),
    ("BS004", "credentials-in-url", r"\b[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@", "5.3",
     "A URL carries a user name and password."),
]
TEXT_SUFFIXES = (".py", ".sh", ".js", ".ts", ".json", ".yml", ".yaml", ".toml", ".cfg", ".ini", ".env", ".txt", ".html")


def level(severity):
    return "error" if float(severity) >= 7.0 else "warning"


def scan(roots):
    results = []
    compiled = [(index, rule, re.compile(rule[2])) for index, rule in enumerate(RULES)]
    for root in roots:
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
            for name in sorted(files):
                if not name.endswith(TEXT_SUFFIXES):
                    continue
                path = os.path.join(folder, name)
                with open(path, encoding="utf-8", errors="replace") as f:
                    for number, line in enumerate(f, start=1):
                        for index, rule, pattern in compiled:
                            for match in pattern.finditer(line):
                                results.append({
                                    "ruleId": rule[0],
                                    "ruleIndex": index,
                                    "level": level(rule[3]),
                                    "message": {"text": f"{rule[4]} ({rule[1]}, {len(match.group(0))} characters, not shown)"},
                                    "locations": [{"physicalLocation": {
                                        "artifactLocation": {"uri": os.path.relpath(path).replace(os.sep, "/")},
                                        "region": {"startLine": number, "startColumn": match.start() + 1},
                                    }}],
                                })
    return results


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("roots", nargs="+")
    parser.add_argument("--sarif", required=True)
    args = parser.parse_args()
    missing = [root for root in args.roots if not os.path.isdir(root)]
    if missing:
        print(f"nothing to scan: {', '.join(missing)} is not a folder", file=sys.stderr)
        return 2
    results = scan(args.roots)
    report = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "scan_secrets.py",
                "version": "1.0.0",
                "rules": [{
                    "id": rule_id,
                    "name": name,
                    "shortDescription": {"text": description},
                    "defaultConfiguration": {"level": level(severity)},
                    "properties": {"security-severity": severity, "tags": ["security", "secrets"]},
                } for rule_id, name, _, severity, description in RULES],
            }},
            "invocations": [{"executionSuccessful": True}],
            "results": results,
        }],
    }
    os.makedirs(os.path.dirname(args.sarif) or ".", exist_ok=True)
    with open(args.sarif, "w", encoding="utf-8") as out:
        json.dump(report, out, indent=2)
        out.write("\n")
    for result in results:
        location = result["locations"][0]["physicalLocation"]
        print(f"✗ {location['artifactLocation']['uri']}:{location['region']['startLine']}: {result['message']['text']}")
    print(f"scanned {', '.join(args.roots)}: {len(results)} finding{'s' if len(results) != 1 else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
