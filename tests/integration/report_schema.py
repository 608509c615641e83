"""Validates report files against docs/schema/v1 (JSON Schema 2020-12, python3-jsonschema).

usage: report_schema.py SCHEMA_DIR FILE...
Each FILE by its name: index.json, peer.json, or a per-case file (anything else ending in
.json). Prints one line per problem and exits 1 when there is one; exits 77 without
python3-jsonschema.
"""
import json
import pathlib
import sys

try:
    import jsonschema
except ImportError:
    print("python3-jsonschema is not installed (scripts/install-deps)", file=sys.stderr)
    sys.exit(77)


def main():
    schema_dir = pathlib.Path(sys.argv[1])
    schemas = {p.name: json.loads(p.read_text()) for p in schema_dir.glob("*.schema.json")}
    store = {s["$id"]: s for s in schemas.values()}
    validators = {}
    for name, schema in schemas.items():
        jsonschema.Draft202012Validator.check_schema(schema)
        resolver = jsonschema.RefResolver.from_schema(schema, store=store)
        validators[name] = jsonschema.Draft202012Validator(schema, resolver=resolver)
    problems = 0
    for arg in sys.argv[2:]:
        path = pathlib.Path(arg)
        kind = path.name if path.name in ("index.json", "peer.json") else "case.json"
        validator = validators[kind.replace(".json", ".schema.json")]
        for error in validator.iter_errors(json.loads(path.read_text())):
            where = "/".join(str(p) for p in error.absolute_path) or "(top)"
            print(f"{path}: {where}: {error.message[:200]}")
            problems += 1
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
