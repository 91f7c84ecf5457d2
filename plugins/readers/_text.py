"""Shared helpers of the text readers: decoding, traditional → simplified, widths, figures, provenance.

A document is read as a list of ``Line`` objects. A line keeps the text as printed (``orig``) and a
normalised text (``text``): traditional characters converted to simplified with OpenCC (``t2s``) and
the pinyin glosses some web pages print after a character (``衛(wèi)``) removed. ``Line.column(i)``
maps an index in ``text`` back to the 1-based column in the printed line, so provenance always points
at the document as printed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from formaudit.errors import InputError
from formaudit.values import escape  # noqa: F401 - re-exported for the readers
from formaudit.reading import ReadResult, Unparsed

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_RE = re.compile(f"[{CJK}]")
# pinyin gloss after a character, as printed by some web pages: 衛(wèi), 項(xiàng)
_GLOSS_RE = re.compile(f"(?<=[{CJK}])\\((?:[a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*|[a-zü]{{1,6}}[1-5])\\)")
_SPACE_NEAR_CJK = re.compile(f"(?<=[{CJK}\uff00-\uffef\u3000-\u303f])\\s+|\\s+(?=[{CJK}\uff00-\uffef\u3000-\u303f])")

# comparators as printed on real forms, full-width and variant forms included
COMPARATORS = "≥≤≧≦＞＜><=═﹦＝‹›"
NUMBER = r"\d+(?:\.\d+)?"
BLANKS = frozenset({"", "—", "——", "-", "--", "/", "无", "－", "─", "–"})


# -- reading a file ------------------------------------------------------------------------------

def decode(raw: bytes, file: str) -> str:
    if b"\x00" in raw[:4096]:
        raise InputError("not a text document (binary data)", file=file, code="input-not-text")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError("not UTF-8 or GB18030 text", file=file, code="input-encoding")


def read_document(path: Path) -> str:
    file = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_DOCUMENT_BYTES:
            raise InputError(f"file is {size} bytes; a document is at most {MAX_DOCUMENT_BYTES} bytes",
                             file=file, code="input-too-large")
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", file=file, code="input-unreadable") from None
    return decode(raw, file)


# files that are text but not documents: source, markup and data formats (a doc *about* forms is not a form)
NOT_DOCUMENTS = frozenset({".md", ".markdown", ".rst", ".py", ".yaml", ".yml", ".json", ".toml", ".cfg", ".ini",
                           ".js", ".ts", ".css", ".html", ".htm", ".xml", ".csv", ".tsv", ".sh", ".bat"})


def head_text(head: bytes) -> str:
    """The first bytes of a file as text for ``accepts``; '' when it is not text."""
    if b"\x00" in head[:4096]:
        return ""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return head.decode(encoding)
        except UnicodeDecodeError as exc:
            if exc.start > len(head) - 4:  # a character cut by the 64 KiB boundary
                return head[:exc.start].decode(encoding, errors="ignore")
    return ""


# -- traditional characters ---------------------------------------------------------------------

@lru_cache(maxsize=1)
def _converter() -> Any:
    import opencc  # the maintained OpenCC binding (see docs/readers.md)

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    if not CJK_RE.search(text):
        return text
    return _converter().convert(text)


def strip_glosses(text: str) -> str:
    return _GLOSS_RE.sub("", text)


def simplify(text: str) -> str:
    """Simplified characters, glosses removed: for matching labels (not for positions)."""
    return to_simplified(strip_glosses(text))


# -- lines --------------------------------------------------------------------------------------

@dataclass
class Line:
    number: int            # 1-based line number in the document
    orig: str              # as printed
    text: str              # normalised: simplified, glosses removed
    cols: list[int] = field(default_factory=list)  # text index → 1-based column in ``orig``

    def column(self, index: int) -> int:
        if not self.cols:
            return index + 1
        if index >= len(self.cols):
            return self.cols[-1] + 1
        return self.cols[max(index, 0)]

    def original(self, start: int, end: int) -> str:
        """The printed text behind ``text[start:end]``."""
        if start >= end:
            return ""
        a = self.column(start) - 1
        b = self.column(end - 1)
        return self.orig[a:b]


def normalise_line(number: int, orig: str, convert: bool) -> Line:
    if not convert:
        return Line(number, orig, orig, list(range(1, len(orig) + 1)))
    # remove glosses, keeping a map to the printed columns
    pieces: list[tuple[str, int]] = []  # (text piece, column of its first character)
    last = 0
    for m in _GLOSS_RE.finditer(orig):
        pieces.append((orig[last:m.start()], last + 1))
        last = m.end()
    pieces.append((orig[last:], last + 1))
    text_parts: list[str] = []
    cols: list[int] = []
    for piece, start in pieces:
        converted = to_simplified(piece)
        text_parts.append(converted)
        if len(converted) == len(piece):
            cols.extend(range(start, start + len(piece)))
        else:  # a phrase converted to a different length: map it to where it starts
            cols.extend([start] * len(converted))
    return Line(number, orig, "".join(text_parts), cols)


def is_traditional(text: str) -> bool:
    """Whether the text is printed in traditional characters (or carries pinyin glosses)."""
    sample = text[:20000]
    if len(_GLOSS_RE.findall(sample)) >= 3:
        return True
    han = CJK_RE.findall(sample)
    if len(han) < 10:
        return False
    converted = to_simplified(sample)
    changed = sum(1 for a, b in zip(sample, converted) if a != b)
    return changed >= 3 and changed >= len(han) * 0.03


def split_lines(text: str, convert: bool | None = None) -> tuple[list[Line], bool]:
    raw = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if convert is None:
        convert = is_traditional(text)
    return [normalise_line(i, line, convert) for i, line in enumerate(raw, 1)], convert


# -- widths and keys ----------------------------------------------------------------------------

def char_width(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in "WF" or ch in "“”‘’" else 1


def display_width(text: str) -> int:
    """Width in half-width units, ignoring spaces next to CJK characters (letter-spaced cells)."""
    return sum(char_width(c) for c in _SPACE_NEAR_CJK.sub("", text.strip()))


_KEY_TRANS = str.maketrans({"（": "(", "）": ")", "：": ":", "，": ",", "　": " ", "；": ";"})


def key(text: str) -> str:
    """A label as compared: no whitespace, ASCII brackets and colons."""
    return re.sub(r"\s+", "", text.translate(_KEY_TRANS))


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() in BLANKS)


# -- figures ------------------------------------------------------------------------------------

AMOUNT_RE = re.compile(r"^-?\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^-?\d+(?:\.\d+)?$")
PERCENT_RE = re.compile(r"^-?\d+(?:\.\d+)?\s*[%％‰]$")
FIGURE_RE = re.compile(r"^-?\d+(?:\.\d+)?\s*[%％‰]?$")


def is_amount(text: str) -> bool:
    return bool(AMOUNT_RE.match(text.strip()))


def is_percent(text: str) -> bool:
    return bool(PERCENT_RE.match(text.strip()))


def is_figure(text: str) -> bool:
    return bool(FIGURE_RE.match(text.strip()))


# -- building a form with provenance ------------------------------------------------------------

class Builder:
    """Collects a form's values with their provenance, and what could not be placed."""

    def __init__(self, file: str, form_type: str):
        self.file = file
        self.form: dict[str, Any] = {"form_type": form_type}
        self.provenance: dict[str, dict[str, Any]] = {}
        self.unparsed: list[Unparsed] = []

    def where(self, pointer: str, line: int | None, column: int | None = None, **extra: Any) -> None:
        entry: dict[str, Any] = {"file": self.file}
        if line is not None:
            entry["line"] = line
        if column is not None:
            entry["column"] = column
        entry.update({k: v for k, v in extra.items() if v is not None})
        self.provenance[pointer] = entry

    def skip(self, line: int | None, text: str, reason: str = "not recognised", pointer: str | None = None) -> None:
        text = text.strip()
        if text:
            self.unparsed.append(Unparsed(line=line, text=text, reason=reason, pointer=pointer))

    def add_containers(self) -> None:
        """Each row and block (``/indicators/3``, ``/funds/0``, ``/total``) gets the place of its first value, so
        a finding on a field the row does not print (a missing 偏差原因) still points at the row."""
        for pointer, where in sorted(self.provenance.items(), key=lambda kv: (kv[1].get("line") or 0, kv[1].get("column") or 0)):
            parts = pointer.split("/")
            for n in range(2, len(parts)):
                parent = "/".join(parts[:n])
                if parent and parent not in self.provenance:
                    self.provenance[parent] = {k: v for k, v in where.items() if k != "text"}

    def result(self, reader: str) -> ReadResult:
        self.add_containers()
        form = dict(self.form)
        if self.provenance:
            form["provenance"] = dict(sorted(self.provenance.items(), key=lambda kv: _pointer_key(kv[0])))
        unparsed = sorted(self.unparsed, key=lambda u: u.line or 0)  # stable: document order within a line
        return ReadResult(form=form, unparsed=unparsed, reader=reader)


def _pointer_key(pointer: str) -> tuple:
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in pointer.split("/"))


def provenance_file(path: Path) -> str:
    """``file`` in provenance: relative to the form's own file, which for a document read in memory is
    the document itself (SPEC §2; the engine resolves it against the input path)."""
    return path.name


def join_cell(parts: Iterable[str]) -> str:
    """Text of a cell wrapped over several lines: the lines joined as printed, ends stripped."""
    return "".join(parts).strip()
