"""``formaudit read DOCUMENT``: a document (text, PDF, xlsx, or form data) → form data with provenance.

The form data goes to stdout or ``-o FILE`` as YAML (default) or JSON. Provenance ``file`` entries are
written relative to where the form data goes (the output file's folder, or the current folder for
stdout), as form data files record them. What the reader could not place is listed on stderr, one line
each (``file:line: unparsed: text (reason)``), and in YAML output as comments at the top.
"""

from __future__ import annotations

import argparse
import json
import os
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import yaml

from ..api import Auditor
from ..errors import InputError
from ..registry import Registry
from . import EXIT_ERROR, EXIT_OK


def register(sub) -> None:
    read = sub.add_parser("read", help="read a document into form data (YAML/JSON) with provenance")
    read.add_argument("document", metavar="DOCUMENT", help="a text, PDF or xlsx document, or form data")
    read.add_argument("--reader", help="reader to use (default: the first that accepts the file; see --list)")
    read.add_argument("--format", default="yaml", choices=["yaml", "json"], help="output format (default: yaml)")
    read.add_argument("-o", "--output", metavar="FILE", help="write the form data to FILE instead of stdout")
    read.add_argument("--template", metavar="FILE", action="append", default=[],
                      help="xlsx reader: a template file to use (repeatable); default: the shipped templates")


def run(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    registry = Registry.discover()
    auditor = Auditor(registry)
    path = Path(args.document)
    if not path.is_file():
        stderr.write(f"formaudit: {path}: no such file\n")
        return EXIT_ERROR
    reader_name = args.reader
    if args.template:
        reader_name = reader_name or "xlsx"
        reader = registry.reader(reader_name)(templates=[Path(t) for t in args.template])
        result = reader.read(path)
    else:
        result = auditor.read(path, reader_name)
    form = relocate(result.form, path, Path(args.output) if args.output else None)
    for u in result.unparsed:
        where = f"{path}:{u.line}" if u.line else str(path)
        stderr.write(f"formaudit: {where}: unparsed: {u.text[:120]} ({u.reason})\n")
    if args.format == "json":
        text = json.dumps(form, ensure_ascii=False, indent=2, default=_json_default) + "\n"
    else:
        text = dump_yaml(form, header=_header(path, result))
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot write: {exc.strerror or exc}", file=args.output, code="output-unwritable") from None
    else:
        stdout.write(text)
    return EXIT_OK


def relocate(form: dict[str, Any], document: Path, output: Path | None) -> dict[str, Any]:
    """Provenance ``file`` entries are relative to the document's folder (the document is the form's file);
    rewrite them relative to where the form data is written."""
    prov = form.get("provenance")
    if not isinstance(prov, dict):
        return form
    base = output.parent if output is not None else Path(".")
    doc_dir = document.parent
    moved = {}
    for pointer, where in prov.items():
        if isinstance(where, dict) and isinstance(where.get("file"), str) and not os.path.isabs(where["file"]):
            target = doc_dir / where["file"]
            where = dict(where, file=Path(os.path.relpath(target, base)).as_posix())
        moved[pointer] = where
    return dict(form, provenance=moved)


def _header(path: Path, result) -> list[str]:
    lines = [f"Read from {path.name} by formaudit read (reader: {result.reader})."]
    if result.unparsed:
        lines.append(f"Not placed ({len(result.unparsed)}):")
        for u in result.unparsed:
            where = f"line {u.line}" if u.line else "?"
            lines.append(f"  {where}: {u.text[:100]} ({u.reason})")
    return lines


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


class _Dumper(yaml.SafeDumper):
    pass


class _Flow(dict):
    pass


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(_Flow, lambda d, v: d.represent_mapping("tag:yaml.org,2002:map", v, flow_style=True))
_Dumper.add_representer(Decimal, lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", str(v), style='"'))


def dump_yaml(form: dict[str, Any], header: list[str] | None = None) -> str:
    """Form data as YAML the way the transcriptions are written: figures quoted strings, keys in order,
    provenance entries on one line each."""
    data = dict(form)
    if isinstance(data.get("provenance"), dict):
        data["provenance"] = {k: _Flow(v) if isinstance(v, dict) else v for k, v in data["provenance"].items()}
    body = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000, default_flow_style=False)
    comments = "".join(f"# {line}\n" for line in (header or []))
    return comments + body
