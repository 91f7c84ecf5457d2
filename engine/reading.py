"""The contract between readers (documents → form data) and the engine.

A reader plugin is registered in the ``formaudit.readers`` entry-point group; the entry point names a
class whose instances have:

- ``name``: the entry-point name (what ``--reader`` takes);
- ``accepts(path, head) -> bool``: whether it reads this file, judged by content (``head`` is the first
  64 KiB of the file as bytes), not only by extension;
- ``read(path) -> ReadResult``: the form data and what could not be placed.

A reader never invents a value: text it cannot place goes into ``unparsed`` with its line, and the
engine reports each as an ``unparsed`` info finding. A file it cannot read at all raises
``formaudit.errors.InputError`` with the file and line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol


@dataclass(frozen=True)
class Unparsed:
    """A piece of the document a reader could not place in the form."""

    line: int | None
    text: str
    reason: str = "not recognised"
    pointer: str | None = None  # where it would have gone, when known


@dataclass
class ReadResult:
    form: dict[str, Any]
    unparsed: list[Unparsed] = field(default_factory=list)
    reader: str = ""
    # pointer → (line, column) in the file itself, for form data files without provenance
    positions: dict[str, tuple[int | None, int | None]] = field(default_factory=dict)


class Reader(Protocol):
    name: str

    def accepts(self, path: Path, head: bytes) -> bool: ...

    def read(self, path: Path) -> ReadResult: ...
