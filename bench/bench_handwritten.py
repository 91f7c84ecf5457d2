"""The baseline: the checks of the built-in department pack written by hand, as plain Python with Decimal.

This is what a programmer would write without a rule engine, with the same reading of printed figures
(a printed figure stands for an interval half a unit of its last digit wide, docs/numbers.md), the same
three-valued comparisons and the same outcomes per rule and item. It computes verdicts only — no
messages, no evidence — which is the least any checker must do. ``verdicts(form)`` returns the same
structure as ``engine_verdicts(result)`` in run.py, and the benchmark asserts they are equal.
"""

from __future__ import annotations

import re
from decimal import ROUND_CEILING, ROUND_FLOOR, Context, Decimal
from typing import Any

from formaudit.errors import NotEvaluable
from formaudit.figures import FALSE
from formaudit.plugins.functions import targets

_DOWN = Context(prec=40, rounding=ROUND_FLOOR, Emax=999, Emin=-999)
_UP = Context(prec=40, rounding=ROUND_CEILING, Emax=999, Emin=-999)
_BLANKS = frozenset({"", "—", "——", "-", "--", "/", "无", "－", "─", "–", "N/A", "n/a"})
_NUMBER = re.compile(r"^([+\-]?)(\d+)(?:\.(\d+))?(%?)$")
_PCT = Decimal("0.01")
_HALF = Decimal("0.5")
_ZERO = Decimal(0)
ALARM_LOW, OVERSPEND, ADJUST_HIGH = Decimal("0.9"), Decimal(1), Decimal("0.3")
FULL_COMPLETION_WORDS = ("全面完成", "全部完成", "圆满完成", "均已完成", "均按时完成", "全部达到", "全面达到", "均已达到",
                         "全部实现", "全面实现", "均已实现", "100%完成")  # full_completion_words
FULL_COMPLETION_NEGATIONS = ("未全部", "未全面", "未能全部", "未能全面", "没有全部", "尚未全部", "未圆满", "未均")

PASSED, FAILED, NOT_APPLICABLE, NOT_EVALUABLE = 0, 1, 2, 3


class _Unknown(Exception):
    """A value needed for the verdict is blank or not a figure: the rule is not evaluable."""


def interval(value: Any) -> tuple[Decimal, Decimal] | None:
    """A printed figure → (lo, hi); None when blank; ``_Unknown`` when it is not a figure."""
    if value is None:
        return None
    text = str(value).strip()
    if text in _BLANKS:
        return None
    m = _NUMBER.match(text)
    if m is None:
        raise _Unknown(text)
    sign, whole, frac, pct = m.groups()
    frac = frac or ""
    number = Decimal(f"{sign}{whole}.{frac}" if frac else f"{sign}{whole}")
    half = _HALF.scaleb(-len(frac))
    if pct:
        number, half = number * _PCT, half * _PCT
    return _DOWN.subtract(number, half), _UP.add(number, half)


def _need(value: Any) -> tuple[Decimal, Decimal]:
    iv = interval(value)
    if iv is None:
        raise _Unknown("blank")
    return iv


def _add(a: tuple[Decimal, Decimal], b: tuple[Decimal, Decimal]) -> tuple[Decimal, Decimal]:
    return _DOWN.add(a[0], b[0]), _UP.add(a[1], b[1])


def _div(a: tuple[Decimal, Decimal], b: tuple[Decimal, Decimal]) -> tuple[Decimal, Decimal]:
    if b[0] <= 0 <= b[1]:
        raise _Unknown("denominator may be 0")
    lows = [_DOWN.divide(x, y) for x in a for y in b]
    highs = [_UP.divide(x, y) for x in a for y in b]
    return min(lows), max(highs)


def _printed(iv: tuple[Decimal, Decimal]) -> tuple[Decimal, Decimal]:
    """The printed value itself (the middle of its rounding interval), as an exact interval: ``exact()``."""
    middle = (iv[0] + iv[1]) / 2
    return middle, middle


def _disjoint(a: tuple[Decimal, Decimal], b: tuple[Decimal, Decimal]) -> bool:
    return a[1] < b[0] or b[1] < a[0]


def _sum(rows: list[dict], key: str) -> tuple[Decimal, Decimal]:
    lo = hi = _ZERO
    for row in rows:
        iv = interval(row.get(key))
        if iv is not None:
            lo, hi = _DOWN.add(lo, iv[0]), _UP.add(hi, iv[1])
    return lo, hi


def _source(row: dict) -> str:
    value = row.get("source")
    return "" if value is None else str(value).strip()


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

    funds = [r for r in form.get("funds") or [] if isinstance(r, dict)]
    for i, row in enumerate(funds):
        at = f"/funds/{i}"
        cr_text, ar_text = row.get("completion_rate"), row.get("adjustment_rate")
        cr_blank = interval_or_text_blank(cr_text)
        ar_blank = interval_or_text_blank(ar_text)
        # funds.completion-rate
        try:
            if cr_blank:
                outcome = NOT_APPLICABLE
            else:
                budget = _add(_need(row.get("budget_initial")), _need(row.get("budget_adjustment")))
                if not (budget[0] > 0 or budget[1] < 0):
                    outcome = NOT_APPLICABLE
                else:
                    cr = _need(cr_text)
                    outcome = FAILED if _disjoint(cr, _div(_need(row.get("actual")), budget)) else PASSED
        except _Unknown:
            outcome = NOT_EVALUABLE
        note("funds.completion-rate", outcome, f"{at}/completion_rate" if outcome == FAILED else at)
        # funds.completion-rate-initial-base: a stated rate only 实际支出数 ÷ 年初预算数 gives
        try:
            if cr_blank or interval_or_text_blank(row.get("actual")):
                outcome = NOT_APPLICABLE
            else:
                budget = _add(_need(row.get("budget_initial")), _need(row.get("budget_adjustment")))
                initial = _need(row.get("budget_initial"))
                if not (budget[0] > 0 or budget[1] < 0) or not (initial[0] > 0 or initial[1] < 0):
                    outcome = NOT_APPLICABLE
                else:
                    cr, actual = _need(cr_text), _need(row.get("actual"))
                    # the other formula from the printed amounts themselves (exact() in the pack)
                    printed_actual, printed_initial = _printed(actual), _printed(initial)
                    by_budget, by_initial = _div(actual, budget), _div(printed_actual, printed_initial)
                    outcome = PASSED if not _disjoint(cr, by_budget) or _disjoint(cr, by_initial) else FAILED
        except _Unknown:
            outcome = NOT_EVALUABLE
        note("funds.completion-rate-initial-base", outcome, f"{at}/completion_rate" if outcome == FAILED else at)
        # funds.adjustment-rate
        try:
            if ar_blank:
                outcome = NOT_APPLICABLE
            else:
                initial = _need(row.get("budget_initial"))
                if not (initial[0] > 0 or initial[1] < 0):
                    outcome = NOT_APPLICABLE
                else:
                    ar = _need(ar_text)
                    outcome = FAILED if _disjoint(ar, _div(_need(row.get("budget_adjustment")), initial)) else PASSED
        except _Unknown:
            outcome = NOT_EVALUABLE
        note("funds.adjustment-rate", outcome, f"{at}/adjustment_rate" if outcome == FAILED else at)
        # funds.adjustment-rate-undefined
        try:
            initial = _need(row.get("budget_initial"))
            if initial[0] > 0 or initial[1] < 0:
                outcome = NOT_APPLICABLE
            else:
                outcome = PASSED if ar_blank else FAILED
        except _Unknown:
            outcome = NOT_EVALUABLE
        note("funds.adjustment-rate-undefined", outcome, f"{at}/adjustment_rate" if outcome == FAILED else at)

    totals = [r for r in funds if _source(r) == "合计"]
    parts = [r for r in funds if _source(r) != "合计"]
    total = totals[0] if totals else None
    total_at = f"/funds/{funds.index(total)}" if total is not None else ""
    for rule, key in (("funds.total-budget-initial", "budget_initial"),
                      ("funds.total-budget-adjustment", "budget_adjustment"), ("funds.total-actual", "actual")):
        if len(totals) != 1 or not parts:
            note(rule, NOT_APPLICABLE, "")
            continue
        try:
            outcome = FAILED if _disjoint(_need(total.get(key)), _sum(parts, key)) else PASSED
        except _Unknown:
            outcome = NOT_EVALUABLE
        note(rule, outcome, f"{total_at}/{key}" if outcome == FAILED else "")

    tasks = [t for t in form.get("tasks") or [] if isinstance(t, dict)]
    # tasks.funds-sum
    filled_funds = [t for t in tasks if not interval_or_text_blank(t.get("funds"))]
    if len(totals) != 1 or not filled_funds:
        note("tasks.funds-sum", NOT_APPLICABLE, "")
    else:
        try:
            tasks_total = _sum(tasks, "funds")
            outcome = FAILED if _disjoint(tasks_total, _need(total.get("actual"))) else PASSED
        except _Unknown:
            outcome = NOT_EVALUABLE
        note("tasks.funds-sum", outcome, _funds_sum_pointer(tasks, total, total_at) if outcome == FAILED else "")

    # tasks.has-indicator
    for t, task in enumerate(tasks):
        indicators = task.get("indicators") or []
        ok = any(isinstance(ind, dict) and not interval_or_text_blank(ind.get("target"))
                 and not interval_or_text_blank(ind.get("achieved")) for ind in indicators)
        note("tasks.has-indicator", PASSED if ok else FAILED, f"/tasks/{t}")

    missed_names: list = []  # indicators certainly short of their targets (missed_targets in the pack)
    # indicators: whether the achieved value reaches the target is read by the targets library, which a
    # hand-written checker would call just the same (it is domain parsing, not rule logic)
    for t, task in enumerate(tasks):
        for j, ind in enumerate(task.get("indicators") or []):
            if not isinstance(ind, dict):
                continue
            at = f"/tasks/{t}/indicators/{j}"
            target, achieved, name = ind.get("target"), ind.get("achieved"), ind.get("name")
            has_target = not interval_or_text_blank(target)
            has_achieved = not interval_or_text_blank(achieved)
            name = None if interval_or_text_blank(name) else name
            truth, why = None, ""
            if has_target and has_achieved:
                try:
                    truth = targets.judge(achieved, target, name=name).truth
                except NotEvaluable as exc:
                    why = exc.reason
            if truth is FALSE:
                missed_names.append(ind.get("name"))
            # indicators.reaches-target: judged only where it can be judged
            outcome = NOT_APPLICABLE if truth is None else (FAILED if truth is FALSE else PASSED)
            note("indicators.reaches-target", outcome, f"{at}/achieved" if outcome == FAILED else at)
            # indicators.unit-mismatch
            if not (has_target and has_achieved):
                outcome = NOT_APPLICABLE
            else:
                outcome = FAILED if "unit mismatch" in why else PASSED
            note("indicators.unit-mismatch", outcome, f"{at}/achieved" if outcome == FAILED else at)
            # indicators.achieved-has-figure
            if not has_achieved or targets.parse_target(None if not has_target else target).kind != "quantitative":
                outcome = NOT_APPLICABLE
            else:
                try:
                    targets.achieved_value(achieved, target)
                    outcome = PASSED
                except NotEvaluable:
                    outcome = FAILED
            note("indicators.achieved-has-figure", outcome, f"{at}/achieved" if outcome == FAILED else at)

    # the three threshold warnings
    for i, row in enumerate(funds):
        at = f"/funds/{i}"
        for rule, key, fails in (("funds.completion-low", "completion_rate", lambda iv: iv[1] < ALARM_LOW),
                                 ("funds.overspent", "completion_rate", lambda iv: iv[0] > OVERSPEND),
                                 ("funds.adjustment-high", "adjustment_rate", lambda iv: iv[0] > ADJUST_HIGH)):
            try:
                iv = interval(row.get(key))
                if iv is None:
                    outcome = NOT_APPLICABLE
                else:
                    outcome = FAILED if fails(iv) else PASSED
            except _Unknown:
                outcome = NOT_EVALUABLE
            note(rule, outcome, f"{at}/{key}" if outcome == FAILED else at)

    # structure.problems-none and goals.full-completion-claimed: an indicator missed, or the 合计 row's rate
    # certainly below the alarm
    try:
        low = bool(totals) and (iv := interval(totals[0].get("completion_rate"))) is not None and iv[1] < ALARM_LOW
    except _Unknown:
        low = False
    short = bool(missed_names) or low
    if "problems" not in form or not short:
        note("structure.problems-none", NOT_APPLICABLE, "")
    else:
        note("structure.problems-none", FAILED if interval_or_text_blank(form.get("problems")) else PASSED, "/problems")
    goals = form.get("goals")
    claim = goals.get("achieved") if isinstance(goals, dict) else None
    if interval_or_text_blank(claim) or not any(w in str(claim) for w in FULL_COMPLETION_WORDS) \
            or any(w in str(claim) for w in FULL_COMPLETION_NEGATIONS):
        note("goals.full-completion-claimed", NOT_APPLICABLE, "")
    else:
        note("goals.full-completion-claimed", FAILED if short else PASSED, "/goals/achieved")

    # structure.title-year: a year the title names (four digits before 年 or at the end) is the form's year
    title_years, form_years = _years(form.get("title")), _years(form.get("year"))
    if not title_years or not form_years:
        note("structure.title-year", NOT_APPLICABLE, "")
    else:
        note("structure.title-year", PASSED if form_years[0] in title_years else FAILED, "/title")

    return {"counts": {k: tuple(v) for k, v in sorted(counts.items())}, "marks": sorted(marks)}


def _funds_sum_pointer(tasks: list[dict], total: dict, total_at: str) -> str:
    # The engine names the left side's figure when it has one: the sum of a single filled task's funds
    # is that figure itself; a sum of several is computed and has no place, so the right side is named.
    filled = [t for t, task in enumerate(tasks) if interval(task.get("funds")) is not None]
    if len(filled) == 1:
        return f"/tasks/{filled[0]}/funds"
    return f"{total_at}/actual"


_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)(?=\s*(?:年|$))")


def _years(value: Any) -> list[int]:
    if value is None or isinstance(value, bool):
        return []
    return [int(m.group(1)) for m in _YEAR.finditer(str(value).strip())]


def interval_or_text_blank(value: Any) -> bool:
    """Blank as the engine's ``present``/``blank`` see it: missing, null, or a blank marker."""
    return value is None or (isinstance(value, str) and value.strip() in _BLANKS)
