"""``formaudit check PATH...``: check forms and documents against rule packs."""

from __future__ import annotations

import argparse
import contextlib
import time
from pathlib import Path
from typing import IO, Any, Iterator

from ..api import Auditor, new_report
from ..batch import RunningReport, check_in_processes, default_jobs
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
    check.add_argument("--jobs", "-j", type=int, default=1, metavar="N",
                       help="check in N worker processes (0: one per core); output order stays the input order")
    check.add_argument("--progress", choices=["auto", "always", "never"], default="auto",
                       help="a progress line on stderr (auto: when stderr is a terminal)")


def run(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    registry = Registry.discover()
    reporter = registry.reporter(args.format)()  # fail early on an unknown format
    waivers = Waivers.load(args.waivers) if args.waivers else None
    auditor = Auditor(registry, packs=args.pack)
    existing = [p for p in args.paths if Path(p).exists()]
    missing = [p for p in args.paths if not Path(p).exists()]
    jobs = args.jobs if args.jobs > 0 else default_jobs()
    # a reporter that writes as forms finish gets a report of running totals: memory stays flat in the
    # number of forms (its ``results`` stays empty); the others need every result at the end
    streaming = callable(getattr(reporter, "start", None))
    report = RunningReport(new_report().tool) if streaming else new_report()
    report.waivers = waivers
    notes: list[str] = []
    show = args.progress == "always" or (args.progress == "auto" and _isatty(stderr))
    total = len(args.paths) if all(Path(p).is_file() or not Path(p).exists() for p in args.paths) else None
    progress = _Progress(stderr, total) if show else None
    with _output(args.output, getattr(reporter, "binary", False), stdout) as out:
        stream = open_stream(reporter, out)

        def tell(line: str) -> None:
            if progress is not None:
                progress.clear()
            stderr.write(f"formaudit: {line}\n")

        def finished(result: FormResult) -> None:
            """One input done: waive, record, tell stderr, hand it to the reporter."""
            if waivers is not None:
                waivers.apply(result)
            if streaming:
                report.count(result)
                auditor.describe_rules(report, result)
            else:
                auditor.add_result(report, result)
            for note in notes:
                tell(note)
            notes.clear()
            for err in result.errors:
                tell(err)
            stream.add(result)
            if progress is not None:
                progress.step(bool(result.errors))

        paths = auditor.expand(existing, notes)
        if jobs > 1:
            results = check_in_processes(paths, jobs, packs=args.pack, reader=args.reader)
        else:
            results = (auditor.check_file(path, reader=args.reader) for path in paths)
        for result in results:
            finished(result)
        for p in missing:
            result = FormResult(input=p)
            result.errors.append(f"{p}: no such file or folder")
            finished(result)
        for note in notes:
            tell(note)
        if progress is not None:
            progress.done()
        stream.finish(report)
    if waivers is not None:
        for waiver_note in waivers.notes():
            stderr.write(f"formaudit: {waiver_note}\n")
    summary = report.summary()
    if not summary["inputs"]:
        stderr.write("formaudit: nothing to check\n")
        return EXIT_ERROR
    if summary["input_errors"]:
        return EXIT_ERROR
    if args.fail_on != "never" and report.worst() >= SEVERITY_RANK[args.fail_on]:
        return EXIT_FINDINGS
    return EXIT_OK


def _isatty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class _Progress:
    """One line on stderr, rewritten at most ten times a second: forms checked, of how many, forms/s."""

    def __init__(self, out: IO[str], total: int | None):
        self.out, self.total = out, total
        self.done_count = self.errors = 0
        self.start = self.last = time.monotonic()
        self.shown = False

    def step(self, error: bool) -> None:
        self.done_count += 1
        self.errors += error
        now = time.monotonic()
        if now - self.last >= 0.1:
            self.last = now
            self.draw(now)

    def draw(self, now: float) -> None:
        rate = self.done_count / max(now - self.start, 1e-9)
        if self.total:
            width = 24
            filled = int(width * min(self.done_count / self.total, 1))
            text = f"[{'#' * filled}{'.' * (width - filled)}] {self.done_count}/{self.total}"
        else:
            text = f"{self.done_count} checked"
        if self.errors:
            text += f", {self.errors} not checkable"
        self.out.write(f"\r\033[K{text}  {rate:.0f} forms/s")
        self.out.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            self.out.write("\r\033[K")
            self.shown = False

    def done(self) -> None:
        self.draw(time.monotonic())
        self.out.write("\n")
        self.out.flush()


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
