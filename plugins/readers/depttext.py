"""Text of a 部门整体支出绩效自评表 in the Guangzhou 荔湾区 layout (the seed's), as extracted from a PDF.

The extraction prints each table cell as a block of lines wrapped at the cell's width, cells in reading
order: a task's 年初预期目标 and 目标完成情况, then per indicator 关键指标, 计算公式或指标内容, 预期实现值,
指标完成情况, with 任务涉及资金 after the first indicator. Neighbouring cells may share a line
(``资源链接数量 50万元``, ``2286环境整治日常巡查次数``).

Cells are recovered by where lines wrap: a line that ends a cell early leaves room for the next line's
first word; a wrapped line does not. Each column has its own width (estimated from the document, then
re-estimated from the first segmentation); the segmentation of each task is the one that satisfies
every width and content constraint at the least cost (a small dynamic programme). What fits nowhere is
reported as unparsed, never guessed.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from formaudit.reading import ReadResult

from . import _text
from ._text import Builder, Line, display_width, key

NAME = "dept-text"

_FUNDS_COLUMNS = [
    ("年初预算数", "budget_initial"),
    ("预算调整数", "budget_adjustment"),
    ("实际支出数", "actual"),
    ("预算完成率", "completion_rate"),
    ("预算调整率", "adjustment_rate"),
]
_FIGURE = r"-?\d+(?:,\d{3})*(?:\.\d+)?%?|—|-"
_TASK_RE = re.compile(r"^任务\s*(\d+)\s*$")
_TASK_HEADER_WORDS = ("主要任务", "年初预期目标", "关键指标")
_TASK_HEADER_FRAGMENTS = {"指标完成", "情况", "任务涉及", "资金", "指标完成情况", "任务涉及资金"}
_TARGET_WORDS = re.compile(r"\d|以上|以下|以内|良好|合格|优秀|达标|完成|有效|满意|称职|是|否|明显|提升|提高|降低|减少|不低于|不高于|不超过")
_UNIT_START = "次个人户万元亩米%年月日分项件台套篇场批天小时期"
_STRICT_TARGET = re.compile(rf"^[{_text.COMPARATORS}]?\d+(?:\.\d+)?(?:%|万元|元|次|个|人次|人|户|分以上|分)$")
_FUNDS_PREFIX = re.compile(r"^(\d{2,}(?:\.\d+)?)(?=[\u4e00-\u9fff])")
_OPEN = "（(“‘《【[「『"
_CLOSE = "）)”’》】]」』、，。；：！？,.;:!?"


class DeptTextReader:
    name = NAME

    def accepts(self, path: Path, head: bytes) -> bool:
        if path.suffix.lower() in _text.NOT_DOCUMENTS:
            return False
        text = _text.head_text(head)
        if not text:
            return False
        k = key(_text.simplify(text[:20000]))
        return "部门整体支出" in k and "资金来源" in k and ("关键指标" in k or "主要任务" in k)

    def read(self, path: Path) -> ReadResult:
        return self.read_text(_text.read_document(path), _text.provenance_file(path))

    def read_text(self, text: str, file: str) -> ReadResult:
        lines, _ = _text.split_lines(text)
        return _DeptParser(lines, file).parse().result(NAME)


@dataclass
class _Unit:
    """One line of a cell (or the part of a line that belongs to one cell)."""

    line: Line
    start: int          # index into line.text
    text: str
    must_end: bool = False    # the next unit starts another cell (the line was split here)
    starts: bool = False      # this unit starts a cell

    @property
    def width(self) -> int:
        return display_width(self.text)

    def first_unit_width(self) -> int:
        """Width of what would have had to fit on the previous line for this one not to wrap."""
        s = self.text.strip()
        if not s:
            return 0
        m = re.match(r"[A-Za-z0-9.*%+\-/=<>≥≤]+", s)
        if m:
            return display_width(m.group(0))
        i = 1
        if s[0] in _OPEN and len(s) > 1:  # an opening bracket does not end a line
            i = 2
        while i < len(s) and s[i] in _CLOSE:  # nor does a closing one start a line
            i += 1
        return display_width(s[:i])


# cell kinds in a task: P planned, A achieved, N indicator name, F formula, T target, I indicator result,
# X task funds
_CYCLE = {"N": "F", "F": "T", "T": "I", "I": "N"}
_INF = float("inf")


class _DeptParser:
    def __init__(self, lines: list[Line], file: str):
        self.lines = lines
        self.b = Builder(file, "cn.dept-overall-self-eval")

    # -- sections -----------------------------------------------------------------------------

    def parse(self) -> Builder:
        lines = [ln for ln in self.lines if ln.text.strip()]
        i = self._header(lines)
        i = self._funds(lines, i)
        i = self._goals(lines, i)
        i = self._tasks(lines, i)
        self._closing(lines, i)
        return self.b

    def _header(self, lines: list[Line]) -> int:
        form = self.b.form
        i = 0
        while i < len(lines):
            ln = lines[i]
            t = ln.text.strip()
            k = key(t)
            if "资金来源" in k or k.startswith("部门资金"):
                return i
            if "title" not in form and "自评表" in k:
                form["title"] = t
                self.b.where("/title", ln.number, ln.column(ln.text.index(t[0])))
            elif m := re.fullmatch(r"[(（]?(\d{4})年度?[)）]?", k):
                form["year"] = int(m.group(1))
                self.b.where("/year", ln.number, ln.column(ln.text.index(m.group(1))))
            elif k.startswith("部门名称") or k.startswith("单位名称"):
                self._department_line(ln)
            else:
                self.b.skip(ln.number, ln.orig)
            i += 1
        return i

    def _department_line(self, ln: Line) -> None:
        text = ln.text
        m = re.match(r"\s*(?:部门|单位)名称\s*[:：]?\s*(.*?)\s*(?:[(（](?:部门|单位)[)）])?\s*(?:单位\s*[:：]\s*(\S+))?\s*$", text)
        if not m:
            self.b.skip(ln.number, ln.orig)
            return
        if m.group(1):
            self.b.form["department"] = m.group(1)
            self.b.where("/department", ln.number, ln.column(m.start(1)))
        if m.group(2):
            self.b.form["amount_unit"] = m.group(2)
            self.b.where("/amount_unit", ln.number, ln.column(m.start(2)))

    def _funds(self, lines: list[Line], i: int) -> int:
        columns: list[str] = []
        funds: list[dict[str, Any]] = []
        while i < len(lines):
            ln = lines[i]
            t = ln.text.strip()
            k = key(t)
            if k.startswith("年度目标") or "预期目标" in k:
                break
            if k in ("部门资金", "情况", "部门资金情况"):
                i += 1
                continue
            if "资金来源" in k:
                found = [(k.index(label), field) for label, field in _FUNDS_COLUMNS if label in k]
                columns = [field for _, field in sorted(found)]  # in the order the header prints them
                i += 1
                continue
            m = re.match(rf"^\s*(\S+?)\s+((?:(?:{_FIGURE})\s*)+)$", ln.text)
            if m and columns and not re.match(r"^[\d.%\-—]+$", m.group(1)):
                values = [(v.group(0), v.start()) for v in re.finditer(rf"(?:{_FIGURE})(?=\s|$)", ln.text[m.start(2):])]
                if len(values) != len(columns):
                    self.b.skip(ln.number, ln.orig, f"资金行有 {len(values)} 个数，表头有 {len(columns)} 列")
                else:
                    n = len(funds)
                    row: dict[str, Any] = {"source": m.group(1)}
                    self.b.where(f"/funds/{n}/source", ln.number, ln.column(m.start(1)))
                    for field, (value, offset) in zip(columns, values):
                        row[field] = value
                        self.b.where(f"/funds/{n}/{field}", ln.number, ln.column(m.start(2) + offset))
                    funds.append(row)
            else:
                self.b.skip(ln.number, ln.orig)
            i += 1
        if funds:
            self.b.form["funds"] = funds
        return i

    def _goals(self, lines: list[Line], i: int) -> int:
        body: list[Line] = []
        while i < len(lines):
            k = key(lines[i].text)
            if any(w in k for w in _TASK_HEADER_WORDS) and "主要任务" in k:
                break
            if k.startswith("年度目标") or ("预期目标" in k and "完成情况" in k):
                i += 1
                continue
            body.append(lines[i])
            i += 1
        if not body:
            return i
        units = [_Unit(ln, len(ln.text) - len(ln.text.lstrip()), ln.text) for ln in body]
        split = _two_cells(units)
        goals: dict[str, Any] = {}
        for field, part in (("planned", units[:split]), ("achieved", units[split:])):
            if part:
                goals[field] = _text.join_cell(u.text for u in part)
                self.b.where(f"/goals/{field}", part[0].line.number, part[0].line.column(part[0].start))
        self.b.form["goals"] = goals
        return i

    def _tasks(self, lines: list[Line], i: int) -> int:
        # the header and its wrapped fragments
        if i < len(lines) and "主要任务" in key(lines[i].text):
            i += 1
        while i < len(lines) and key(lines[i].text) in _TASK_HEADER_FRAGMENTS:
            i += 1
        blocks: list[tuple[Line, list[Line]]] = []
        while i < len(lines):
            ln = lines[i]
            k = key(ln.text)
            if k.startswith("存在问题") or k.startswith("改进措施"):
                break
            if _TASK_RE.match(ln.text.strip()):
                blocks.append((ln, []))
            elif blocks:
                blocks[-1][1].append(ln)
            else:
                self.b.skip(ln.number, ln.orig)
            i += 1
        if not blocks:
            return i
        prepared = [(head, _units(body)) for head, body in blocks]
        widths = _initial_widths([u for _, us in prepared for u in us])
        # two passes: segment with tolerant widths, re-estimate each column's width from the cells found
        segments = [_segment(us, widths, tolerance=2) for _, us in prepared]
        refined = _refine_widths(widths, prepared, segments)
        final = []
        for (_, us), first in zip(prepared, segments):
            again = _segment(us, refined, tolerance=2)
            final.append(again if again is not None else first)
        tasks = []
        for t, ((head, units), cells) in enumerate(zip(prepared, final)):
            tasks.append(self._task(t, head, units, cells))
        self.b.form["tasks"] = tasks
        return i

    def _task(self, t: int, head: Line, units: list[_Unit], cells: list[tuple[str, int, int]] | None) -> dict[str, Any]:
        base = f"/tasks/{t}"
        task: dict[str, Any] = {"name": head.text.strip()}
        self.b.where(f"{base}/name", head.number, head.column(len(head.text) - len(head.text.lstrip())))
        if cells is None:
            for u in units:
                self.b.skip(u.line.number, u.text, "任务内容无法按单元格拆分", pointer=base)
            return task
        indicators: list[dict[str, Any]] = []
        fields = {"P": "planned", "A": "achieved"}
        ind_fields = {"N": "name", "F": "formula", "T": "target", "I": "achieved"}
        for kind, a, b in cells:
            part = units[a:b]
            value = _text.join_cell(u.text for u in part)
            first = part[0]
            line, column = first.line.number, first.line.column(first.start + len(first.text) - len(first.text.lstrip()))
            if kind in fields:
                task[fields[kind]] = value
                self.b.where(f"{base}/{fields[kind]}", line, column)
            elif kind == "X":
                task["funds"] = value
                self.b.where(f"{base}/funds", line, column)
            else:
                if kind == "N":
                    indicators.append({})
                n = len(indicators) - 1
                indicators[n][ind_fields[kind]] = value
                self.b.where(f"{base}/indicators/{n}/{ind_fields[kind]}", line, column)
        # keep the transcription's field order: name, planned, achieved, funds, indicators
        ordered = {k: task[k] for k in ("name", "planned", "achieved", "funds") if k in task}
        if indicators:
            ordered["indicators"] = indicators
        return ordered

    def _closing(self, lines: list[Line], i: int) -> None:
        current: str | None = None
        parts: dict[str, list[Line]] = {}
        while i < len(lines):
            ln = lines[i]
            k = key(ln.text)
            if k in ("存在问题", "改进措施", "存在问题:", "改进措施:"):
                current = "problems" if k.startswith("存在问题") else "measures"
                parts.setdefault(current, [])
            elif current:
                parts[current].append(ln)
            else:
                self.b.skip(ln.number, ln.orig)
            i += 1
        for field, body in parts.items():
            self.b.form[field] = _text.join_cell(ln.text for ln in body)
            if body:
                self.b.where(f"/{field}", body[0].number, body[0].column(0))


# -- segmentation -----------------------------------------------------------------------------------

def _units(lines: list[Line]) -> list[_Unit]:
    """A task's lines as units; a line holding two cells is split in two."""
    units: list[_Unit] = []
    for ln in lines:
        text = ln.text.rstrip()
        lead = len(text) - len(text.lstrip())
        body = text.strip()
        m = _FUNDS_PREFIX.match(body)
        if m and body[m.end()] not in _UNIT_START:
            units.append(_Unit(ln, lead, m.group(1), must_end=True, starts=True))
            units.append(_Unit(ln, lead + m.end(), body[m.end():], starts=True))
            continue
        sp = body.rfind(" ")
        if sp > 0 and _STRICT_TARGET.match(body[sp + 1:]) and _text.CJK_RE.search(body[:sp]):
            units.append(_Unit(ln, lead, body[:sp], must_end=True))
            units.append(_Unit(ln, lead + sp + 1, body[sp + 1:], starts=True))
            continue
        units.append(_Unit(ln, lead, ln.text[lead:]))  # trailing spaces are kept, as printed
    return units


def _mode(values: list[int], default: int) -> int:
    if not values:
        return default
    counts = Counter(values)
    return max(counts, key=lambda v: (counts[v], v))


def _initial_widths(units: list[_Unit]) -> dict[str, int]:
    widths = [u.width for u in units if not re.fullmatch(r"[\d.%]+", u.text.strip())]
    wide = [w for w in widths if w >= 24]
    p = _mode(wide, 30)
    i = _mode([w for w in widths if w <= 10], 8)
    a = _mode([w for w in widths if i + 3 <= w <= p - 5], 16)
    middle = [w for w in widths if a + 2 <= w <= p - 5]
    # the name column is the widest of the middle band; the formula column holds most of its lines
    n = max(middle) if middle else 22
    f = min(n, _mode(middle, n - 2) + 1)
    return {"P": p + 1, "A": a + 1, "N": n, "F": f, "T": (i + n) // 2 - 2, "I": i, "X": 12}


def _refine_widths(widths: dict[str, int], prepared: list, segments: list) -> dict[str, int]:
    seen: dict[str, list[int]] = {}
    for (_, units), cells in zip(prepared, segments):
        if cells is None:
            continue
        for kind, a, b in cells:
            seen.setdefault(kind, []).extend(u.width for u in units[a:b])
    refined = dict(widths)
    for kind, ws in seen.items():
        if ws and kind != "X":
            refined[kind] = max(ws)
    return refined


def _wraps(prev: _Unit, nxt: _Unit, width: int, tolerance: int) -> bool:
    """Whether ``nxt`` can be the continuation of ``prev`` in a cell ``width`` wide."""
    if prev.must_end or nxt.starts:
        return False
    return prev.width + nxt.first_unit_width() > width - tolerance


def _cell_cost(units: list[_Unit], a: int, b: int, kind: str, widths: dict[str, int], tolerance: int) -> float:
    width = widths[kind]
    part = units[a:b]
    text = "".join(u.text for u in part).strip()
    if not text:
        return _INF
    for u in part:
        if u.width > width + 1:
            return _INF
    for j in range(len(part) - 1):
        if not _wraps(part[j], part[j + 1], width, tolerance):
            return _INF
    cost = 0.0
    if kind == "X":
        return 0.0 if b - a == 1 and re.fullmatch(r"\d+(?:\.\d+)?", text) else _INF
    if kind == "T":
        if not _TARGET_WORDS.search(text) or re.search(r"[=*]", text):
            return _INF
        if re.search(f".[{_text.COMPARATORS}]", text):  # a comparator only leads a target
            return _INF
    if kind == "N":
        if re.fullmatch(r"[\d.%*]+", text):
            return _INF
        if re.search(r"[=/*]", text):
            cost += 5  # a formula's marks
        if len(text) < 2 or re.search(rf"\d[{_UNIT_START}]*$", text):
            cost += 2  # one character, or ending in a figure: the tail of a wrapped result
    if kind == "T" and b - a > 1 and _STRICT_TARGET.match(part[-1].text.strip()):
        cost += 1  # a complete target on its own line: the lines before it belong to the formula
    if part[0].text.strip()[:1] in _CLOSE + _OPEN:
        cost += 1  # a cell rarely starts with a bracket or a closing mark; a wrapped line often does
    for j in range(len(part) - 1):
        if part[j].width + part[j + 1].first_unit_width() <= width:
            cost += 0.5  # a wrap that only the tolerance allows
    if b < len(units) and not units[b - 1].must_end and units[b - 1].width > width - 2:
        cost += 1  # the cell ends on a full line: the next line would rather be its continuation
    return cost


def _segment(units: list[_Unit], widths: dict[str, int], tolerance: int) -> list[tuple[str, int, int]] | None:
    """The cheapest split of a task's units into P A (N F T I)+ with one optional X after an I."""
    n = len(units)
    best: dict[tuple[int, str, bool], tuple[float, list]] = {}

    def solve(i: int, kind: str, funds_seen: bool) -> tuple[float, list]:
        state = (i, kind, funds_seen)
        if state in best:
            return best[state]
        best[state] = (_INF, [])  # guards against cycles (none expected)
        result: tuple[float, list] = (_INF, [])
        if i == n:
            result = (0.0, []) if kind == "N" else (_INF, [])
            best[state] = result
            return result
        if kind == "N" and not funds_seen and i > 0:
            # the task's funds, printed after an indicator's result
            c = _cell_cost(units, i, i + 1, "X", widths, tolerance)
            if c < _INF:
                rest = solve(i + 1, "N", True)
                if c + rest[0] < result[0]:
                    result = (c + rest[0], [("X", i, i + 1)] + rest[1])
        for j in range(i + 1, min(n, i + 40) + 1):
            if units[j - 1].width > widths[kind] + 1:
                break
            c = _cell_cost(units, i, j, kind, widths, tolerance)
            if c < _INF:
                nxt = {"P": "A", "A": "N"}.get(kind) or _CYCLE[kind]
                rest = solve(j, nxt, funds_seen)
                if c + rest[0] < result[0]:
                    result = (c + rest[0], [(kind, i, j)] + rest[1])
            # a cell is contiguous: once the next line cannot continue it, no longer cell exists
            if j < n and not _wraps(units[j - 1], units[j], widths[kind], tolerance):
                break
        best[state] = result
        return result

    cost, cells = solve(0, "P", False)
    if cost == _INF:
        return None
    return cells


def _two_cells(units: list[_Unit]) -> int:
    """Where two side-by-side cells (年度目标: expected, achieved) printed one after the other split."""
    n = len(units)
    if n < 2:
        return n
    best, best_cost = n, _INF
    for k in range(1, n):
        cost = 0.0
        for part in (units[:k], units[k:]):
            width = max(u.width for u in part)
            for j in range(len(part) - 1):
                if part[j].width + part[j + 1].first_unit_width() <= width - 1:
                    cost += 1
        w1 = max(u.width for u in units[:k])
        if units[k - 1].width + units[k].first_unit_width() > w1:
            cost += 1  # the first cell's last line is full: it would have continued
        if cost < best_cost:
            best, best_cost = k, cost
    return best
