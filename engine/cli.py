"""The command line (SPEC §5). Exit status: 0 nothing at or above --fail-on; 1 findings at or above it;
2 a usage error, a pack that cannot load, or an input that could not be checked."""

from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path
from typing import IO, Sequence

from . import __version__
from .api import Auditor
from .errors import FormauditError
from .findings import SEVERITY_RANK
from .registry import Registry

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # usage errors exit 2 with a clear line, as argparse does
        self.print_usage(sys.stderr)
        sys.stderr.write(f"formaudit: error: {message}\n")
        raise SystemExit(EXIT_ERROR)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="formaudit", description="Check budget performance self-evaluation forms (绩效自评表).")
    parser.add_argument("--version", action="version", version=f"formaudit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    check = sub.add_parser("check", help="check forms and documents against rule packs")
    check.add_argument("paths", nargs="+", metavar="PATH", help="form data files, documents, or folders")
    check.add_argument("--pack", action="append", default=[], metavar="ID|FILE",
                       help="rule pack to use (repeatable); default: the built-in pack of each form's form_type")
    check.add_argument("--format", default="table", help="output format: a reporter name (table, json, …)")
    check.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE instead of stdout")
    check.add_argument("--fail-on", default="error", choices=["error", "warning", "info", "never"],
                       help="exit 1 when a finding at or above this severity exists (default: error)")
    check.add_argument("--reader", help="reader to use for every input (default: the first that accepts it)")

    sub.add_parser("packs", help="list the registered rule packs")

    schema = sub.add_parser("schema", help="print the JSON Schema of a form type")
    schema.add_argument("form_type", metavar="FORM_TYPE")
    return parser


def main(argv: Sequence[str] | None = None, stdout: IO[str] | None = None, stderr: IO[str] | None = None) -> int:
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    if args.command is None:
        parser.print_help(stdout)
        return EXIT_ERROR
    try:
        return _COMMANDS[args.command](args, stdout, stderr)
    except FormauditError as exc:
        stderr.write(f"formaudit: {exc}\n")
        return EXIT_ERROR
    except KeyboardInterrupt:
        stderr.write("formaudit: interrupted\n")
        return 130
    except BrokenPipeError:
        return EXIT_OK


def _check(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    registry = Registry.discover()
    reporter = registry.reporter(args.format)()  # fail early on an unknown format
    auditor = Auditor(registry, packs=args.pack)
    missing = [p for p in args.paths if not Path(p).exists()]
    notes: list[str] = []
    report = auditor.check_paths([p for p in args.paths if Path(p).exists()], reader=args.reader, notes=notes)
    for p in missing:
        from .findings import FormResult

        result = FormResult(input=p)
        result.errors.append(f"{p}: no such file or folder")
        report.results.append(result)
    for note in notes:
        stderr.write(f"formaudit: {note}\n")
    for result in report.results:
        for err in result.errors:
            stderr.write(f"formaudit: {err}\n")
    if args.output:
        buffer = io.StringIO()
        reporter.write(report, buffer)
        Path(args.output).write_text(buffer.getvalue(), encoding="utf-8")
    else:
        reporter.write(report, stdout)
    if any(r.errors for r in report.results) or not report.results:
        if not report.results:
            stderr.write("formaudit: nothing to check\n")
        return EXIT_ERROR
    if args.fail_on != "never" and report.worst() >= SEVERITY_RANK[args.fail_on]:
        return EXIT_FINDINGS
    return EXIT_OK


def _packs(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    auditor = Auditor()
    for pack_id in auditor.registry.pack_ids():
        pack = auditor.load_pack(pack_id)
        stdout.write(f"{pack.id}\t{pack.version}\t{pack.form_type}\t{len(pack.enabled_rules)} rules\t{pack.title}\n")
    return EXIT_OK


def _schema(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    auditor = Auditor()
    schema = auditor.schema(args.form_type)
    if schema is None:
        stderr.write(f"formaudit: unknown form type '{args.form_type}' "
                     f"(known: {', '.join(auditor.registry.form_types())})\n")
        return EXIT_ERROR
    stdout.write(json.dumps(schema, ensure_ascii=False, indent=2) + "\n")
    return EXIT_OK


_COMMANDS = {"check": _check, "packs": _packs, "schema": _schema}


if __name__ == "__main__":
    raise SystemExit(main())
