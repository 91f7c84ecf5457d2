"""``formaudit schema FORM_TYPE``: print a form type's JSON Schema."""

from __future__ import annotations

import argparse
import json
from typing import IO

from ..api import Auditor
from . import EXIT_ERROR, EXIT_OK


def register(sub) -> None:
    schema = sub.add_parser("schema", help="print the JSON Schema of a form type")
    schema.add_argument("form_type", metavar="FORM_TYPE")


def run(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    auditor = Auditor()
    schema = auditor.schema(args.form_type)
    if schema is None:
        stderr.write(f"formaudit: unknown form type '{args.form_type}' "
                     f"(known: {', '.join(auditor.registry.form_types())})\n")
        return EXIT_ERROR
    stdout.write(json.dumps(schema, ensure_ascii=False, indent=2) + "\n")
    return EXIT_OK
