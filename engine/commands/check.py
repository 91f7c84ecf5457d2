"""``formaudit check PATH...``: check forms and documents against rule packs."""

from __future__ import annotations

import argparse
import io
from pathlib import Path
from typing import IO

from ..api import Auditor
from ..findings import SEVERITY_RANK, FormResult
from ..registry import Registry
from . import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK


def register(sub) -> None:
    check = sub.add_parser("check", help="check forms and documents against rule packs")
    check.add_argument("paths", nargs="+", metavar="PATH", help="form data files, documents, or folders")
    check.add_argument("--pack", action="append", default=[], metavar="ID|FILE",
                       help="rule pack to use (repeatable); default: the built-in pack of each form's form_type")
    check.add_argument("--format", default="table", help="output format: a reporter name (table, json, …)")
    check.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE instead of stdout")
    check.add_argument("--fail-on", default="error", choices=["error", "warning", "info", "never"],
                       help="exit 1 when a finding at or above this severity exists (default: error)")
    check.add_argument("--reader", help="reader to use for every input (default: the first that accepts it)")


def run(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    registry = Registry.discover()
    reporter = registry.reporter(args.format)()  # fail early on an unknown format
    auditor = Auditor(registry, packs=args.pack)
    missing = [p for p in args.paths if not Path(p).exists()]
    notes: list[str] = []
    report = auditor.check_paths([p for p in args.paths if Path(p).exists()], reader=args.reader, notes=notes)
    for p in missing:
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
    if not report.results:
        stderr.write("formaudit: nothing to check\n")
        return EXIT_ERROR
    if any(r.errors for r in report.results):
        return EXIT_ERROR
    if args.fail_on != "never" and report.worst() >= SEVERITY_RANK[args.fail_on]:
        return EXIT_FINDINGS
    return EXIT_OK
