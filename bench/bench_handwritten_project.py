"""The baseline for the project pack: the checks of cn.project-self-eval written by hand, as plain Python
with Decimal.

The companion of bench_handwritten.py (the department pack), and what a programmer would write without a
rule engine: every enabled rule of rulepacks/cn.project-self-eval/pack.yaml with the same reading of printed
figures (an interval half a unit of the last printed digit wide, amounts in 万元 and 亿元 scaled to 元,
docs/numbers.md), the same three-valued comparisons (TRUE, MAYBE, FALSE; ``exact()`` in the pack: the printed
value itself), Kleene logic for ``when`` and ``check``, and the same outcome per rule and item. Whether an
indicator reaches its target is read by the targets library, which a hand-written checker would call just
the same (it is domain parsing, not rule logic). It computes verdicts only — no messages, no evidence.
``verdicts(form)`` returns the same structure as ``engine_verdicts(result)`` in run.py, and the benchmark
asserts they are equal.

The form is assumed to pass the project schema (run.py asserts it of every generated form): figure columns
hold printed figures or blanks, never other text.
"""

from __future__ import annotations

import re
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, Context, Decimal
from typing import Any

from formaudit.errors import NotEvaluable
from formaudit.figures import BLANK_MARKERS, FALSE, MAYBE, TRUE
from formaudit.plugins.functions import targets

_NOMINAL = Context(prec=40, rounding=ROUND_HALF_EVEN, Emax=999, Emin=-999)
_DOWN = Context(prec=40, rounding=ROUND_FLOOR, Emax=999, Emin=-999)
_UP = Context(prec=40, rounding=ROUND_CEILING, Emax=999, Emin=-999)
# what the schema lets a figure column print: sign, digits (with thousands separators), decimals, a unit
_NUMBER = re.compile(r"^([+\-−]?)\s*(?=\.?\d)(\d{1,3}(?:[,，]\d{3})+|\d+)?(?:\.(\d*))?\s*(元|万元|亿元|%|％|‰|分)?$")
# unit → (dimension, scale): amounts are 元, rates are ratios (""), scores 分; a bare number (None) agrees with any
_UNITS = {None: (None, Decimal(1)), "元": ("元", Decimal(1)), "万元": ("元", Decimal(10000)),
          "亿元": ("元", Decimal(100000000)), "%": ("", Decimal("0.01")), "％": ("", Decimal("0.01")),
          "‰": ("", Decimal("0.001")), "分": ("分", Decimal(1))}
_MAX_DIGITS = 30  # a longer number is too long to check: read as no value
_HALF = Decimal("0.5")
_ZERO, _ONE, _TWO = Decimal(0), Decimal(1), Decimal(2)

# the pack's params (defaults)
TOTAL_SOURCES = frozenset({"年度资金总额", "合计"})  # total_sources
EXECUTION_ALARM = Decimal("0.9")                    # execution_alarm: 90%
OVERSPEND_LIMIT = Decimal(1)                        # overspend_limit: 100%
WEIGHT_EXECUTION = Decimal(10)                      # weight_execution
WEIGHT_OUTPUT = Decimal(50)                         # weight_output
WEIGHT_EFFECT = Decimal(30)                         # weight_effect
WEIGHT_SATISFACTION = Decimal(10)                   # weight_satisfaction
TOTAL_WEIGHT = Decimal(100)                         # total_weight
GRADE_EXCELLENT, GRADE_GOOD, GRADE_PASS = Decimal(90), Decimal(80), Decimal(60)  # grade_excellent, _good, _pass
LOW_EXECUTION_FULL_MARKS = Decimal("0.5")           # low_execution_full_marks: 50%
FAR_ABOVE = Decimal("1.3")                          # far_above: 130%
QUAL_REACHED_MIN = Decimal("0.8")                   # qual_reached_min: 80%
QUAL_PARTIAL_MIN = Decimal("0.6")                   # qual_partial_min: 60%
QUAL_WORDS_MISSED = ("未达成", "未达到", "未完成", "未实现", "没有达到", "没有完成", "未能完成", "未能达到",
                     "不达标")  # qual_words_missed
QUAL_WORDS_PARTIAL = ("基本达成", "基本达到", "基本完成", "基本实现", "部分达成", "部分达到", "部分完成", "部分实现",
                      "基本有效", "基本满意", "基本符合", "有所提升", "有所提高", "有所改善")  # qual_words_partial
QUAL_WORDS_REACHED = ("达成", "达到", "完成", "实现", "有效", "显著", "明显", "提升", "提高", "改善", "良好", "满意",
                      "合格", "符合", "按时", "及时", "是")  # qual_words_reached
QUAL_WORDS = QUAL_WORDS_MISSED + QUAL_WORDS_PARTIAL + QUAL_WORDS_REACHED
TEMPLATE_TEXTS = frozenset({"优良中低差", "优/良/中/低/差", "优、良、中、低、差", "优良中差"})  # template_texts
FULL_COMPLETION_WORDS = ("全面完成", "全部完成", "圆满完成", "均已完成", "均按时完成", "全部达到", "全面达到", "均已达到",
                         "全部实现", "全面实现", "均已实现", "100%完成")  # full_completion_words
FULL_COMPLETION_NEGATIONS = ("未全部", "未全面", "未能全部", "未能全面", "没有全部", "尚未全部", "未圆满", "未均")  # full_completion_negations
# indicators.achieved-copies-target: the comparators a copied target brings along
COPIED_COMPARATORS = ("≥", "≤", "≧", "≦", ">", "<", "＞", "＜", "不低于", "不少于", "不高于", "不超过")
CATEGORIES = (("产出", WEIGHT_OUTPUT), ("效益", WEIGHT_EFFECT), ("满意度", WEIGHT_SATISFACTION))

PASSED, FAILED, NOT_APPLICABLE, NOT_EVALUABLE = 0, 1, 2, 3
_NO, _MAYBE, _YES = 0, 1, 2  # three-valued truth as ranks: and = min, or = max, not = 2 − x
_RANK = {FALSE: _NO, MAYBE: _MAYBE, TRUE: _YES}


class _Unknown(Exception):
    """A value needed for the verdict is blank, a denominator may be 0, or units do not compare: the rule is
    not evaluable."""


# -- cells --------------------------------------------------------------------------------------------------
#
# A figure is a tuple (value, lo, hi, dim): the nominal value, the interval it stands for, and its dimension.

def _text(value: Any) -> str | None:
    """A cell as text, as the form prints it; None when blank (missing, null or a blank marker)."""
    if value is None:
        return None
    if isinstance(value, str):
        return None if value.strip() in BLANK_MARKERS else value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def _parse(text: str) -> tuple | None:
    """A printed figure → (value, lo, hi, dim); None when the text is not a figure."""
    m = _NUMBER.match(text.strip())
    if m is None:
        return None
    sign, whole, frac, unit = m.groups()
    whole = (whole or "0").replace(",", "").replace("，", "")
    frac = frac or ""
    if len(whole) + len(frac) > _MAX_DIGITS:
        return None
    number = Decimal(f"{whole}.{frac}" if frac else whole)
    if sign in ("-", "−"):
        number = number.copy_negate()
    dim, scale = _UNITS[unit]
    value = _NOMINAL.multiply(number, scale)
    half = _NOMINAL.multiply(_HALF.scaleb(-len(frac)), scale)
    return value, _DOWN.subtract(value, half), _UP.add(value, half), dim


def _figure(value: Any) -> tuple | None:
    """A figure column's cell → a figure; None when blank."""
    text = _text(value)
    if text is None:
        return None
    fig = _parse(text)
    if fig is None:
        if _NUMBER.match(text.strip()):
            return None  # more digits than can be checked: no value
        raise ValueError(f"{value!r} is not a printed figure: the form does not pass the schema")
    return fig


def _exact(fig: tuple) -> tuple:
    """The printed value itself, without its rounding interval (``exact()``: weights and scores)."""
    value = fig[0]
    return value, value, value, fig[3]


# -- interval arithmetic and three-valued comparisons (docs/numbers.md) ------------------------------------

def _comparable(a: str | None, b: str | None) -> None:
    if a is not None and b is not None and a != b:
        raise _Unknown("unit mismatch")


def _div(a: tuple, b: tuple) -> tuple:
    if b[1] <= 0 <= b[2]:
        raise _Unknown("denominator may be 0")
    da, db = a[3], b[3]
    if da == db and da is not None:
        dim = ""
    elif db is None or db == "":
        dim = da
    elif da is None:
        dim = None
    else:
        dim = f"{da}/{db}"
    lows = [_DOWN.divide(x, y) for x in (a[1], a[2]) for y in (b[1], b[2])]
    highs = [_UP.divide(x, y) for x in (a[1], a[2]) for y in (b[1], b[2])]
    return _NOMINAL.divide(a[0], b[0]), min(lows), max(highs), dim


def _mul(a: tuple, b: tuple) -> tuple:
    da, db = a[3], b[3]
    if da not in (None, "") and db not in (None, ""):
        dim = f"{da}·{db}"
    elif da not in (None, ""):
        dim = da
    elif db not in (None, ""):
        dim = db
    else:
        dim = "" if da == "" and db == "" else None
    lows = [_DOWN.multiply(x, y) for x in (a[1], a[2]) for y in (b[1], b[2])]
    highs = [_UP.multiply(x, y) for x in (a[1], a[2]) for y in (b[1], b[2])]
    return _NOMINAL.multiply(a[0], b[0]), min(lows), max(highs), dim


def _add(a: tuple, b: tuple) -> tuple:
    _comparable(a[3], b[3])
    return _NOMINAL.add(a[0], b[0]), _DOWN.add(a[1], b[1]), _UP.add(a[2], b[2]), a[3] if a[3] is not None else b[3]


def _sum(figs: list) -> tuple:
    """Σ of figures (blank cells already left out); 0 of none."""
    if not figs:
        return _ZERO, _ZERO, _ZERO, None
    total = figs[0]
    for fig in figs[1:]:
        total = _add(total, fig)
    return total


def _exact_sum(figs: list) -> Decimal:
    """Σ of printed values (``sum(exact(…))``): weights and scores, whose units (分 or none) always add."""
    total = _ZERO
    for fig in figs:
        total = _NOMINAL.add(total, fig[0])
    return total


def _min_one(fig: tuple) -> tuple:
    """min(x, 1): the interval's bounds capped at 1; the unit is the smaller one's (1 has none)."""
    best_value, best_dim = (fig[0], fig[3]) if fig[0] <= _ONE else (_ONE, None)
    return best_value, min(fig[1], _ONE), min(fig[2], _ONE), best_dim


def _eq(a: tuple, b: tuple) -> int:
    _comparable(a[3], b[3])
    if a[2] < b[1] or b[2] < a[1]:
        return _NO
    return _YES if a[1] == a[2] and b[1] == b[2] else _MAYBE


def _lt(a: tuple, b: tuple) -> int:
    _comparable(a[3], b[3])
    return _YES if a[2] < b[1] else _NO if a[1] >= b[2] else _MAYBE


def _le(a: tuple, b: tuple) -> int:
    _comparable(a[3], b[3])
    return _YES if a[2] <= b[1] else _NO if a[1] > b[2] else _MAYBE


def _percent(value: Decimal) -> tuple:
    """A param printed as a percentage: an exact ratio."""
    return value, value, value, ""


def _plain(value: Decimal) -> tuple:
    """A param or literal printed as a plain number: exact, no unit."""
    return value, value, value, None


def _nonzero(fig: tuple) -> bool:
    """``certainly(x != 0)``: 0 is outside the figure's interval."""
    return fig[1] > 0 or fig[2] < 0


_ALARM, _LIMIT = _percent(EXECUTION_ALARM), _percent(OVERSPEND_LIMIT)
_LOW_EXECUTION = _percent(LOW_EXECUTION_FULL_MARKS)
_QUAL_PARTIAL, _QUAL_REACHED, _WHOLE = _percent(QUAL_PARTIAL_MIN), _percent(QUAL_REACHED_MIN), _plain(_ONE)


# -- the rules ----------------------------------------------------------------------------------------------

def verdicts(form: dict[str, Any]) -> dict[str, Any]:
    """Outcome counts per rule (passed, failed, not applicable, not evaluable), and the sorted list of
    ``(rule, pointer, outcome)`` of each failure and not-evaluable outcome."""
    counts: dict[str, list[int]] = {}
    marks: list[tuple[str, str, str]] = []

    def note(rule: str, outcome: int, pointer: str) -> None:
        counts.setdefault(rule, [0, 0, 0, 0])[outcome] += 1
        if outcome == FAILED:
            marks.append((rule, pointer, "failed"))
        elif outcome == NOT_EVALUABLE:
            marks.append((rule, pointer, "not-evaluable"))

    # -- 项目资金 -------------------------------------------------------------------------------------------
    funds = form.get("funds") if isinstance(form.get("funds"), list) else []
    rows = []  # per row: its figures, executed ÷ 全年预算数 and ÷ 年初预算数 (None: cannot be computed)
    for row in funds:
        initial, full, executed = _figure(row.get("budget_initial")), _figure(row.get("budget_full_year")), \
            _figure(row.get("executed"))
        by_full = _div(executed, full) if executed is not None and full is not None and _nonzero(full) else None
        by_initial = _div(executed, initial) if executed is not None and initial is not None and _nonzero(initial) \
            else None
        source = _text(row.get("source"))
        rows.append((initial, full, executed, _figure(row.get("execution_rate")), _figure(row.get("weight")),
                     _figure(row.get("score")), by_full, by_initial,
                     source is not None and source.strip() in TOTAL_SOURCES))
    totals = [i for i, r in enumerate(rows) if r[8]]
    parts = [i for i, r in enumerate(rows) if not r[8]]

    for i, (initial, full, executed, rate, weight, score, by_full, by_initial, is_total) in enumerate(rows):
        at = f"/funds/{i}"
        # funds.execution-rate: by 全年预算数, or failing that by 年初预算数
        if rate is None or executed is None or full is None or not _nonzero(full):
            outcome = NOT_APPLICABLE
        else:
            try:
                truth = _eq(rate, by_full)
                if truth != _YES and initial is not None and _nonzero(initial):
                    truth = max(truth, _eq(rate, by_initial))
                outcome = FAILED if truth == _NO else PASSED
            except _Unknown:
                outcome = NOT_EVALUABLE
        note("funds.execution-rate", outcome, f"{at}/execution_rate" if outcome == FAILED else at)
        # funds.execution-rate-initial-base: only 年初预算数 gives the printed rate
        if rate is None or executed is None or full is None or not _nonzero(full) or initial is None \
                or not _nonzero(initial):
            outcome = NOT_APPLICABLE
        else:
            try:
                if _eq(rate, by_full) != _NO:
                    outcome = PASSED
                else:  # the other formula from the printed amounts themselves (exact() in the pack)
                    outcome = FAILED if _eq(rate, _div(_exact(executed), _exact(initial))) != _NO else PASSED
            except _Unknown:
                outcome = NOT_EVALUABLE
        note("funds.execution-rate-initial-base", outcome, f"{at}/execution_rate" if outcome == FAILED else at)
        # funds.execution-score: 分值 × min(执行率, 100%), the printed rate or else the amounts'
        if weight is None or score is None:
            outcome = NOT_APPLICABLE
        else:
            try:
                used = rate if rate is not None else by_full
                if used is None:
                    raise _Unknown("no rate")
                outcome = FAILED if _eq(score, _mul(_min_one(used), _exact(weight))) == _NO else PASSED
            except _Unknown:
                outcome = NOT_EVALUABLE
        note("funds.execution-score", outcome, f"{at}/score" if outcome == FAILED else at)
        # funds.score-missing: only a score cell the form prints, blank
        if weight is None or "score" not in funds[i]:
            outcome = NOT_APPLICABLE
        else:
            outcome = PASSED if score is not None else FAILED
        note("funds.score-missing", outcome, f"{at}/score" if outcome == FAILED else at)
        # funds.execution-low and funds.overspent: the total row (every row when there is none); the rate the
        # amounts give when both are printed (not evaluable → not judged), else the printed one
        rate_used = by_full if full is not None and executed is not None else rate
        if not (is_total or not totals) or rate_used is None:
            low = high = NOT_APPLICABLE
        else:
            try:
                low = FAILED if _le(_ALARM, rate_used) == _NO else PASSED
                high = FAILED if _le(rate_used, _LIMIT) == _NO else PASSED
            except _Unknown:
                low = high = NOT_EVALUABLE
        note("funds.execution-low", low, f"{at}/execution_rate" if low == FAILED else at)
        note("funds.overspent", high, f"{at}/execution_rate" if high == FAILED else at)

    # funds.total-*: 年度资金总额 = Σ sources (blank parts count as nothing)
    for rule, column, key in (("funds.total-budget-initial", 0, "budget_initial"),
                              ("funds.total-budget-full-year", 1, "budget_full_year"),
                              ("funds.total-executed", 2, "executed")):
        filled = [rows[i][column] for i in parts if rows[i][column] is not None]
        if len(totals) != 1 or not filled:
            note(rule, NOT_APPLICABLE, "")
            continue
        stated = rows[totals[0]][column]
        try:
            if stated is None:
                raise _Unknown("blank total")
            outcome = FAILED if _eq(stated, _sum(filled)) == _NO else PASSED
        except _Unknown:
            outcome = NOT_EVALUABLE
        note(rule, outcome, f"/funds/{totals[0]}/{key}" if outcome == FAILED else "")

    # -- indicators: each row's figures, and whether it reaches its target (the targets library) ------------
    indicators = form.get("indicators") if isinstance(form.get("indicators"), list) else []
    inds = []
    for j, ind in enumerate(indicators):
        at = f"/indicators/{j}"
        weight, score = _figure(ind.get("weight")), _figure(ind.get("score"))
        target, achieved = _text(ind.get("target")), _text(ind.get("achieved"))
        name, nature, unit = _text(ind.get("name")), _text(ind.get("nature")), _text(ind.get("unit"))
        level1, level2 = _text(ind.get("level1")), _text(ind.get("level2"))
        reason_given = _text(ind.get("deviation_reason")) is not None
        inds.append((weight, score, level1, _figure(ind.get("level1_weight")), name is not None))
        # reached (a truth rank) and the completion ratio, each read once; None: cannot be judged (never with a
        # blank target or achieved value)
        met = r = None
        if target is not None and achieved is not None:
            try:
                met = _RANK[targets.reaches(achieved, target, nature=nature, unit=unit, name=name)]
            except NotEvaluable:
                pass
        if achieved is not None:
            try:
                fig = targets.ratio(achieved, target, nature=nature, unit=unit, name=name)
                r = fig.value, fig.lo, fig.hi, fig.dim
            except NotEvaluable:
                pass
        scored = weight is not None and score is not None
        deducted = scored and score[0] < weight[0]

        # indicators.score-above-weight
        note("indicators.score-above-weight",
             NOT_APPLICABLE if not scored else FAILED if score[0] > weight[0] else PASSED, f"{at}/score")
        # indicators.missed-full-marks: certainly missed, yet full marks
        if not scored or met is None:
            outcome = NOT_APPLICABLE
        else:
            outcome = FAILED if met == _NO and not deducted else PASSED
        note("indicators.missed-full-marks", outcome, f"{at}/score")
        # indicators.partial-score: 分值 × min(完成比例, 1), or for a lower-is-better target also
        # 分值 × max(0, 2 − 1 ÷ 完成比例)
        if not deducted or met != _NO or r is None:
            outcome = NOT_APPLICABLE
        else:
            try:
                truth = _eq(score, _mul(_min_one(r), _exact(weight)))
                if truth != _YES and targets.direction(target, nature=nature, name=name, unit=unit) == "lower":
                    inverse = _div(_WHOLE, r)
                    rest = _DOWN.subtract(_TWO, inverse[2]), _UP.subtract(_TWO, inverse[1])
                    linear = _ZERO, max(_ZERO, rest[0]), max(_ZERO, rest[1]), None
                    truth = max(truth, _eq(score, _mul(linear, _exact(weight))))
                outcome = FAILED if truth == _NO else PASSED
            except (_Unknown, NotEvaluable):
                outcome = NOT_EVALUABLE
        note("indicators.partial-score", outcome, f"{at}/score" if outcome == FAILED else at)
        # indicators.met-but-deducted: certainly met, points deducted, no reason
        if not scored or met != _YES:
            outcome = NOT_APPLICABLE
        else:
            outcome = FAILED if deducted and not reason_given else PASSED
        note("indicators.met-but-deducted", outcome, f"{at}/score")
        # indicators.missing-reason: deducted or certainly missed, no 偏差原因
        if not deducted and met != _NO:
            outcome = NOT_APPLICABLE
        else:
            outcome = PASSED if reason_given else FAILED
        note("indicators.missing-reason", outcome, f"{at}/deviation_reason")
        # indicators.qualitative-band: an achieved value without a figure, scored by its words' band
        if not scored or achieved is None or not any(w in achieved for w in QUAL_WORDS) \
                or _known_achieved_value(achieved, target, nature, unit, name):
            outcome = NOT_APPLICABLE
        else:
            try:
                share = _div(_exact(score), _exact(weight))
                if any(w in achieved for w in QUAL_WORDS_MISSED):
                    truth = _lt(share, _QUAL_PARTIAL)
                else:
                    partial = any(w in achieved for w in QUAL_WORDS_PARTIAL)
                    truth = _le(_QUAL_PARTIAL if partial else _QUAL_REACHED, share)
                    if truth != _NO:
                        truth = min(truth, _le(share, _QUAL_REACHED if partial else _WHOLE))
                outcome = FAILED if truth == _NO else PASSED
            except _Unknown:
                outcome = NOT_EVALUABLE
        note("indicators.qualitative-band", outcome, f"{at}/score" if outcome == FAILED else at)
        # indicators.far-above-target: certainly ≥ 130 % of the target, no reason
        if achieved is None or r is None:
            outcome = NOT_APPLICABLE
        else:
            outcome = FAILED if r[1] >= FAR_ABOVE and not reason_given else PASSED
        note("indicators.far-above-target", outcome, f"{at}/achieved")
        # indicators.not-judgeable
        if target is None or achieved is None:
            outcome = NOT_APPLICABLE
        else:
            outcome = FAILED if met is None else PASSED
        note("indicators.not-judgeable", outcome, f"{at}/achieved")
        # indicators.weight-without-values: a printed blank where 分值 is printed (a field not shown is not judged)
        if weight is None:
            outcome = NOT_APPLICABLE
        else:
            blank = (target is None and "target" in ind) or (achieved is None and "achieved" in ind) \
                or (score is None and "score" in ind)
            outcome = FAILED if blank else PASSED
        note("indicators.weight-without-values", outcome, at)
        # indicators.placeholder
        if name is None and target is None and achieved is None:
            outcome = NOT_APPLICABLE
        else:
            try:
                left = any(targets.is_placeholder(x) is TRUE for x in (name, target, achieved)) \
                    or _is_template_text(ind.get("target")) or _is_template_text(ind.get("achieved"))
                outcome = FAILED if left else PASSED
            except NotEvaluable:
                outcome = NOT_EVALUABLE
        note("indicators.placeholder", outcome, at)
        # indicators.achieved-copies-target
        if achieved is None:
            outcome = NOT_APPLICABLE
        else:
            outcome = FAILED if any(c in achieved for c in COPIED_COMPARATORS) else PASSED
        note("indicators.achieved-copies-target", outcome, f"{at}/achieved")
        # indicators.direction-implausible: a 数量指标 with a lower-is-better target
        if level2 is None or "数量" not in level2 or target is None:
            outcome = NOT_APPLICABLE
        else:
            try:
                if targets.target_kind(target, nature=nature, unit=unit, name=name) != "quantitative":
                    outcome = NOT_APPLICABLE
                else:
                    lower = targets.direction(target, nature=nature, name=name, unit=unit) == "lower"
                    outcome = FAILED if lower else PASSED
            except NotEvaluable:
                outcome = NOT_EVALUABLE
        note("indicators.direction-implausible", outcome, f"{at}/target" if outcome == FAILED else at)

    # -- 总分、分值合计、等级 -------------------------------------------------------------------------------
    total = form.get("total")
    total_score = _figure(total.get("score")) if isinstance(total, dict) else None
    exec_rows = [rows[i] for i in totals] if totals else rows
    ind_weights = [x[0] for x in inds if x[0] is not None]
    names_weighted = all(x[0] is not None for x in inds if x[4])  # every named indicator has 分值
    if isinstance(total, dict):
        total_weight = _figure(total.get("weight"))
        full = total_weight[0] if total_weight is not None else TOTAL_WEIGHT
        weights = _exact_sum([r[4] for r in exec_rows if r[4] is not None] + ind_weights)
        # total.score-sum: the printed total within its rounding of Σ printed scores; where not every score is
        # visible (Σ 分值 < 总分值, or a 分值 without its score), only a visible sum above the total fails
        if total_score is None:
            outcome = NOT_APPLICABLE
        else:
            computed = _exact_sum([r[5] for r in exec_rows if r[5] is not None]
                                  + [x[1] for x in inds if x[1] is not None])
            if total_score[1] <= computed <= total_score[2]:
                outcome = PASSED
            elif computed < total_score[1]:
                unscored = sum(1 for r in exec_rows if r[4] is not None and r[5] is None) \
                    + sum(1 for x in inds if x[0] is not None and x[1] is None)
                outcome = PASSED if weights < full or unscored > 0 else FAILED
            else:
                outcome = FAILED
        note("total.score-sum", outcome, "/total/score" if outcome == FAILED else "/total")
        # total.weight-sum: 执行 + Σ indicator 分值 = 总分值; below it only where the table may be incomplete
        if not ind_weights:
            outcome = NOT_APPLICABLE
        else:
            complete = any(rows[i][4] is not None for i in totals) and total_score is not None and names_weighted
            outcome = PASSED if weights == full or (weights < full and not complete) else FAILED
        note("total.weight-sum", outcome, "/total/weight" if outcome == FAILED else "/total")
        # total.grade
        grade = _text(total.get("grade"))
        if total_score is None or grade is None:
            outcome = NOT_APPLICABLE
        else:
            s = total_score[0]
            expected = "优" if s >= GRADE_EXCELLENT else "良" if s >= GRADE_GOOD else "中" if s >= GRADE_PASS else "差"
            outcome = PASSED if expected in grade else FAILED
        note("total.grade", outcome, "/total/grade" if outcome == FAILED else "/total")

    # -- 结构: the three first-level categories ---------------------------------------------------------------
    complete = bool(totals) and total_score is not None and names_weighted  # the whole table is visible
    categories = []  # per category: Σ its 分值, its printed 一级指标 分值 (None if none), whether it has rows
    for word, default in CATEGORIES:
        members = [x for x in inds if x[2] is not None and word in x[2]]
        printed = [x[3] for x in members if x[3] is not None]
        categories.append((_exact_sum([x[0] for x in members if x[0] is not None]),
                           printed[0][0] if printed else None, default, bool(members)))
    # structure.level1-weights: 产出 50 / 效益 30 / 满意度 10 (+ 执行 10); where the table may be incomplete and
    # nothing is printed, only a visible sum above the default
    if not ind_weights:
        outcome = NOT_APPLICABLE
    else:
        ok = True
        for summed, printed, default, _ in categories:
            weight = printed if printed is not None else summed
            if not (weight == default if printed is not None or complete else weight <= default):
                ok = False
                break
        if ok and any(rows[i][4] is not None for i in totals):
            ok = _exact_sum([rows[i][4] for i in totals if rows[i][4] is not None]) == WEIGHT_EXECUTION
        outcome = PASSED if ok else FAILED
    note("structure.level1-weights", outcome, "/indicators" if outcome == FAILED else "")
    # structure.level1-subtotal: a printed 一级指标 分值 = Σ its indicators' 分值
    if not any(x[3] is not None for x in inds):
        outcome = NOT_APPLICABLE
    else:
        ok = all(printed is None or (summed == printed if complete else summed <= printed)
                 for summed, printed, _, _ in categories)
        outcome = PASSED if ok else FAILED
    note("structure.level1-subtotal", outcome, "/indicators" if outcome == FAILED else "")
    # structure.missing-category
    if not complete or not indicators:
        outcome = NOT_APPLICABLE
    else:
        outcome = PASSED if all(c[3] for c in categories) else FAILED
    note("structure.missing-category", outcome, "/indicators" if outcome == FAILED else "")
    # structure.all-full-low-execution: the total row's rate (else the first row's) below 50 %, all full marks
    full_marks = [x for x in inds if x[0] is not None and x[1] is not None]
    first = rows[totals[0]] if totals else rows[0] if rows else None
    rate = None
    if first is not None:
        rate = first[6] if first[1] is not None and first[2] is not None else first[3]
    if not full_marks or rate is None:
        outcome = NOT_APPLICABLE
    else:
        try:
            low = _le(_LOW_EXECUTION, rate) == _NO
            outcome = FAILED if low and not _exact_sum([x[1] for x in full_marks]) \
                < _exact_sum([x[0] for x in full_marks]) else PASSED
        except _Unknown:
            outcome = NOT_EVALUABLE
    note("structure.all-full-low-execution", outcome, "/indicators" if outcome == FAILED else "")
    # structure.problems-none: points lost or execution below the alarm, yet 存在问题 printed 无 or blank
    deducted = bool(full_marks) and _exact_sum([x[1] for x in full_marks]) < _exact_sum([x[0] for x in full_marks])
    try:
        low = rate is not None and _le(_ALARM, rate) == _NO
    except _Unknown:
        low = False
    if "problems" not in form:
        outcome = NOT_APPLICABLE
    else:
        if not (deducted or low):
            outcome = NOT_APPLICABLE
        else:
            outcome = PASSED if _text(form.get("problems")) is not None else FAILED
    note("structure.problems-none", outcome, "/problems" if outcome == FAILED else "")
    # structure.title-year: a year the title names (four digits before 年 or at the end) is the form's year
    title_years = _years(form.get("title"))
    form_years = _years(form.get("year"))
    if not title_years or not form_years:
        outcome = NOT_APPLICABLE
    else:
        outcome = PASSED if form_years[0] in title_years else FAILED
    note("structure.title-year", outcome, "/title" if outcome == FAILED else "")
    # goals.full-completion-claimed: 实际完成情况 claims full completion, yet points lost or execution below the alarm
    goals_row = form.get("goals")
    claim = _text(goals_row.get("achieved")) if isinstance(goals_row, dict) else None
    if claim is None or not any(w in claim for w in FULL_COMPLETION_WORDS) \
            or any(w in claim for w in FULL_COMPLETION_NEGATIONS):
        outcome = NOT_APPLICABLE
    else:
        outcome = FAILED if deducted or low else PASSED
    note("goals.full-completion-claimed", outcome, "/goals/achieved" if outcome == FAILED else "")

    # -- 年度总体目标 --------------------------------------------------------------------------------------------
    goals = form.get("goals")
    if isinstance(goals, dict):
        # goals.copied: 实际完成情况 the same text as 预期目标
        planned, achieved = _text(goals.get("planned")), _text(goals.get("achieved"))
        if planned is None or achieved is None:
            outcome = NOT_APPLICABLE
        else:
            outcome = FAILED if planned.strip() == achieved.strip() else PASSED
        note("goals.copied", outcome, "/goals/achieved" if outcome == FAILED else "/goals")

    return {"counts": {k: tuple(v) for k, v in sorted(counts.items())}, "marks": sorted(marks)}


_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)(?=\s*(?:年|$))")


def _years(value: Any) -> list[int]:
    text = _text(value)
    return [] if text is None else [int(m.group(1)) for m in _YEAR.finditer(text.strip())]


def _known_achieved_value(achieved: str, target: str | None, nature: str | None, unit: str | None,
                          name: str | None) -> bool:
    try:
        targets.achieved_value(achieved, target, nature=nature, unit=unit, name=name)
        return True
    except NotEvaluable:
        return False


def _is_template_text(value: Any) -> bool:
    """``x in params.template_texts``: a text cell that is one of the template's option lists."""
    return isinstance(value, str) and value.strip() in TEMPLATE_TEXTS
