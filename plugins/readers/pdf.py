"""PDF documents: text (and table cells where the page rules them) extracted with pdfplumber, then read by
the text readers.

pdfplumber (on pdfminer.six) gives every word with its position and finds ruled tables; from that each
page becomes lines of text in reading order: a ruled table's rows as ``cell | cell | …`` (the pipe layout
the project-form reader knows), other text as visual lines, words far apart on a line separated by
`` | `` too. The first text reader that accepts the result reads it (the department layout first, then
the project form). Provenance is the page and the line on that page (counted top to bottom);
unparsed text names its page.

pdfplumber is an optional dependency: ``pip install 'formaudit[pdf]'`` (the test extra includes it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from statistics import median
from typing import Any

from formaudit.errors import InputError
from formaudit.reading import ReadResult, Unparsed

from . import _text
from .depttext import DeptTextReader
from .projecttext import ProjectTextReader

NAME = "pdf"
MAX_PAGES = 200


@dataclass
class _Line:
    page: int
    top: float
    text: str


class PdfReader:
    name = NAME

    def accepts(self, path: Path, head: bytes) -> bool:
        return head.lstrip()[:5] == b"%PDF-"

    def read(self, path: Path) -> ReadResult:
        lines = extract_lines(path)
        text = "\n".join(ln.text for ln in lines)
        head = text.encode("utf-8")[:65536]
        file = _text.provenance_file(path)
        if DeptTextReader().accepts(path, head):
            result = DeptTextReader().read_text(text, file)
        elif ProjectTextReader.accepts_text(text):
            result = ProjectTextReader().read_text(text, file)
        else:
            raise InputError("the PDF's text is not a self-evaluation form a reader knows "
                             f"({len(lines)} lines of text extracted)", file=str(path), code="pdf-not-a-form")
        return _to_pages(result, lines)


def extract_lines(path: Path) -> list[_Line]:
    try:
        import pdfplumber
    except ImportError:
        raise InputError("reading PDF needs pdfplumber: pip install 'formaudit[pdf]'", file=str(path),
                         code="pdf-unsupported") from None
    from pdfminer.pdfparser import PDFSyntaxError

    out: list[_Line] = []
    try:
        with pdfplumber.open(path) as pdf:
            if len(pdf.pages) > MAX_PAGES:
                raise InputError(f"{len(pdf.pages)} pages; a form has at most {MAX_PAGES}", file=str(path),
                                 code="pdf-too-long")
            for number, page in enumerate(pdf.pages, 1):
                out.extend(_page_lines(page, number))
    except (PDFSyntaxError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"not a readable PDF: {type(exc).__name__}: {exc}", file=str(path), code="pdf-unreadable") from None
    except Exception as exc:  # pdfminer raises its own exception types for damaged files
        if type(exc).__module__.startswith(("pdfminer", "pdfplumber")):
            raise InputError(f"not a readable PDF: {exc}", file=str(path), code="pdf-unreadable") from None
        raise
    return out


def _page_lines(page: Any, number: int) -> list[_Line]:
    items: list[tuple[float, str]] = []
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]
    for table in tables:
        for row in table.rows:
            cells = []
            for cell in row.cells:
                if cell is None:
                    continue
                text = _cell_text(page, cell)
                cells.append(re.sub(r"\s*\n\s*", "", text).strip())
            if any(cells):
                items.append((row.bbox[1], " | ".join(cells) + " |"))
    words = [w for w in page.extract_words(keep_blank_chars=True, x_tolerance=1.5, y_tolerance=2)
             if not any(_inside(w, b) for b in boxes)]
    for top, text in _visual_lines(words):
        items.append((top, text))
    items.sort(key=lambda t: t[0])
    # blank lines where the page leaves a gap, as text extraction tools print them
    out: list[_Line] = []
    heights = [w["bottom"] - w["top"] for w in words] or [10.0]
    step = median(heights) * 1.8
    last_top = None
    for top, text in items:
        if last_top is not None and top - last_top > step:
            out.append(_Line(number, top, ""))
        out.append(_Line(number, top, text))
        last_top = top
    return out


def _cell_text(page: Any, box: tuple) -> str:
    """The characters whose centre lies in the cell (a glyph that overflows its cell stays with its cell)."""
    return _chars_text([c for c in page.chars if _inside(c, box)])


def _chars_text(chars: list[dict]) -> str:
    lines: list[list[dict]] = []
    for ch in sorted(chars, key=lambda c: (round(c["top"]), c["x0"])):
        if lines and abs(lines[-1][0]["top"] - ch["top"]) <= (ch["bottom"] - ch["top"]) * 0.5:
            lines[-1].append(ch)
        else:
            lines.append([ch])
    out = []
    for line in lines:
        line.sort(key=lambda c: c["x0"])
        text = line[0]["text"]
        for prev, ch in zip(line, line[1:]):
            if ch["x0"] - prev["x1"] > (ch["x1"] - ch["x0"]) * 0.5:
                text += " "
            text += ch["text"]
        out.append(text)
    return "\n".join(out)


def _inside(word: dict, box: tuple) -> bool:
    x0, top, x1, bottom = box
    cx, cy = (word["x0"] + word["x1"]) / 2, (word["top"] + word["bottom"]) / 2
    return x0 <= cx <= x1 and top <= cy <= bottom


def _visual_lines(words: list[dict]) -> list[tuple[float, str]]:
    """Words → lines (by vertical position) → text; words far apart become separate cells."""
    rows: list[list[dict]] = []
    for w in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        for row in rows:
            if abs(row[0]["top"] - w["top"]) <= max(2.0, (w["bottom"] - w["top"]) * 0.4):
                row.append(w)
                break
        else:
            rows.append([w])
    out = []
    for row in rows:
        row.sort(key=lambda w: w["x0"])
        size = median([(w["bottom"] - w["top"]) for w in row]) or 10.0
        parts = [row[0]["text"]]
        for prev, w in zip(row, row[1:]):
            gap = w["x0"] - prev["x1"]
            parts.append(" | " if gap > size * 1.5 else " ")
            parts.append(w["text"])
        out.append((row[0]["top"], "".join(parts)))
    return out


def _to_pages(result: ReadResult, lines: list[_Line]) -> ReadResult:
    """Lines of the extracted text → page and line on that page."""
    where: dict[int, tuple[int, int]] = {}
    counts: dict[int, int] = {}
    for i, ln in enumerate(lines, 1):
        counts[ln.page] = counts.get(ln.page, 0) + 1
        where[i] = (ln.page, counts[ln.page])
    form = dict(result.form)
    prov = form.get("provenance")
    if isinstance(prov, dict):
        moved = {}
        for pointer, entry in prov.items():
            entry = dict(entry)
            line = entry.pop("line", None)
            entry.pop("column", None)
            if line in where:
                entry["page"], entry["line"] = where[line]
            moved[pointer] = entry
        form["provenance"] = moved
    unparsed = []
    for u in result.unparsed:
        if u.line in where:
            page, line = where[u.line]
            unparsed.append(Unparsed(line=line, text=f"第{page}页：{u.text}", reason=u.reason, pointer=u.pointer))
        else:
            unparsed.append(u)
    return ReadResult(form=form, unparsed=unparsed, reader=f"{NAME}+{result.reader}", positions={})
