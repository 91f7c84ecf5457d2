"""Built-in reporters, and the reporter contract (see docs/plugins.md).

A reporter is a class registered in the ``formaudit.reporters`` entry-point group. Its instances have
``name`` and either of two forms:

- simple: ``write(report, out)`` writes the whole finished ``Report``;
- streaming: ``start(out)``, then ``add(result)`` as each form finishes, then ``finish(report)`` with the
  finished report (waiver notes and the manifest are complete only then). ``StreamingReporter`` gives
  such a class its ``write``.

A reporter with ``binary = True`` writes bytes (``out`` is a binary stream); the others write text.
``open_stream(reporter, out)`` drives either form through the streaming calls: the check command uses it
for every reporter, and so can code that embeds formaudit.
"""

from __future__ import annotations

from typing import IO, Any, Protocol, runtime_checkable

from formaudit.findings import FormResult, Report


@runtime_checkable
class Reporter(Protocol):
    name: str

    def write(self, report: Report, out: IO[Any]) -> None: ...


class StreamingReporter:
    """Base for reporters that write as forms finish: override ``start``, ``add`` and ``finish``."""

    name = ""
    binary = False

    def start(self, out: IO[Any]) -> None:
        self.out = out

    def add(self, result: FormResult) -> None:
        pass

    def finish(self, report: Report) -> None:
        pass

    def write(self, report: Report, out: IO[Any]) -> None:
        self.start(out)
        for result in report.results:
            self.add(result)
        self.finish(report)


class _Buffered:
    """A simple reporter seen through the streaming calls: nothing is written before ``finish``."""

    def __init__(self, reporter: Any):
        self.reporter = reporter

    def start(self, out: IO[Any]) -> None:
        self.out = out

    def add(self, result: FormResult) -> None:
        pass

    def finish(self, report: Report) -> None:
        self.reporter.write(report, self.out)


def open_stream(reporter: Any, out: IO[Any]) -> Any:
    """Start ``reporter`` on ``out``; returns an object with ``add(result)`` and ``finish(report)``."""
    stream = reporter if callable(getattr(reporter, "start", None)) else _Buffered(reporter)
    stream.start(out)
    return stream


__all__ = ["Reporter", "StreamingReporter", "open_stream"]
