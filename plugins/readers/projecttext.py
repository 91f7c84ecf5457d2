"""Text of a 项目支出绩效自评表 (财预〔2020〕10号 附1 and its provincial variants) as extracted from a web
page or PDF.

Three layouts of extracted text are read:

- **pipe**: cells separated by ``|`` (web tables), a row over one or more lines, empty cells often dropped;
- **spaced**: one line, cells separated by spaces;
- **dense**: whitespace between cells lost (``安装坡面水标尺10≥266米≥266米10``), OCR text included.

The text is cut into cells, and cells into labels (``年度资金总额``, ``三级指标``, ``产出指标(50分)``, …) and
values. The labels drive a small state machine (header → funds → goals → indicators → total → closing).
Values are placed by their column: the header's column labels give the order, each column has a type
(amount, rate, weight, comparator, unit, …), and a row's values are aligned to the columns in order. Where
cells ran together, every split that fits the types is enumerated; a split is used only when it is the one
that fits. What cannot be placed with confidence is reported as unparsed: a reader never invents a figure.
Traditional characters are converted to simplified (OpenCC); pinyin glosses are dropped; provenance points
at the text as printed.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Callable, Iterable

from formaudit.reading import ReadResult

from . import _text
from ._text import Builder, Line, key

NAME = "project-text"

# -- labels ---------------------------------------------------------------------------------------

_CMP = _text.COMPARATORS
_UNITS = ("%|‰|％|百分比|万元|千元|元/[\u4e00-\u9fff]+|元|万人次|人次|万人|人|户|个|次|万粒|粒|万亩|亩|平方米|立方米|"
          "千米|公里|厘米|米|吨|公斤|千克|件|项|天|小时|月|日|年|分|台|套|家|所|场|期|批|篇|份|株|头|只|座|处|条|辆|本|名|"
          "册|张|床|间|栋|km|m|kg|t")
_UNIT_RE = re.compile(rf"^(?:{_UNITS})$")
_NATURE_RE = re.compile(rf"^(?:[{_CMP}]|[{_CMP}]=|定性|定量|正向|反向)$")
_QUALITATIVE = ("达成预期指标|基本达成预期指标|部分达成预期指标|严格执行相关制度规定|符合相关规定|显著提升|明显提升|效果明显|效果显著|"
                "基本达到|基本完成|全部完成|按时完成|按期完成|优良中低差|逐步提高|有所提高|持续提升|长期|有效|显著|明显|达到|达标|"
                "合格|完成|及时|满意|较满意|提升|提高|改善|良好|优秀|是|否|优|良|中|差|高|低")
_GRADE_RE = re.compile(r"^(?:优秀?|良好?|中等?|差|合格|不合格)$")


@dataclass(frozen=True)
class _L:
    kind: str
    arg: Any = None


# (pattern on the label's key, label); longer alternatives first where they overlap
_LABELS: list[tuple[str, _L]] = [
    # header
    (r"项目名称", _L("field", "project")),
    (r"项目实施单位/项目负责人|实施单位/项目负责人", _L("field", "implementer/project_lead")),
    (r"自治区主管部门|省级主管部门|主管部门", _L("field", "department")),
    (r"项目实施单位|实施单位", _L("field", "implementer")),
    (r"项目负责人及电话|项目负责人", _L("field", "project_lead")),
    (r"专项实施期|项目实施期|实施期", _L("field", "implementation_period")),
    (r"市县财政部门", _L("field", "county_finance_department")),
    (r"市县主管部门", _L("field", "county_department")),
    (r"部门联系人|联系人", _L("field", "contact")),
    (r"联系电话", _L("field", "phone")),
    (r"项目总得分|自评总分(?:\(分\))?", _L("total_score")),
    # funds
    (r"(?:项目资金|资金情况|预算资金|预算执行情况)(?:\((万元|元)\))?", _L("funds")),
    (r"年初预算数", _L("fcol", "budget_initial")),
    (r"全年\(调整\)预算数|调整后预算数|全年预算数(?:\(A\))?", _L("fcol", "budget_full_year")),
    (r"全年执行数(?:\(B\))?", _L("fcol", "executed")),
    (r"执行率权重|权重", _L("fcol", "weight")),
    (r"执行率得分", _L("fcol", "score")),
    (r"预算执行率|执行率(?:\(B/A\))?", _L("fcol", "execution_rate")),
    (r"年度资金总额:?|年度总金额:?", _L("frow", "年度资金总额")),
    (r"(?:其中:?)?(当年财政拨款|本年财政拨款|财政拨款|中央补助|自治区补助|省级补助|市县资金|上年结转资金|其他资金)", _L("frow")),
    # goals
    (r"年度总体目标完成情况综述|全年目标实际完成情况|实际完成情况", _L("gcol", "achieved")),
    (r"全年\(调整\)绩效目标", _L("gcol", "adjusted")),
    (r"预期目标|年初设定目标|年初绩效目标", _L("gcol", "planned")),
    (r"年度总体目标", _L("goals")),
    # indicators
    (r"绩效指标", _L("indicators")),
    (r"一级指标|二级指标", _L("icol", None)),
    (r"三级指标|指标名称", _L("icol", "name")),
    (r"指标性质", _L("icol", "nature")),
    (r"年度指标值", _L("icol", "target_group")),
    (r"指标值", _L("icol", "target")),
    (r"度量单位|计量单位", _L("icol", "unit")),
    (r"实际完成值|全年实际值|全年完成值", _L("icol", "achieved")),
    (r"指标权重(?:\(分\))?", _L("icol", "weight")),
    (r"指标得分(?:\(分\))?", _L("icol", "score")),
    (r"偏差原因分析及改进措施|未完成原因及拟采取的改进措施|未完成原因及改进措施|未完成原因分析", _L("icol", "deviation_reason")),
    (r"(产出|效益|满意度)指标\((\d+(?:\.\d+)?)分\)", _L("level1")),
    (r"(数量|质量|时效|成本|经济效益|社会效益|生态效益|可持续影响)指标", _L("level2")),
    (r"服务对象满意度指标等?", _L("level2")),
    (r"(产出|效益|满意度)指标", _L("level1")),
    (r"总分|合计", _L("total")),
    # closing
    (r"评价结论", _L("close", "conclusion")),
    (r"存在问题", _L("close", "problems")),
    (r"改进措施", _L("close", "measures")),
    (r"其他需要说明(?:的)?事项", _L("close", "notes")),
    (r"注:", _L("close", "footnote")),
    (r"项目负责人:|财务负责人:|填报人:|填表人:|审核人:", _L("signature")),
]
# a label may also stand for the column header "分值" / "得分" / "说明", whose meaning depends on the section
_SECTION_WORDS: list[tuple[str, _L]] = [(r"分值", _L("either", "weight")), (r"得分", _L("either", "score")),
                                        (r"说明", _L("icol", "deviation_reason"))]
# dense text only: the level-2 label without 指标 before a numbered indicator, and the number itself
_DENSE_ONLY: list[tuple[str, _L]] = [
    (r"(数量|质量|时效|成本|经济效益|社会效益|生态效益|可持续影响)(?=指标\d)", _L("level2")),
    (r"指标(?:1[0-9](?=\D)|[1-9])[:：]?", _L("marker")),
]
_WHOLE_ONLY = [(r"部门名称|单位名称|部门", _L("field", "unit_department"))]
_INLINE = re.compile(r"^(部门|单位|部门名称|单位名称)[:：](.+)$")


def _compile(entries: list[tuple[str, _L]]) -> list[tuple[re.Pattern, _L]]:
    return [(re.compile(p), lab) for p, lab in entries]


_ALL = _compile(_LABELS + _SECTION_WORDS)
_WHOLE = _compile(_LABELS + _SECTION_WORDS + _WHOLE_ONLY)
_DENSE = _compile(_DENSE_ONLY)
_ANY_RE = re.compile("|".join(f"(?:{p})" for p, _ in _DENSE_ONLY + _LABELS + _SECTION_WORDS))


# -- text as cells ----------------------------------------------------------------------------------

@dataclass
class _Piece:
    text: str                       # normalised (simplified) text, whitespace inside CJK runs removed
    pos: list[tuple[int, int]]      # per character: (line, column) in the printed document
    label: _L | None = None
    key: str = ""
    line_start: bool = False        # first cell of its line (pipe layout)
    match: re.Match | None = None
    printed: str = ""               # the text as printed, when it differs (traditional characters)
    blank_after: tuple[int, int] | None = None  # pipe layout: the empty cell printed right after this one

    @property
    def line(self) -> int:
        return self.pos[0][0] if self.pos else 0

    @property
    def column(self) -> int:
        return self.pos[0][1] if self.pos else 0

    def sub(self, a: int, b: int) -> "_Piece":
        return _Piece(self.text[a:b], self.pos[a:b])


def _layout(lines: list[Line]) -> str:
    text = "\n".join(ln.text for ln in lines)
    if text.count("|") >= 5 and text.count("|") * 60 >= len(text):
        return "pipe"
    body = [ln.text.strip() for ln in lines if ln.text.strip()]
    spaces = sum(len(re.findall(r"\s+", s)) for s in body)
    chars = sum(len(s) for s in body)
    if chars and spaces * 25 >= chars:
        return "spaced"
    return "dense"


_GAP_INSIDE = re.compile(rf"(?<=[{_text.CJK}:：(（)）、,，])\s+(?=[{_text.CJK}(（)）])")


def _cells(lines: list[Line], layout: str) -> list[_Piece]:
    out: list[_Piece] = []
    for ln in lines:
        text = ln.text
        if layout == "pipe":
            bounds = [m.span() for m in re.finditer(r"[^|]+", text)]
        elif layout == "spaced":
            bounds = [m.span() for m in re.finditer(r"\S+", text)]
        else:
            bounds = [m.span() for m in re.finditer(r"\S(?:.*\S)?", text)]
        first = True
        for a, b in bounds:
            while a < b and text[a].isspace():
                a += 1
            while b > a and text[b - 1].isspace():
                b -= 1
            if a >= b:
                continue
            chars, pos = [], []
            segment = text[a:b]
            keep = [True] * len(segment)
            for m in _GAP_INSIDE.finditer(segment):
                for i in range(m.start(), m.end()):
                    keep[i] = False
            for i, ch in enumerate(segment):
                if keep[i]:
                    chars.append(ch)
                    pos.append((ln.number, ln.column(a + i)))
            piece = _Piece("".join(chars), pos, line_start=first)
            printed = ln.original(a, b)
            if printed != segment:
                piece.printed = printed
            if layout == "pipe":
                after = re.match(r"\|([^|]*)\|", text[b:].lstrip(" \t"))
                if after is not None and not after.group(1).strip():
                    start = b + (len(text[b:]) - len(text[b:].lstrip(" \t"))) + 1
                    piece.blank_after = (ln.number, ln.column(min(start, len(text) - 1)))
            out.append(piece)
            first = False
    return out


def _blank_next(placed: dict[str, _Piece], order: list[tuple[str, _Piece]], columns: list[str]) -> None:
    """Pipe layout: when a row's values fill its columns from the first one on and the cell printed after the
    last value is empty, the next column is printed blank (a 得分 left empty): record it as ``""``."""
    if not order:
        return
    idx = [columns.index(c) for c, _ in order]
    if idx != list(range(idx[0], idx[0] + len(idx))) or idx[0] != 0:
        return
    last_col, last_piece = order[-1]
    nxt = idx[-1] + 1
    if last_piece.blank_after is None or nxt >= len(columns) or columns[nxt] in placed:
        return
    placed[columns[nxt]] = _Piece("", [last_piece.blank_after])


def _split_labels(cells: list[_Piece], layout: str) -> list[_Piece]:
    """Cells → pieces: labels and the values between them."""
    out: list[_Piece] = []
    for cell in cells:
        if layout != "dense":
            k = key(cell.text)
            inline = _INLINE.match(cell.text)
            lab = _whole_label(k)
            if lab is not None:
                cell.label, cell.key = lab[0], k
                cell.match = lab[1]
                out.append(cell)
                continue
            if inline:
                head = cell.sub(0, inline.end(1) + 1)
                head.label, head.key, head.line_start = _L("field", "unit_department"), inline.group(1), cell.line_start
                out.extend([head, cell.sub(inline.start(2), len(cell.text))])
                continue
            # a cell that starts with a label and goes on with its value ("年度资金总额:", "项目负责人:张三")
            m = re.match(r"^(项目负责人|财务负责人|填报人|联系人|联系电话)[:：]", cell.text)
            if m:
                head = cell.sub(0, m.end())
                head.label, head.key, head.line_start = _L("signature"), m.group(1), cell.line_start
                out.append(head)
                rest = cell.sub(m.end(), len(cell.text))
                if rest.text.strip():
                    out.append(rest)
                continue
            out.append(cell)
            continue
        out.extend(_split_dense(cell))
    return out


def _whole_label(k: str) -> tuple[_L, re.Match] | None:
    k = k.rstrip(":")
    for pattern, lab in _WHOLE:
        m = pattern.fullmatch(k) or pattern.fullmatch(k + ":")
        if m:
            return lab, m
    return None


def _split_dense(cell: _Piece) -> list[_Piece]:
    out: list[_Piece] = []
    text = cell.text
    last = 0
    i = 0
    while i < len(text):
        found = None
        for pattern, lab in _DENSE:  # the dense-only forms win: "生态效益|指标1|病害…"
            m = pattern.match(text, i)
            if m and m.end() > i:
                found = (m, lab)
                break
        for pattern, lab in ([] if found else _ALL):
            m = pattern.match(text, i)
            if m and m.end() > i and (found is None or m.end() > found[0].end()):
                found = (m, lab)
        if found is None:
            i += 1
            continue
        m, lab = found
        if lab.kind == "either" and i > last and not _boundary_before(text, i):
            i += 1  # "分值"/"得分"/"说明" inside a value ("推进…测评分值" is rare; "得分" in names is not)
            continue
        if i > last:
            out.append(cell.sub(last, i))
        piece = cell.sub(i, m.end())
        piece.label, piece.key, piece.match = lab, key(m.group(0)), m
        out.append(piece)
        last = i = m.end()
        if lab.kind == "close" and lab.arg == "footnote":
            break  # template notes: the rest is their text, labels quoted in it included
        if lab.kind == "field" and lab.arg == "phone":
            ph = re.match(r"[:：]?[\d\-()（）]+", text[i:])
            if ph:
                out.append(cell.sub(i, i + ph.end()))
                last = i = i + ph.end()
    if last < len(text):
        out.append(cell.sub(last, len(text)))
    # ellipses mark elided rows: keep them apart from the values around them
    final: list[_Piece] = []
    for p in out:
        if p.label is None and ("……" in p.text or "…" in p.text):
            for m in re.finditer(r"…+|[^…]+", p.text):
                final.append(p.sub(m.start(), m.end()))
        else:
            final.append(p)
    return final


def _boundary_before(text: str, i: int) -> bool:
    prev = text[i - 1]
    return not ("\u4e00" <= prev <= "\u9fff") or text[max(0, i - 2):i] in ("指标", "情况", "分)")


# -- values and their types ---------------------------------------------------------------------------

_NUM = r"(?:0|[1-9]\d*)(?:\.\d+)?"
_AMOUNT_RE = re.compile(rf"^-?{_NUM}(?:万元|元)?$|^-?\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?$")
_RATE_RE = re.compile(rf"^{_NUM}\s*[%％‰]$|^(?:100|[1-9]?\d)$")
_SCORE_RE = re.compile(rf"^{_NUM}(?:分)?$")
_FIGURE_TARGET = rf"[{_CMP}]{{0,2}}{_NUM}(?:{_UNITS})?"
_DATE_TARGET = r"\d{1,2}月(?:底|前|中旬|上旬|下旬|末)?(?:前)?(?:完成)?"
_TARGET_RE = re.compile(rf"^(?:{_FIGURE_TARGET}|{_DATE_TARGET}|{_QUALITATIVE})$")


def _blank(text: str) -> bool:
    return text.strip() in _text.BLANKS


def _number(text: str) -> Decimal | None:
    m = re.match(rf"^\s*({_NUM})", text.replace(",", ""))
    if not m:
        return None
    try:
        return Decimal(m.group(1))
    except InvalidOperation:
        return None


def _is_num(text: str) -> bool:
    return bool(re.fullmatch(_NUM, text.strip()))


_FUNDS_TYPES: dict[str, Callable[[str], bool]] = {
    "budget_initial": lambda t: _blank(t) or bool(_AMOUNT_RE.match(t)),
    "budget_full_year": lambda t: _blank(t) or bool(_AMOUNT_RE.match(t)),
    "executed": lambda t: _blank(t) or bool(_AMOUNT_RE.match(t)),
    "weight": lambda t: _blank(t) or (bool(_SCORE_RE.match(t)) and (_number(t) or 0) <= 100),
    "execution_rate": lambda t: _blank(t) or bool(_RATE_RE.match(t)),
    "score": lambda t: _blank(t) or (bool(_SCORE_RE.match(t)) and (_number(t) or 0) <= 100),
}
_IND_TYPES: dict[str, Callable[[str], bool]] = {
    "nature": lambda t: bool(_NATURE_RE.match(t)),
    "target": lambda t: not _NATURE_RE.match(t),
    "unit": lambda t: bool(_UNIT_RE.match(t)),
    "achieved": lambda t: not _NATURE_RE.match(t),
    "weight": lambda t: _blank(t) or (bool(_SCORE_RE.match(t)) and (_number(t) or 0) <= 100),
    "score": lambda t: _blank(t) or (bool(_SCORE_RE.match(t)) and (_number(t) or 0) <= 100),
    "deviation_reason": lambda t: not _is_num(t),
}
_TOTAL_TYPES: dict[str, Callable[[str], bool]] = {
    "weight": lambda t: _blank(t) or (_is_num(t) and (_number(t) or 0) <= 1000),
    "score": lambda t: _blank(t) or (bool(_SCORE_RE.match(t)) and (_number(t) or 0) <= 1000),
    "grade": lambda t: bool(_GRADE_RE.match(t)),
}


def _alignments(values: list[str], columns: list[str], types: dict[str, Callable[[str], bool]]):
    """Every order-keeping placement of ``values`` in ``columns`` that fits the column types."""
    m, k = len(values), len(columns)
    if m > k:
        return
    for chosen in itertools.combinations(range(k), m):
        if all(types.get(columns[c], lambda t: True)(v) for v, c in zip(values, chosen)):
            yield chosen


# -- the reader ---------------------------------------------------------------------------------------

_MARKERS = ("项目支出绩效自评表", "绩效自评表", "绩效目标自评表", "年度资金总额", "三级指标", "年度指标值", "实际完成值",
            "产出指标", "效益指标", "满意度指标", "全年执行数", "偏差原因", "评价结论", "一级指标", "全年完成值", "指标权重",
            "执行率")


class ProjectTextReader:
    name = NAME

    def accepts(self, path: Path, head: bytes) -> bool:
        if path.suffix.lower() in _text.NOT_DOCUMENTS:
            return False
        text = _text.head_text(head)
        if not text:
            return False
        return self.accepts_text(text)

    @staticmethod
    def accepts_text(text: str) -> bool:
        k = key(_text.simplify(text[:30000]))
        return sum(1 for m in _MARKERS if m in k) >= 3

    def read(self, path: Path) -> ReadResult:
        return self.read_text(_text.read_document(path), _text.provenance_file(path))

    def read_text(self, text: str, file: str) -> ReadResult:
        lines, _ = _text.split_lines(text)
        parser = _ProjectParser(lines, file)
        parser.parse()
        return parser.b.result(NAME)


@dataclass
class _Row:
    """An indicator row being collected."""

    level1: str | None
    level1_weight: str | None
    level2: str | None
    level_pieces: dict[str, _Piece] = field(default_factory=dict)
    name: _Piece | None = None
    values: list[_Piece] = field(default_factory=list)


class _ProjectParser:
    def __init__(self, lines: list[Line], file: str):
        self.lines = lines
        self.b = Builder(file, "cn.project-self-eval")
        self.layout = _layout(lines)
        self.pieces = _split_labels(_cells(lines, self.layout), self.layout)
        self.section = "head"
        self.pending: str | None = None        # header field waiting for its value
        self.header: dict[str, _Piece] = {}
        self.funds_columns: list[str] = []
        self.funds_rows: list[tuple[_Piece, str, list[_Piece]]] = []
        self.current_funds: list[_Piece] | None = None
        self.goal_columns: list[str] = []
        self.goal_texts: list[_Piece] = []
        self.ind_columns: list[str] = []
        self.level1: str | None = None
        self.level1_weight: str | None = None
        self.level2: str | None = None
        self.level2_used = True
        self.row: _Row | None = None
        self.rows: list[tuple[_Row, dict[str, _Piece], list[_Piece]]] = []
        self.total_values: list[_Piece] = []
        self.total_label: _Piece | None = None
        self.closing: dict[str, list[_Piece]] = {}
        self.closing_field: str | None = None
        self.closing_labels: dict[str, _Piece] = {}
        self.level_pieces: dict[str, _Piece] = {}

    # -- walking the pieces -------------------------------------------------------------------------

    def parse(self) -> None:
        pieces = self.pieces
        for i, p in enumerate(pieces):
            if p.label is not None:
                self._label(p)
            else:
                self._value(p, pieces[i + 1:i + 8])
        self._finish_row(end=True)
        self._emit()

    def _label(self, p: _Piece) -> None:
        lab = p.label
        kind = lab.kind
        if kind == "either":
            kind = "icol" if self.section in ("indicators", "rows") else "fcol"
        if kind not in ("field",):
            self.pending = None
        if kind == "field":
            self.pending = lab.arg
            if self.section not in ("head",):
                self._finish_row()
                self.section = "head"
        elif kind == "total_score":
            self.pending = "total_score"
        elif kind == "funds":
            self.section = "funds"
            unit = p.match.group(1) if p.match and p.match.lastindex else None
            if unit:
                self._set_header("amount_unit", p.sub(len(p.text) - len(unit) - 1, len(p.text) - 1))
            else:
                self.pending = "amount_unit_paren"
        elif kind == "fcol":
            if self.section not in ("funds",):
                self.section = "funds"
            self.funds_columns.append(lab.arg)
            self.current_funds = None
        elif kind == "frow":
            self.section = "funds"
            source = lab.arg or (p.match.group(1) if p.match else p.text)
            self.current_funds = []
            self.funds_rows.append((p, source, self.current_funds))
        elif kind == "gcol":
            self.section = "goals"
            self.goal_columns.append(lab.arg)
        elif kind == "goals":
            self.section = "goals"
        elif kind == "indicators":
            self.section = "indicators"
        elif kind == "icol":
            self.section = "indicators"
            if lab.arg == "target_group" or lab.arg not in self.ind_columns:
                if lab.arg in ("nature", "target", "unit") and "target_group" in self.ind_columns:
                    i = self.ind_columns.index("target_group")
                    self.ind_columns[i:i + 1] = [lab.arg, "target_group"]
                elif lab.arg is not None:
                    self.ind_columns.append(lab.arg)
        elif kind == "level1":
            self._finish_row()
            name = p.match.group(1) + "指标" if p.match else p.text
            if (name == "满意度指标" and self.level1 == "满意度指标" and self.level2 is None
                    and not (p.match and p.match.lastindex and p.match.lastindex >= 2)):
                self._level2(p, "满意度指标")
            else:
                self._close_level2()
                self.level_pieces["level1"] = p
                self.level1 = name
                self.level1_weight = p.match.group(2) if p.match and p.match.lastindex and p.match.lastindex >= 2 else None
                self.level2 = None
                self.level_pieces.pop("level2", None)
                self.level2_used = True
            self.section = "rows"
        elif kind == "level2":
            self._finish_row()
            name = key(p.text)
            if p.match and p.match.group(0) and not name.endswith("指标") and not name.endswith("等"):
                name += "指标"
            self._level2(p, name)
            self.section = "rows"
        elif kind == "marker":
            self._finish_row()
            self.section = "rows"
            self.row = _Row(self.level1, self.level1_weight, self.level2, dict(self.level_pieces))
            self.level2_used = True
        elif kind == "total":
            self._finish_row()
            self._close_level2()
            self.section = "total"
            self.total_label = p
        elif kind == "close":
            self._finish_row()
            self._close_level2()
            self.section = "close"
            self.closing_field = lab.arg
            self.closing.setdefault(lab.arg, [])
            self.closing_labels.setdefault(lab.arg, p)
        elif kind == "signature":
            self._finish_row()
            self.section = "signature"

    def _level2(self, p: _Piece, name: str) -> None:
        self._close_level2()
        self.level_pieces["level2"] = p
        self.level2 = name
        self.level2_used = False

    def _close_level2(self) -> None:
        """A level-2 label with no indicator under it is kept as a row of its own (printed empty)."""
        if self.level2 is not None and not self.level2_used:
            self.rows.append((_Row(self.level1, self.level1_weight, self.level2, dict(self.level_pieces)), {}, []))
        self.level2_used = True

    # -- values -------------------------------------------------------------------------------------

    def _value(self, p: _Piece, ahead: list[_Piece]) -> None:
        if re.fullmatch(r"…+", p.text):
            self.b.skip(p.line, p.text, "省略号")
            return
        if self.pending == "amount_unit_paren":
            self.pending = None
            m = re.fullmatch(r"\((万元|元)\)", key(p.text))
            if m:
                self._set_header("amount_unit", p.sub(1, len(p.text) - 1))
                return
        if self.pending == "total_score":
            self.pending = None
            self.total_values_score = p
            return
        if self.pending:
            field_name, self.pending = self.pending, None
            self._set_header(field_name, p)
            return
        section = self.section
        if section == "head" and ahead and ahead[0].label is None and _NATURE_RE.match(ahead[0].text) \
                and not _is_num(p.text):
            # the tail of a table, no header visible: a row starts here (name, then 指标性质)
            self.section = section = "rows"
        if section == "head":
            self._head_text(p)
        elif section == "funds":
            if self.current_funds is None:
                self.b.skip(p.line, p.text, "资金表中无法对应到行的数值")
            else:
                self.current_funds.append(p)
        elif section == "goals":
            self.goal_texts.append(p)
        elif section in ("indicators", "rows"):
            self._row_value(p, ahead)
        elif section == "total":
            self.total_values.append(p)
        elif section == "close" and self.closing_field:
            self.closing[self.closing_field].append(p)
        else:
            self.b.skip(p.line, p.text)

    def _head_text(self, p: _Piece) -> None:
        text = p.text
        if "自评表" in text and "project" not in self.header:
            run = re.findall(r"(\d{4}年度)?([\u4e00-\u9fff]*自评表)", text)
            if run:
                year_part, title = run[-1]
                title = re.sub(r"^[年月日号]+", "", title)
                start = text.rfind((year_part or "") + title) if year_part else text.rfind(title)
                full = (year_part or "") + title
                if "title" in self.b.form:  # an earlier title was a page's or a cover's: the table's comes last
                    self.b.skip(self._title_line, self.b.form["title"], "标题（另有更靠后的标题）")
                    self.b.form.pop("year", None)
                self._title_line = p.line
                self.b.form["title"] = full
                self.b.where("/title", *p.pos[max(start, 0)])
                before, after = text[:max(start, 0)], text[max(start, 0) + len(full):]
                if before.strip(" :：附件"):
                    self.b.skip(p.line, before, "标题前的文字")
                y = re.search(r"(\d{4})年度", full)
                if y:
                    self._year(p, start + y.start(1))
                if after.strip():
                    self._head_text(p.sub(start + len(full), len(text)))
                return
        y = re.fullmatch(r"[(（]?(\d{4})年度?[)）]?", text.strip())
        if y:
            self._year(p, text.index(y.group(1)))
            return
        self.b.skip(p.line, p.printed or p.text)

    def _year(self, p: _Piece, index: int) -> None:
        if "year" not in self.b.form:
            self.b.form["year"] = int(p.text[index:index + 4])
            self.b.where("/year", *p.pos[index])

    def _set_header(self, name: str, p: _Piece) -> None:
        lead = len(p.text) - len(p.text.lstrip(":： "))
        if lead:
            p = p.sub(lead, len(p.text))
        value = p.text.strip()
        if name == "implementer/project_lead":
            if "/" in value:
                a, b = value.split("/", 1)
                self.header["implementer"] = p.sub(0, len(a))
                self.header["project_lead"] = p.sub(len(a) + 1, len(p.text))
            else:
                self.header["implementer"] = p
            return
        if name in self.header and name != "amount_unit":
            self.b.skip(p.line, p.text, f"{name} 重复")
            return
        self.header[name] = p

    # -- indicator rows in cells (pipe, spaced) ------------------------------------------------------

    def _row_value(self, p: _Piece, ahead: list[_Piece]) -> None:
        if self.layout == "dense":
            self._dense_rows(p)
            return
        row = self.row
        if row is None or row.name is None:
            if row is None:
                row = self.row = _Row(self.level1, self.level1_weight, self.level2, dict(self.level_pieces))
            if _is_num(p.text) or _NATURE_RE.match(p.text):
                self.b.skip(p.line, p.text, "指标行缺少指标名称")
                return
            row.name = p
            self.level2_used = True
            if not self.ind_columns:
                self.ind_columns = self._guess_columns(ahead)
            return
        numbers = sum(1 for v in row.values if _is_num(v.text))
        new_row = False
        if self.layout == "pipe" and p.line_start and numbers >= 2:
            new_row = True
        elif numbers >= 2 and not _is_num(p.text) and not _blank(p.text):
            upcoming = []
            for q in ahead:
                if q.label is not None:
                    break
                upcoming.append(q)
            if sum(1 for q in upcoming[:5] if _is_num(q.text)) >= 2:
                new_row = True
        if new_row:
            self._finish_row()
            self._row_value(p, ahead)
            return
        row.values.append(p)

    def _guess_columns(self, ahead: list[_Piece]) -> list[str]:
        """No header visible (a table's tail): the order is read from the first row's cells."""
        if ahead and _NATURE_RE.match(ahead[0].text):
            return ["nature", "target", "unit", "achieved", "weight", "score", "deviation_reason"]
        return ["target", "achieved", "weight", "score", "deviation_reason"]

    def _columns(self) -> list[str]:
        cols = [c for c in self.ind_columns if c not in ("name",)]
        cols = ["target" if c == "target_group" and "target" not in cols else c for c in cols]
        cols = [c for c in cols if c != "target_group"]
        return cols or ["target", "achieved", "weight", "score", "deviation_reason"]

    def _finish_row(self, end: bool = False) -> None:
        row, self.row = self.row, None
        if row is None or row.name is None:
            return
        values = list(row.values)
        columns = self._columns()
        if end and not values and self.section in ("rows", "indicators"):
            self.b.skip(row.name.line, row.name.text, "文本在此行中途截断，指标无数值")
            return
        placed, leftover = self._place_row(values, columns, row)
        self.rows.append((row, placed, leftover))

    def _place_row(self, values: list[_Piece], columns: list[str], row: _Row) -> tuple[dict[str, _Piece], list[_Piece]]:
        texts = [v.text for v in values]
        options = list(_alignments(texts, columns, _IND_TYPES))
        if not options:
            # more values than columns, or none fits: keep the longest prefix that fits
            for n in range(len(values) - 1, 0, -1):
                options = list(_alignments(texts[:n], columns, _IND_TYPES))
                if options:
                    return ({columns[c]: v for v, c in zip(values[:n], options[0])}, values[n:])
            return {}, values

        def fitness(chosen: tuple[int, ...]) -> tuple:
            placed = {columns[c]: texts[i] for i, c in enumerate(chosen)}
            score = 0
            w, s = _number(placed.get("weight", "")), _number(placed.get("score", ""))
            if w is not None and s is not None and s > w:
                score -= 5
            if "target" in placed and _NATURE_RE.match(placed["target"]):
                score -= 5
            return (score, tuple(-c for c in chosen))  # then the leftmost placement

        best = max(options, key=fitness)
        placed = {columns[c]: v for v, c in zip(values, best)}
        if self.layout == "pipe":
            _blank_next(placed, [(columns[c], v) for v, c in zip(values, best)], columns)
        return placed, []

    # -- indicator rows in dense text --------------------------------------------------------------

    def _dense_rows(self, p: _Piece) -> None:
        columns = self._columns()
        limit = _number(self.level1_weight or "") or Decimal(100)
        row0 = self.row
        self.row = None
        parses = _parse_dense(p.text, columns, limit, name_given=row0 is not None and row0.name is not None)
        level = (row0.level1, row0.level1_weight, row0.level2, row0.level_pieces) if row0 else \
            (self.level1, self.level1_weight, self.level2, dict(self.level_pieces))
        if parses is None:
            self._dense_fallback(p, columns, limit, level)
            return
        for spans in parses:
            row = _Row(*level[:3], dict(level[3]))
            placed: dict[str, _Piece] = {}
            for col, (a, b) in spans.items():
                if col == "name":
                    row.name = p.sub(a, b)
                else:
                    placed[col] = p.sub(a, b)
            if row.name is None:
                self.b.skip(p.line, p.text, "指标行缺少指标名称")
                continue
            self.rows.append((row, placed, []))
            self.level2_used = True

    def _dense_fallback(self, p: _Piece, columns: list[str], limit: Decimal, level: tuple) -> None:
        """No split fits: keep the name, and 分值/得分 when they open and close the row; the rest is unparsed."""
        text = p.text
        name_end = _name_end(text, 0, columns)
        if name_end is None or re.search(r"[%％‰]|\d{5,}", text[:name_end]):
            self.b.skip(p.line, text, "无法拆分的指标行")
            return
        row = _Row(*level[:3], dict(level[3]))
        row.name = p.sub(0, name_end)
        self.level2_used = True
        placed: dict[str, _Piece] = {}
        rest = text[name_end:]
        if columns and columns[0] == "weight" and "score" in columns:
            lead = re.match(r"\d+", rest)
            tail = re.search(r"(?<![\d.])\d+(?:\.\d+)?$", rest)
            if lead and tail and tail.start() > lead.end() - 1:
                for k in range(1, len(lead.group(0)) + 1):
                    w = Decimal(lead.group(0)[:k])
                    middle = rest[k:tail.start()]
                    if not middle or re.match(r"0\d", middle) or not 0 < w <= limit:
                        continue
                    sc = Decimal(tail.group(0))
                    if sc > w:
                        continue
                    placed["weight"] = p.sub(name_end, name_end + k)
                    placed["score"] = p.sub(name_end + tail.start(), name_end + tail.end())
                    self.b.skip(p.line, middle, "指标值与完成值无法确定地拆分", pointer=f"/indicators/{len(self.rows)}")
                    self.rows.append((row, placed, []))
                    return
        self.b.skip(p.line, rest, "指标数值无法确定地拆分", pointer=f"/indicators/{len(self.rows)}")
        self.rows.append((row, placed, []))

    # -- writing the form ---------------------------------------------------------------------------

    def _emit(self) -> None:
        form = self.b.form
        header = self.header
        if "department" not in header and "unit_department" in header:
            header["department"] = header.pop("unit_department")
        elif "unit_department" in header:
            header["reporting_unit"] = header.pop("unit_department")
        for name in ("project", "department", "implementer", "amount_unit", "project_lead", "implementation_period",
                     "county_finance_department", "county_department", "reporting_unit", "contact", "phone"):
            if name in header:
                p = header[name]
                value = p.text.strip()
                if name == "amount_unit":
                    value = value.strip("()（）")
                form[name] = value
                self._where(f"/{name}", p)
        self._emit_funds()
        self._emit_goals()
        self._emit_indicators()
        self._emit_total()
        for name, pieces in self.closing.items():
            text = "".join(x.text for x in pieces).strip()
            form[name] = text
            if pieces:
                self._where(f"/{name}", pieces[0])
            else:  # printed blank: the place of its label
                self._where(f"/{name}", self.closing_labels[name])
        # field order as in the transcriptions
        order = ["form_type", "title", "year", "project", "department", "implementer", "amount_unit", "funds", "goals",
                 "indicators", "total", "conclusion", "problems", "measures", "notes"]
        self.b.form = {k: form[k] for k in order if k in form} | {k: v for k, v in form.items() if k not in order}

    def _where(self, pointer: str, p: _Piece) -> None:
        line, column = p.pos[0] if p.pos else (None, None)
        extra = {"text": p.printed} if p.printed and p.printed != p.text else {}
        self.b.where(pointer, line, column, **extra)

    def _emit_funds(self) -> None:
        if not self.funds_rows:
            return
        columns = self.funds_columns or ["budget_initial", "budget_full_year", "executed", "weight", "execution_rate", "score"]
        funds: list[dict[str, Any]] = []
        total_filled: set[str] | None = None
        total_values: dict[str, Decimal] = {}
        for n, (label, source, values) in enumerate(self.funds_rows):
            row: dict[str, Any] = {"source": source}
            self._where(f"/funds/{n}/source", label)
            is_total = n == 0 and source == "年度资金总额"
            placed, leftover = self._place_funds(values, columns, is_total, total_filled, total_values)
            for col in columns:
                if col in placed:
                    row[col] = placed[col].text.strip()
                    self._where(f"/funds/{n}/{col}", placed[col])
            if leftover:
                text = " ".join(v.text for v in leftover)
                self.b.skip(leftover[0].line, text, "资金行中无法确定列的数值", pointer=f"/funds/{n}")
            if is_total:
                total_filled = {c for c, v in placed.items() if not _blank(v.text)}
                total_values = {c: _number(v.text) for c, v in placed.items() if _number(v.text) is not None}
            funds.append(row)
        self.b.form["funds"] = funds

    def _place_funds(self, values: list[_Piece], columns: list[str], is_total: bool, total_filled: set[str] | None,
                     total_values: dict[str, Decimal]) -> tuple[dict[str, _Piece], list[_Piece]]:
        if not values:
            return {}, []
        candidates: list[tuple[list[_Piece], tuple[int, ...]]] = []
        if self.layout == "dense":
            for split in _dense_splits(values, columns):
                for chosen in _alignments([v.text for v in split], columns, _FUNDS_TYPES):
                    candidates.append((split, chosen))
        else:
            for chosen in _alignments([v.text for v in values], columns, _FUNDS_TYPES):
                candidates.append((values, chosen))
        if not candidates:
            return {}, values

        def score(cand: tuple[list[_Piece], tuple[int, ...]]) -> float:
            split, chosen = cand
            placed = {columns[c]: v.text for v, c in zip(split, chosen)}
            s = 0.0
            rate = placed.get("execution_rate", "")
            b, e = _number(placed.get("budget_full_year", "") or ""), _number(placed.get("executed", "") or "")
            if rate and not _blank(rate) and b and e:
                r = _number(rate)
                digits = len(rate.split(".")[1].rstrip("%％ ")) if "." in rate else 0
                if r is not None and abs(e / b * 100 - r) <= Decimal(5) / Decimal(10) ** digits / 10 + Decimal("1e-9"):
                    s += 3  # the printed rate is the rate of the amounts so placed
                else:
                    s -= 3
            if not is_total:
                # 分值 and 得分 are printed on the total row only
                s -= 3 * sum(1 for c in ("weight", "score") if c in placed and not _blank(placed[c]))
                if total_filled is not None:
                    amounts = ("budget_initial", "budget_full_year", "executed")
                    filled = {c for c, v in placed.items() if not _blank(v) and c in amounts}
                    if filled == {c for c in total_filled if c in amounts}:
                        s += 1
                for c, v in placed.items():
                    x = _number(v)
                    if self.layout == "dense" and x is not None and c in total_values and c not in ("weight", "score", "execution_rate") and x > total_values[c]:
                        s -= 5
            w, sc = _number(placed.get("weight", "") or ""), _number(placed.get("score", "") or "")
            if w is not None and sc is not None and sc > w:
                s -= 5
            if self.layout == "dense":
                s -= 0.5 * len(split)  # run-together figures: split no more than needed
            return s

        scored = sorted(((score(c), c) for c in candidates), key=lambda t: -t[0])
        best_score = scored[0][0]
        best = [c for s, c in scored if s == best_score]
        numbers_of = lambda c: tuple((columns[i], v.text) for v, i in zip(c[0], c[1]) if not _blank(v.text))
        if len({numbers_of(c) for c in best}) > 1:
            return {}, values  # more than one placement fits equally: place nothing
        split, chosen = best[0]
        placed = {columns[c]: v for v, c in zip(split, chosen)}
        if self.layout == "pipe":
            _blank_next(placed, [(columns[c], v) for v, c in zip(split, chosen)], columns)
        # blanks whose column is not certain are not placed
        dash_sets = {tuple((columns[i]) for v, i in zip(c[0], c[1]) if _blank(v.text)) for c in best}
        leftover: list[_Piece] = []
        if len(dash_sets) > 1:
            for col in list(placed):
                if _blank(placed[col].text):
                    leftover.append(placed.pop(col))
        return placed, leftover

    def _emit_goals(self) -> None:
        texts = self.goal_texts
        if not texts:
            return
        cols = [c for c in self.goal_columns if c in ("planned", "achieved", "adjusted")] or ["planned", "achieved"]
        goals: dict[str, Any] = {}
        if len(texts) == 1 and len(cols) == 2 and self.layout == "dense":
            split = _repetition_split(texts[0].text)
            if split:
                texts = [texts[0].sub(0, split), texts[0].sub(split, len(texts[0].text))]
        if len(texts) > len(cols) or (self.goal_columns and len(texts) != len(cols)):
            for t in texts:
                self.b.skip(t.line, t.text, "年度目标文字无法对应到列", pointer="/goals")
            return
        for col, t in zip(cols, texts):
            goals[col] = t.text.strip()
            self._where(f"/goals/{col}", t)
        self.b.form["goals"] = goals

    def _emit_indicators(self) -> None:
        out: list[dict[str, Any]] = []
        for row, placed, leftover in self.rows:
            n = len(out)
            item: dict[str, Any] = {}
            for f in ("level1", "level1_weight", "level2"):
                value = getattr(row, f)
                if value:
                    item[f] = value
                    piece = row.level_pieces.get(f.replace("_weight", ""))
                    if piece is not None:
                        self._where(f"/indicators/{n}/{f}", piece)
            if row.name is not None:
                item["name"] = row.name.text.strip()
                self._where(f"/indicators/{n}/name", row.name)
            for col in ("nature", "target", "unit", "achieved", "weight", "score", "deviation_reason"):
                if col in placed:
                    item[col] = placed[col].text.strip()
                    self._where(f"/indicators/{n}/{col}", placed[col])
            for v in leftover:
                self.b.skip(v.line, v.text, "指标行中多出的单元格", pointer=f"/indicators/{n}")
            out.append(item)
        if out:
            self.b.form["indicators"] = out

    def _emit_total(self) -> None:
        total: dict[str, Any] = {}
        values = self.total_values
        if values:
            cols = ["weight", "score", "grade"]
            if self.layout == "dense" and len(values) == 1:
                splits = [s for s in _dense_splits(values, cols)]
                found = []
                for split in splits:
                    for chosen in _alignments([v.text for v in split], cols, _TOTAL_TYPES):
                        placed = {cols[c]: v for v, c in zip(split, chosen)}
                        w, s = _number(placed.get("weight", _Piece("", [])).text), _number(placed.get("score", _Piece("", [])).text)
                        if w is not None and (w > 100 or (s is not None and s > w)):
                            continue
                        found.append(placed)
                if len(found) == 1:
                    for c, v in found[0].items():
                        total[c] = v.text
                        self._where(f"/total/{c}", v)
                else:
                    self.b.skip(values[0].line, values[0].text, "总分数值无法确定地拆分", pointer="/total")
            else:
                options = list(_alignments([v.text for v in values], cols, _TOTAL_TYPES))
                if options:
                    for v, c in zip(values, options[0]):
                        total[cols[c]] = v.text.strip()
                        self._where(f"/total/{cols[c]}", v)
                else:
                    for v in values:
                        self.b.skip(v.line, v.text, "总分行中无法确定列的数值", pointer="/total")
        score = getattr(self, "total_values_score", None)
        if score is not None and "score" not in total:
            total["score"] = score.text.strip()
            self._where("/total/score", score)
        if total:
            self.b.form["total"] = total


# -- dense splitting ------------------------------------------------------------------------------------

_DATE_BEFORE = set("年月日第约近共前至")


def _name_end(text: str, start: int, columns: list[str] | None = None) -> int | None:
    """Where an indicator's name ends in run-together text: before the first figure (or, when the table puts
    度量单位 or 指标性质 first, the first unit or comparator) that follows at least two CJK characters and is
    not part of a date."""
    first = (columns or ["weight"])[0]
    han = 0
    for i in range(start, len(text)):
        ch = text[i]
        if "\u4e00" <= ch <= "\u9fff":
            han += 1
        if han < 2 or i == start:
            continue
        prev = text[i - 1]
        if not ("\u4e00" <= prev <= "\u9fff" or prev in ")）”"):
            continue
        if first == "unit" and _UNIT_START_RE.match(text, i) and not ("\u4e00" <= ch <= "\u9fff" and han < 3):
            if ch in "%％‰":
                return i
        if (ch.isdigit() or ch in _CMP) and prev not in _DATE_BEFORE:
            return i
    return None


_DENSE_PATTERNS: dict[str, re.Pattern] = {
    "weight": re.compile(_NUM),
    "score": re.compile(_NUM),
    "target": re.compile(rf"{_FIGURE_TARGET}|{_DATE_TARGET}|{_QUALITATIVE}"),
    "achieved": re.compile(rf"{_FIGURE_TARGET}|{_DATE_TARGET}|{_QUALITATIVE}"),
    "nature": re.compile(rf"[{_CMP}]|定性|定量"),
    "unit": re.compile(_UNITS),
}


def _prefixes(pattern: re.Pattern, text: str, pos: int) -> list[int]:
    """Every end position of a match of ``pattern`` starting at ``pos`` (all lengths, not only the greedy one)."""
    ends = set()
    for end in range(pos + 1, min(len(text), pos + 40) + 1):
        if pattern.fullmatch(text, pos, end):
            ends.add(end)
    return sorted(ends)


def _parse_dense(text: str, columns: list[str], limit: Decimal, name_given: bool = False) -> list[dict[str, tuple[int, int]]] | None:
    """All rows in a run of dense text, when exactly one split fits; else None."""
    required = {"weight", "score", "target", "achieved"} & set(columns)
    results: list[list[dict[str, tuple[int, int]]]] = []

    def rows_from(pos: int, first: bool, acc: list) -> None:
        if len(results) > 20:
            return
        if pos == len(text):
            results.append(list(acc))
            return
        if not first and (text[pos].isdigit() or text[pos] in _CMP):
            return  # a name after a figure never starts with a figure
        end = _name_end(text, pos, columns)
        if end is None:
            return
        name = text[pos:end]
        if re.search(r"[%％‰]|\d{5,}", name):
            return  # figures run into a name: the split is elsewhere
        row_from(end, 0, {"name": (pos, end)}, acc)

    def row_from(pos: int, ci: int, row: dict, acc: list) -> None:
        if len(results) > 20:
            return
        if ci == len(columns):
            if not required <= set(row):
                return
            w = Decimal(text[slice(*row["weight"])]) if "weight" in row else None
            s = Decimal(text[slice(*row["score"])]) if "score" in row else None
            if w is not None and not (0 < w <= limit):
                return
            if w is not None and s is not None and s > w:
                return
            rows_from(pos, False, acc + [row])
            return
        col = columns[ci]
        if col == "deviation_reason":
            # a reason is free text: it is read as one only when what follows is not another row
            before = len(results)
            row_from(pos, ci + 1, row, acc)
            rest = text[pos:]
            if len(results) == before and _REASON_RE.match(rest):
                row_from(len(text), ci + 1, row | {col: (pos, len(text))}, acc)
            return
        pattern = _DENSE_PATTERNS.get(col)
        if pattern is None:
            row_from(pos, ci + 1, row, acc)
            return
        for end in _prefixes(pattern, text, pos):
            row_from(end, ci + 1, row | {col: (pos, end)}, acc)
        if col not in required:
            row_from(pos, ci + 1, row, acc)

    rows_from(0, True, [])
    if not results or len(results) > 20:
        return None

    def oddness(rows: list[dict[str, tuple[int, int]]]) -> int:
        """Figures inside names, and names that start with a unit, mark a split in the wrong place."""
        n = 0
        for row in rows:
            name = text[slice(*row["name"])]
            n += len(re.findall(r"\d+", name[:-1] if name else name))
            if _UNIT_START_RE.match(name):
                n += 2
        return n

    ranked = sorted(results, key=oddness)
    if len(ranked) > 1 and oddness(ranked[0]) == oddness(ranked[1]):
        return None
    return ranked[0]


_NUM_START = re.compile(r"^\d")
_UNIT_START_RE = re.compile(rf"^(?:{_UNITS})")
_REASON_RE = re.compile(r"^[\u4e00-\u9fff](?:.*[\u4e00-\u9fff]){3}.*[^\d%％]$")


def _dense_splits(values: list[_Piece], columns: list[str]) -> Iterable[list[_Piece]]:
    """Run-together funds or total figures split every way that yields figures ("202010100.00%10")."""
    token = re.compile(rf"(?:{_NUM})(?:%|万元|元)?|—|-")

    def split_one(p: _Piece) -> list[list[_Piece]]:
        text = p.text
        out: list[list[_Piece]] = []

        def go(pos: int, acc: list[_Piece]) -> None:
            if len(out) > 200:
                return
            if pos == len(text):
                out.append(list(acc))
                return
            for end in _prefixes(token, text, pos):
                go(end, acc + [p.sub(pos, end)])

        go(0, [])
        return out

    per_value = [split_one(v) for v in values]
    for combo in itertools.product(*per_value):
        flat = [x for part in combo for x in part]
        if len(flat) <= len(columns):
            yield flat


def _repetition_split(text: str) -> int | None:
    """Two cells run together where the second repeats part of the first: split before the repeated part."""
    best = None
    for k in range(len(text) // 3, len(text) - 7):
        tail = text[k:]
        if len(tail) >= 8 and tail in text[:k]:
            best = k
            break
    return best
