"""``formaudit check PATH...``: check forms and documents against rule packs."""

from __future__ import annotations

import argparse
import contextlib
from pathlib import Path
from typing import IO, Any, Iterator

from ..api import Auditor, new_report
from ..errors import FormauditError
from ..findings import SEVERITY_RANK, FormResult
from ..plugins.reporters import open_stream
from ..registry import Registry
from ..waivers import Waivers
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
    check.add_argument("--waivers", metavar="FILE",
                       help="YAML file of accepted findings (fingerprint, reason, who, until): waived findings stay "
                            "in the report, marked, and do not count for the exit status")


def run(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    registry = Registry.discover()
    reporter = registry.reporter(args.format)()  # fail early on an unknown format
    waivers = Waivers.load(args.waivers) if args.waivers else None
    auditor = Auditor(registry, packs=args.pack)
    existing = [p for p in args.paths if Path(p).exists()]
    missing = [p for p in args.paths if not Path(p).exists()]
    report = new_report()
    report.waivers = waivers
    notes: list[str] = []
    with _output(args.output, getattr(reporter, "binary", False), stdout) as out:
        stream = open_stream(reporter, out)

        def finished(result: FormResult) -> None:
            """One input done: waive, record, tell stderr, hand it to the reporter."""
            if waivers is not None:
                waivers.apply(result)
            auditor.add_result(report, result)
            for note in notes:
                stderr.write(f"formaudit: {note}\n")
            notes.clear()
            for err in result.errors:
                stderr.write(f"formaudit: {err}\n")
            stream.add(result)

        for path in auditor.expand(existing, notes):
            finished(auditor.check_file(path, reader=args.reader))
        for p in missing:
            result = FormResult(input=p)
            result.errors.append(f"{p}: no such file or folder")
            finished(result)
        for note in notes:
            stderr.write(f"formaudit: {note}\n")
        stream.finish(report)
    if waivers is not None:
        for waiver_note in waivers.notes():
            stderr.write(f"formaudit: {waiver_note}\n")
    if not report.results:
        stderr.write("formaudit: nothing to check\n")
        return EXIT_ERROR
    if any(r.errors for r in report.results):
        return EXIT_ERROR
    if args.fail_on != "never" and report.worst() >= SEVERITY_RANK[args.fail_on]:
        return EXIT_FINDINGS
    return EXIT_OK


@contextlib.contextmanager
def _output(path: str | None, binary: bool, stdout: IO[str]) -> Iterator[IO[Any]]:
    """Where the report goes: FILE (opened once, written as the reporter writes) or stdout."""
    if path:
        try:
            fh: IO[Any] = open(path, "wb") if binary else open(path, "w", encoding="utf-8", newline="")
        except OSError as exc:
            raise FormauditError(f"cannot write the report: {exc.strerror or exc}", file=path, code="output") from None
        with fh:
            yield fh
        return
    if not binary:
        yield stdout
        return
    buffer = getattr(stdout, "buffer", None)
    if buffer is None or stdout.isatty():
        raise FormauditError("this format writes a binary file: give -o FILE", code="usage")
    stdout.flush()
    yield buffer
    buffer.flush()
