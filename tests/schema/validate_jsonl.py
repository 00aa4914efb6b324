#!/usr/bin/env python3
"""Validate JSON Lines records against a broadsheet JSON Schema.

Usage: validate_jsonl.py SCHEMA.json [FILE.jsonl|-]

Reads JSON Lines from FILE (stdin when FILE is absent or "-") and validates
every non-empty line with jsonschema's Draft202012Validator, format checking
enabled. When the schema describes article records (it has "body" and
"char_count" properties), also checks the cross-field invariants
body == "\\n".join(paragraphs) and char_count == number of code points of body.

Each failure is printed to stderr as "line N: JSON_PATH: message"; the last
line on stdout is "validated N records: P passed, F failed".
Exit status: 0 all passed (at least one record), 1 some failed,
2 no records read or usage error.
"""
import json
import re
import sys
from datetime import datetime

import jsonschema

RFC3339 = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def format_checker():
    checker = jsonschema.FormatChecker()
    if "date-time" not in checker.checkers:
        # Debian's python3-jsonschema lacks rfc3339-validator, so date-time
        # would be silently accepted; check it with the standard library.
        @checker.checks("date-time", raises=ValueError)
        def is_date_time(value):
            if not isinstance(value, str):
                return True
            if not RFC3339.match(value):
                return False
            datetime.fromisoformat(value[:19].replace("t", "T"))  # ranges
            return True
    return checker


def invariant_errors(record):
    """Cross-field checks for article records (only when the types allow)."""
    paragraphs, body = record.get("paragraphs"), record.get("body")
    if not isinstance(body, str):
        return
    if isinstance(paragraphs, list) and all(isinstance(p, str) for p in paragraphs):
        if body != "\n".join(paragraphs):
            yield "$.body", 'body is not the paragraphs joined by "\\n"'
    count = record.get("char_count")
    if isinstance(count, int) and not isinstance(count, bool) and count != len(body):
        yield "$.char_count", f"char_count is {count}, body has {len(body)} code points"


def main(argv):
    if len(argv) not in (2, 3) or argv[1] in ("-h", "--help"):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    try:
        with open(argv[1], encoding="utf-8") as f:
            schema = json.load(f)
        jsonschema.Draft202012Validator.check_schema(schema)
        stream = (sys.stdin.buffer if len(argv) == 2 or argv[2] == "-"
                  else open(argv[2], "rb"))
    except (OSError, ValueError, jsonschema.SchemaError) as e:
        print(f"validate_jsonl: {e}", file=sys.stderr)
        return 2

    validator = jsonschema.Draft202012Validator(schema, format_checker=format_checker())
    props = schema.get("properties", {})
    is_article = "body" in props and "char_count" in props
    total = failed = 0
    with stream:
        for lineno, line in enumerate(stream, 1):
            if not line.strip():
                continue
            total += 1
            try:
                record = json.loads(line.decode("utf-8"))
            except ValueError as e:  # includes UnicodeDecodeError
                problems = [("$", f"invalid JSON: {e}")]
            else:
                problems = [(e.json_path, e.message) for e in
                            sorted(validator.iter_errors(record), key=lambda e: e.json_path)]
                if is_article and isinstance(record, dict):
                    problems += list(invariant_errors(record))
            for path, message in problems:
                print(f"line {lineno}: {path}: {message}", file=sys.stderr)
            failed += bool(problems)

    print(f"validated {total} records: {total - failed} passed, {failed} failed")
    if total == 0:
        return 2
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
