"""Validates YAML files against Belay's JSON Schemas (printed by `belay schema`).

usage: check_schemas.py PLAYBOOK_SCHEMA POLICY_SCHEMA FILE...
Each FILE is a playbook (it has `phases:`) or a gate policy (it has `criteria:`). Prints one line
per file: `valid FILE` or `invalid FILE: reason`. YAML dates stay text, as Belay reads them.
"""
import json
import sys

import jsonschema
import yaml


class TextDates(yaml.SafeLoader):
    pass


TextDates.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def main():
    schemas = {
        "playbook": json.load(open(sys.argv[1], encoding="utf-8")),
        "policy": json.load(open(sys.argv[2], encoding="utf-8")),
    }
    for schema in schemas.values():
        jsonschema.Draft7Validator.check_schema(schema)
    for path in sys.argv[3:]:
        try:
            document = yaml.load(open(path, encoding="utf-8"), Loader=TextDates)
        except yaml.YAMLError as error:
            print(f"invalid {path}: not YAML ({error.__class__.__name__})")
            continue
        kind = "policy" if isinstance(document, dict) and "criteria" in document else "playbook"
        errors = sorted(jsonschema.Draft7Validator(schemas[kind]).iter_errors(document), key=lambda e: list(e.path))
        if errors:
            first = errors[0]
            print(f"invalid {path}: {'/'.join(map(str, first.path))}: {first.message[:160]}")
        else:
            print(f"valid {path}")


main()
