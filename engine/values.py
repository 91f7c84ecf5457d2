"""Form data as expressions see it: plain, read-only values that know where they came from.

A form is converted once, when it is checked: objects become ``Record`` (a read-only mapping), lists
``Rows`` (a tuple), printed figures ``Figure``, other strings ``Text`` (a ``str``), blank cells
``Blank``. Each value carries its JSON Pointer, so a finding can name the exact figure that is wrong.
No live form dict ever reaches an expression.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from functools import lru_cache
from typing import Any, Iterator

from .errors import NotEvaluable
from .figures import BLANK_MARKERS, FALSE, MAX_DIGITS, TRUE, Figure, Truth

# a printed number (digits, separators, a point, a short unit) too long for a Figure
_NUMBERISH = re.compile(r"^[+\-−]?[\d,，]*\.?\d*\s*[^\d\s]{0,4}$")


def escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def child_pointer(pointer: str, key: object) -> str:
    key = key if type(key) is str else str(key)
    if "~" in key or "/" in key:
        key = escape(key)
    return pointer + "/" + key


class Text(str):
    """A text value from the form (or a literal), with its pointer."""

    __slots__ = ("pointer",)

    def __new__(cls, value: str, pointer: str | None = None):
        self = super().__new__(cls, value)
        self.pointer = pointer
        return self


class Blank:
    """No value: a blank cell, ``—``, ``/``, ``无``, or a field the form does not have."""

    __slots__ = ("pointer", "printed", "reason")

    def __init__(self, pointer: str | None = None, printed: str = "", reason: str | None = None):
        self.pointer = pointer
        self.printed = printed
        self.reason = reason

    def __str__(self) -> str:
        return self.printed or "（空）"

    def __repr__(self) -> str:
        return f"Blank({self.pointer!r})"

    def missing(self) -> NotEvaluable:
        if self.reason:
            return NotEvaluable(self.reason)
        where = self.pointer or "?"
        return NotEvaluable(f"no value at {where}")


class Record(Mapping):
    """A read-only object of the form. Missing keys read as ``Blank`` with the pointer they would have."""

    __slots__ = ("_data", "pointer")

    def __init__(self, data: dict[str, Any], pointer: str):
        self._data = data
        self.pointer = pointer

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def get(self, key: str, default: Any = None) -> Any:  # noqa: D401 - Mapping API
        try:
            return self._data[key]
        except KeyError:
            return Blank(child_pointer(self.pointer, key)) if default is None else default

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"Record({self.pointer!r})"

    def __str__(self) -> str:
        for key in ("name", "source", "title"):
            value = self._data.get(key)
            if isinstance(value, (Text, Figure)):
                return str(value)
        return self.pointer or "/"


class Rows(tuple):
    """A read-only list of the form, with its pointer."""

    pointer: str = ""

    def __new__(cls, items, pointer: str = ""):
        self = super().__new__(cls, items)
        self.pointer = pointer
        return self


_MISSING = object()


class _LazyRecord(Record):
    """A ``Record`` of raw form data that converts each field when it is first read, once: a rule that
    reads three figures of a row parses three figures, and a long provenance map nobody reads costs nothing.
    Reads see exactly what the eager ``convert`` would give."""

    __slots__ = ("_raw", "_invalid")

    def __init__(self, raw: dict[Any, Any], pointer: str, invalid: Mapping[str, str] | None):
        self._data = {}
        self.pointer = pointer
        self._raw = raw
        self._invalid = invalid

    def __getitem__(self, key: str) -> Any:
        value = self.get(key, _MISSING)
        if value is _MISSING:
            raise KeyError(key)
        return value

    def get(self, key: str, default: Any = None) -> Any:  # noqa: D401 - Mapping API
        try:
            return self._data[key]  # read before: no further call
        except KeyError:
            pass
        raw = self._raw
        if key in raw:
            value = raw[key]
        else:  # keys that are not text (YAML ``1: x``) are read by their text, as ``convert`` names them
            for k, v in raw.items():
                if not isinstance(k, str) and str(k) == key:
                    value = v
                    break
            else:
                return Blank(child_pointer(self.pointer, key)) if default is None else default
        converted = self._data[key] = convert(value, child_pointer(self.pointer, key), self._invalid)
        return converted

    def __iter__(self) -> Iterator[str]:
        return (k if isinstance(k, str) else str(k) for k in self._raw)

    def __len__(self) -> int:
        return len(self._raw)

    def __contains__(self, key: object) -> bool:
        if key in self._raw:
            return True
        return any(not isinstance(k, str) and str(k) == key for k in self._raw)

    def __str__(self) -> str:
        for key in ("name", "source", "title"):
            if key in self._raw:
                value = self[key]
                if isinstance(value, (Text, Figure)):
                    return str(value)
        return self.pointer or "/"


def is_blank(value: object) -> bool:
    return value is None or isinstance(value, Blank)


@lru_cache(maxsize=8192)
def _parsed(text: str) -> Figure | None:
    """A printed figure read once per distinct text (``"0"``, ``"100%"`` recur in every form); each use gets
    its own copy with its pointer (``with_pointer``), the cached one is never handed out."""
    return Figure.parse(text)


def _text_value(raw: str, pointer: str) -> Any:
    stripped = raw.strip()
    if stripped in BLANK_MARKERS:
        return Blank(pointer, stripped)
    if len(stripped) > 64:  # long only by its spacing (a run of spaces or line breaks before the unit)?
        squeezed = " ".join(stripped.split())
        stripped = squeezed if len(squeezed) <= 64 else stripped
    figure = _parsed(stripped) if len(stripped) <= 64 else None
    if figure is not None:
        return figure.with_pointer(pointer)
    if len(stripped) > MAX_DIGITS and sum(ch.isdigit() for ch in stripped) > MAX_DIGITS and _NUMBERISH.match(stripped):
        return Blank(pointer, stripped[:40], reason=f"number too long to check at {pointer or '/'} "
                                                    f"(at most {MAX_DIGITS} digits)")
    return Text(raw, pointer)


def convert(raw: Any, pointer: str = "", invalid: Mapping[str, str] | None = None) -> Any:
    """Raw form data (parsed JSON/YAML) → expression values. ``invalid`` maps pointers of values that
    broke the schema to the reason; those read as blanks that make a rule not evaluable."""
    if invalid and pointer in invalid:
        return Blank(pointer, str(raw) if isinstance(raw, (str, int, Decimal)) else "",
                     reason=f"invalid value at {pointer}: {invalid[pointer]}")
    if type(raw) is str:  # the common case first
        return _text_value(raw, pointer)
    if isinstance(raw, dict):
        return _LazyRecord(raw, pointer, invalid)
    if isinstance(raw, list):
        return Rows((convert(v, child_pointer(pointer, i), invalid) for i, v in enumerate(raw)), pointer)
    if isinstance(raw, bool):
        return TRUE if raw else FALSE
    if raw is None:
        return Blank(pointer)
    if isinstance(raw, str):
        return _text_value(raw, pointer)
    figure = Figure.parse(raw, pointer=pointer)
    if figure is not None:
        return figure
    return Blank(pointer, reason=f"unreadable value at {pointer}")


def literal(value: Any) -> Any:
    """A Python value from a pack (param, example) → an exact expression value."""
    if isinstance(value, (Figure, Text, Blank, Record, Rows, Truth)):
        return value
    if isinstance(value, bool):
        return TRUE if value else FALSE
    if isinstance(value, str):
        stripped = value.strip()
        figure = Figure.parse(stripped, exact=True)
        if figure is not None:
            return figure
        return Text(value)
    if isinstance(value, (int, Decimal, float)):
        figure = Figure.parse(value, exact=True)
        if figure is not None:
            return figure
    if isinstance(value, (list, tuple)):
        return Rows(literal(v) for v in value)
    if isinstance(value, dict):
        return Record({str(k): literal(v) for k, v in value.items()}, "")
    if value is None:
        return Blank()
    raise ValueError(f"unsupported value: {value!r}")


def plain(value: Any) -> Any:
    """An expression value → what JSON output shows: printed text for figures, text for text."""
    if isinstance(value, Figure):
        return str(value)
    if isinstance(value, Blank):
        return value.printed or None
    if isinstance(value, Truth):
        return value.name.lower()
    if isinstance(value, Record):
        return str(value)
    if isinstance(value, Rows):
        return [plain(v) for v in value][:20]
    if isinstance(value, str):
        return str(value)
    return value
