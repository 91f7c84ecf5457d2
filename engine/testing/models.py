"""Consistent forms and their single-fault mutants, per form type.

A *model* knows the arithmetic of one form type (domain.md §2). It draws a form *spec* (amounts in
integer units of the printed precision, which rows print rates, tasks and their indicators …) and
renders it into form data the way a careful unit fills the form: rates computed from the printed
amounts and rounded half up to the printed decimals, totals summed, scores by the rules, every alarm
threshold of the pack's params respected. On such a *consistent* form every rule of the built-in pack
holds.

A *mutant* changes one thing and is labelled with the defect it introduces (``rate-beyond-rounding``,
``total-off``, ``row-dropped``, ``budget-actual-swapped`` …). Each mutant is checked against
:func:`violations`, an oracle written here independently of the engine (plain Decimal interval
arithmetic on the printed strings): a mutant is only produced when the oracle says some relation is
*certainly* broken — beyond every rounding the printed precision allows — so a pack that misses it has
a real blind spot, not a tolerance. ``margin`` puts the fault at least that many printed units beyond
the edge (0 = right at the boundary, which is where tolerance bugs live).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Context, Decimal
from typing import Any, Callable, Mapping

from hypothesis import strategies as st

from .strategies import BLANKS, IndicatorPair, indicator_pairs, print_decimal, texts

__all__ = ["FormModel", "Mutant", "MutationKind", "MODELS", "model_for", "consistent_forms", "mutants",
           "mutation_kinds", "violations", "fuzz_cases", "FuzzCase"]

_C = Context(prec=60)
_ONE = Decimal(1)
_ZERO = Decimal(0)
_HUNDRED = Decimal(100)


# -- printed values, read independently of the engine ----------------------------------------------

def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() in BLANKS)


def interval(value: Any) -> tuple[Decimal, Decimal] | None:
    """The closed interval a printed value stands for (``"4062.10"`` → ±0.005, ``"88.18%"`` → ±0.00005 as
    a ratio), None for a blank. Handles what the models print: optional sign, ``,`` separators, decimals,
    ``%`` or ``‰``."""
    if is_blank(value):
        return None
    text = str(value).strip().replace(",", "")
    scale = _ONE
    if text.endswith("%"):
        text, scale = text[:-1], Decimal("0.01")
    elif text.endswith("‰"):
        text, scale = text[:-1], Decimal("0.001")
    number = Decimal(text)
    decimals = len(text.partition(".")[2])
    half = Decimal("0.5").scaleb(-decimals)
    return (_C.multiply(number - half, scale), _C.multiply(number + half, scale))


def nominal(value: Any) -> Decimal | None:
    if is_blank(value):
        return None
    text = str(value).strip().replace(",", "")
    if text.endswith("%"):
        return Decimal(text[:-1]) / _HUNDRED
    if text.endswith("‰"):
        return Decimal(text[:-1]) / 1000
    return Decimal(text)


def decimals_of(value: Any) -> int:
    text = str(value).strip().rstrip("%‰").replace(",", "")
    return len(text.partition(".")[2])


def _add(a, b):
    return (a[0] + b[0], a[1] + b[1])


def _div(a, b):
    """a ÷ b for intervals; None when b may be 0."""
    if b[0] <= 0 <= b[1]:
        return None
    q = [_C.divide(x, y) for x in a for y in b]
    return (min(q), max(q))


def _widen(summed, stated, slack: int):
    if not slack:
        return summed
    half = (stated[1] - stated[0]) / 2 * slack
    return (summed[0] - half, summed[1] + half)


def _disjoint(a, b) -> bool:
    return a[1] < b[0] or b[1] < a[0]


def _percent(num: Decimal, den: Decimal, decimals: int) -> str:
    """num ÷ den as a percentage rounded half up (as forms round)."""
    return print_decimal(_C.divide(num * _HUNDRED, den), decimals) + "%"


def _param_ratio(params: Mapping[str, Any], name: str, default: str) -> Decimal:
    value = params.get(name, default) if params else default
    ratio = nominal(str(value).strip()) if not isinstance(value, (int, Decimal)) else Decimal(value)
    return ratio if ratio is not None else nominal(default)


def _param_number(params: Mapping[str, Any], name: str, default: int) -> Decimal:
    value = params.get(name, default) if params else default
    try:
        return Decimal(str(value).strip().rstrip("分"))
    except ArithmeticError:
        return Decimal(default)


def _allocate(total: int, shares: list[int]) -> list[int]:
    """Split ``total`` integer units by ``shares`` (largest remainder): the parts add up exactly."""
    weight = sum(shares)
    raw = [total * s // weight for s in shares]
    rest = total - sum(raw)
    order = sorted(range(len(shares)), key=lambda i: -((total * shares[i]) % weight))
    for i in order[:rest]:
        raw[i] += 1
    return raw


# -- mutants -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Mutant:
    """A consistent form with one defect: ``kind`` names it, ``description`` says what changed (with the
    JSON Pointer), ``violations`` what the independent oracle finds broken."""

    kind: str
    description: str
    pointer: str
    form: dict
    original: dict
    violations: tuple[str, ...] = ()


@dataclass(frozen=True)
class MutationKind:
    name: str
    description: str
    apply: Callable[..., Mutant | None]   # (draw, model, spec, form, margin) -> Mutant | None
    needs: frozenset[str] = frozenset()    # what the spec must have (a total row, tasks with funds, …)


@dataclass(frozen=True)
class FuzzCase:
    """One round of ``pack test --fuzz``: a consistent form and the mutants made from it."""

    consistent: dict
    mutants: tuple[Mutant, ...]
    spec: Any = None


class FormModel:
    """The arithmetic of one form type: specs, rendering, the oracle, the mutation kinds."""

    form_type: str = ""
    kinds: dict[str, MutationKind] = {}

    def settings(self, params: Mapping[str, Any] | None) -> Any:
        raise NotImplementedError

    def specs(self, settings: Any, *, rich: bool = False, **options: Any) -> st.SearchStrategy:
        raise NotImplementedError

    def render(self, spec: Any) -> dict:
        raise NotImplementedError

    def violations(self, form: Mapping[str, Any], settings: Any, slack: int = 0) -> list[str]:
        """Relations certainly broken. ``slack``: widen every sum by that many half units of the stated
        total's last digit (is a verdict one more printed 0.00 row away from changing?)."""
        raise NotImplementedError

    # shared plumbing

    def mutate(self, draw, kind: str, spec: Any, form: dict, settings: Any, margin: int = 0) -> Mutant | None:
        mutant = self.kinds[kind].apply(draw, self, spec, form, settings, margin)
        if mutant is None:
            return None
        found = tuple(self.violations(mutant.form, settings))
        if not found and kind not in self.by_construction:
            return None
        return replace(mutant, violations=found, kind=kind)

    by_construction: frozenset[str] = frozenset()


# =====================================================================================================
# cn.dept-overall-self-eval — 部门整体支出绩效自评表
# =====================================================================================================

_DEPT_SOURCES = ("一般公共预算", "政府性基金", "国有资本经营预算", "财政专户管理资金", "其他资金")
_DISTRICTS = ("荔湾区", "越秀区", "海珠区", "天河区", "白云区", "黄埔区", "番禺区")
_AMOUNTS = ("budget_initial", "budget_adjustment", "actual")


@dataclass(frozen=True)
class DeptSettings:
    alarm: Decimal = Decimal("0.9")        # completion_alarm
    limit: Decimal = Decimal("1")          # overspend_limit
    adj_alarm: Decimal = Decimal("0.3")    # adjustment_alarm


@dataclass(frozen=True)
class FundSpec:
    source: str
    initial: int       # integer units of the printed precision
    adjustment: int
    actual: int
    rates: bool        # the row prints its rates


@dataclass(frozen=True)
class TaskSpec:
    name: str
    share: int
    indicators: tuple[IndicatorPair, ...]
    formulas: tuple[str, ...]
    planned: str
    achieved: str


@dataclass(frozen=True)
class DeptSpec:
    unit: str
    d: int                       # amount decimals
    rd: int                      # rate decimals
    parts: tuple[FundSpec, ...]
    total_at: str | None         # "first", "last" or None (no 合计 row)
    total_rates: bool
    tasks: tuple[TaskSpec, ...]
    task_funds: str              # "exact" (amount decimals, sums exactly), "integer" (whole units), "blank"
    blank: str                   # how the form prints "no value"
    header: tuple[tuple[str, Any], ...] = ()


class DeptModel(FormModel):
    form_type = "cn.dept-overall-self-eval"
    by_construction = frozenset({"indicators-unfilled", "target-missed", "unit-mismatch", "achieved-not-numeric",
                                 "title-year", "problems-none", "full-completion-claimed"})

    def settings(self, params):
        params = params or {}
        return DeptSettings(alarm=_param_ratio(params, "completion_alarm", "90%"),
                            limit=_param_ratio(params, "overspend_limit", "100%"),
                            adj_alarm=_param_ratio(params, "adjustment_alarm", "30%"))

    # -- drawing a consistent spec ------------------------------------------------------------------

    def specs(self, settings: DeptSettings, *, rich: bool = False, exact_task_funds: bool = False,
              needs: frozenset[str] = frozenset()) -> st.SearchStrategy[DeptSpec]:
        return _dept_spec(settings, rich or bool(needs), exact_task_funds)

    def render(self, spec: DeptSpec) -> dict:
        form: dict[str, Any] = {"form_type": self.form_type}
        form.update(dict(spec.header))
        form["amount_unit"] = spec.unit
        rows = [self._fund_row(spec, p.source, p.initial, p.adjustment, p.actual, p.rates) for p in spec.parts]
        if spec.total_at is not None:
            total = self._fund_row(spec, "合计", sum(p.initial for p in spec.parts),
                                   sum(p.adjustment for p in spec.parts), sum(p.actual for p in spec.parts),
                                   spec.total_rates)
            rows = [total] + rows if spec.total_at == "first" else rows + [total]
        form["funds"] = rows
        actual = sum(p.actual for p in spec.parts)
        if spec.task_funds == "exact":
            funds = [print_decimal(Decimal(u).scaleb(-spec.d), spec.d)
                     for u in _allocate(actual, [t.share for t in spec.tasks])]
        elif spec.task_funds == "integer":
            whole = int(Decimal(actual).scaleb(-spec.d).quantize(_ONE, rounding=ROUND_HALF_UP))
            funds = [str(u) for u in _allocate(whole, [t.share for t in spec.tasks])]
        else:
            funds = [spec.blank] * len(spec.tasks)
        form["tasks"] = [{
            "name": t.name, "planned": t.planned, "achieved": t.achieved, "funds": f,
            "indicators": [{"name": p.name, "formula": fm, "target": p.target, "achieved": p.achieved}
                           for p, fm in zip(t.indicators, t.formulas)],
        } for t, f in zip(spec.tasks, funds)]
        return form

    def _fund_row(self, spec: DeptSpec, source: str, initial: int, adjustment: int, actual: int, rates: bool) -> dict:
        def amount(units: int) -> str:
            return print_decimal(Decimal(units).scaleb(-spec.d), spec.d)
        row = {"source": source, "budget_initial": amount(initial), "budget_adjustment": amount(adjustment),
               "actual": amount(actual)}
        budget = initial + adjustment
        row["completion_rate"] = _percent(Decimal(actual), Decimal(budget), spec.rd) if rates and budget > 0 else spec.blank
        row["adjustment_rate"] = _percent(Decimal(adjustment), Decimal(initial), spec.rd) if rates and initial > 0 else spec.blank
        return row

    # -- the oracle ---------------------------------------------------------------------------------

    def violations(self, form: Mapping[str, Any], settings: DeptSettings, slack: int = 0) -> list[str]:
        out: list[str] = []
        funds = [r for r in form.get("funds") or [] if isinstance(r, dict)]
        for i, row in enumerate(funds):
            a, b, c = (interval(row.get(k)) for k in _AMOUNTS)
            done, adj = interval(row.get("completion_rate")), interval(row.get("adjustment_rate"))
            if done is not None and a is not None and b is not None and c is not None:
                computed = _div(c, _add(a, b))
                if computed is not None and _disjoint(done, computed):
                    out.append(f"completion-rate@{i}")
            if adj is not None and a is not None and b is not None:
                if a[0] <= 0 <= a[1]:
                    out.append(f"undefined-rate@{i}")
                else:
                    computed = _div(b, a)
                    if computed is not None and _disjoint(adj, computed):
                        out.append(f"adjustment-rate@{i}")
            if done is not None and done[1] < settings.alarm:
                out.append(f"completion-low@{i}")
            if done is not None and done[0] > settings.limit:
                out.append(f"overspent@{i}")
            if adj is not None and adj[0] > settings.adj_alarm:
                out.append(f"adjustment-high@{i}")
        totals = [r for r in funds if str(r.get("source", "")).strip() == "合计"]
        parts = [r for r in funds if str(r.get("source", "")).strip() != "合计"]
        if len(totals) == 1 and parts:
            for column in _AMOUNTS:
                stated = interval(totals[0].get(column))
                if stated is None:
                    continue
                summed = (_ZERO, _ZERO)
                for p in parts:
                    v = interval(p.get(column))
                    if v is not None:
                        summed = _add(summed, v)
                if _disjoint(stated, _widen(summed, stated, slack)):
                    out.append(f"total-{column}")
        tasks = [t for t in form.get("tasks") or [] if isinstance(t, dict)]
        task_funds = [interval(t.get("funds")) for t in tasks]
        if len(totals) == 1 and any(v is not None for v in task_funds):
            stated = interval(totals[0].get("actual"))
            summed = (_ZERO, _ZERO)
            for v in task_funds:
                if v is not None:
                    summed = _add(summed, v)
            if stated is not None and _disjoint(stated, _widen(summed, stated, slack)):
                out.append("task-funds")
        for j, t in enumerate(tasks):
            indicators = t.get("indicators") if isinstance(t.get("indicators"), list) else []
            if not any(isinstance(x, dict) and not is_blank(x.get("target")) and not is_blank(x.get("achieved"))
                       for x in indicators):
                out.append(f"task-indicator@{j}")
        return out

    kinds: dict[str, MutationKind] = {}


@st.composite
def _dept_spec(draw, settings: DeptSettings, rich: bool, exact_task_funds: bool) -> DeptSpec:
    unit = draw(st.sampled_from(["万元", "万元", "元"]))
    d = 2 if unit == "万元" else draw(st.sampled_from([2, 0]))
    rd = draw(st.sampled_from([2, 2, 2, 1, 0]))
    top = (50000 if unit == "万元" else 200_000_000) * 10 ** d
    n_parts = draw(st.integers(2 if rich else 1, 4))
    sources = draw(st.permutations(_DEPT_SOURCES))[:n_parts]
    zero_index = 0 if rich else (draw(st.integers(0, n_parts - 1)) if draw(st.integers(0, 5)) == 0 else None)
    alarm, limit = settings.alarm, max(settings.limit, settings.alarm)
    adj_alarm = min(max(settings.adj_alarm, _ZERO), Decimal("0.95"))

    def actual_for(budget: int) -> int:
        lo = int((alarm * budget).to_integral_value(rounding=ROUND_CEILING))
        hi = int((limit * budget).to_integral_value(rounding=ROUND_FLOOR))
        return draw(st.integers(lo, hi)) if lo <= hi else budget

    draft: list[list] = []
    for i, source in enumerate(sources):
        if i == zero_index:
            draft.append([source, 0, None, None])
            continue
        initial = draw(st.integers(10 ** d, top))
        bound = int((adj_alarm * initial).to_integral_value(rounding=ROUND_FLOOR))
        adjustment = 0 if draw(st.integers(0, 2)) == 0 else draw(st.integers(-bound, bound))
        draft.append([source, initial, adjustment, None])
    nonzero_initial = sum(p[1] for p in draft)
    nonzero_adjust = sum(p[2] for p in draft if p[2] is not None)
    parts = []
    for source, initial, adjustment, _ in draft:
        if adjustment is None:  # a fund added mid-year: no initial budget, the whole of it is adjustment
            room = int((adj_alarm * nonzero_initial).to_integral_value(rounding=ROUND_FLOOR)) - nonzero_adjust \
                if nonzero_initial else top
            adjustment = draw(st.integers(1, max(1, min(room, top))))
            if nonzero_initial and room < 1:
                initial, adjustment = draw(st.integers(10 ** d, top)), 0
            nonzero_adjust += adjustment
        budget = initial + adjustment
        rates = True if rich else draw(st.integers(0, 7)) > 0
        parts.append(FundSpec(source, initial, adjustment, actual_for(budget), rates))
    total_at = draw(st.sampled_from(["first", "last"])) if rich else \
        draw(st.sampled_from(["first", "first", "first", "last", None]))
    n_tasks = draw(st.integers(1, 5))
    tasks = []
    for j in range(n_tasks):
        pairs = draw(st.lists(indicator_pairs(), min_size=1, max_size=4, unique_by=lambda p: p.name))
        formulas = tuple(draw(texts(max_size=20, wild=False)) for _ in pairs)
        tasks.append(TaskSpec(f"任务{j + 1}", draw(st.integers(1, 100)), tuple(pairs), formulas,
                              draw(texts(max_size=30)), draw(texts(max_size=30))))
    if exact_task_funds:
        task_funds = "exact"
    else:
        task_funds = draw(st.sampled_from(["integer", "exact"] if rich else ["integer", "integer", "exact", "blank"]))
    district = draw(st.sampled_from(_DISTRICTS))
    year = draw(st.integers(2018, 2025))
    header = (("title", draw(st.sampled_from([f"{district}部门整体支出绩效自评表", f"{district}{year}年度部门整体支出绩效自评表"]))),
              ("year", year if draw(st.booleans()) else f"{year}年度"),
              ("department", f"广州市{district}{draw(st.sampled_from(['多宝街道办事处', '民政局', '城市管理和综合执法局']))}"),
              # a consistent form reaches every target, so it may claim full completion
              ("goals", {"planned": draw(texts(max_size=40)),
                         "achieved": draw(st.one_of(texts(max_size=40), st.just("全面完成年度各项工作任务")))}),
              ("problems", draw(texts(max_size=30))), ("measures", draw(texts(max_size=30))))
    return DeptSpec(unit, d, rd, tuple(parts), total_at, True if rich else draw(st.integers(0, 7)) > 0,
                    tuple(tasks), task_funds, draw(st.sampled_from(BLANKS)), header)


# -- department mutations ------------------------------------------------------------------------------

def _rows(form: dict) -> list[dict]:
    return form.get("funds") or []


def _total_index(form: dict) -> int | None:
    found = [i for i, r in enumerate(_rows(form)) if r.get("source") == "合计"]
    return found[0] if len(found) == 1 else None


def _rate_interval(row: dict, field: str) -> tuple[Decimal, Decimal] | None:
    a, b, c = (interval(row.get(k)) for k in _AMOUNTS)
    if field == "completion_rate":
        return _div(c, _add(a, b)) if None not in (a, b, c) else None
    return _div(b, a) if None not in (a, b) else None


def _rate_nominal(row: dict, field: str) -> Decimal | None:
    a, b, c = (nominal(row.get(k)) for k in _AMOUNTS)
    if field == "completion_rate":
        return _C.divide(c, a + b) if None not in (a, b, c) and a + b != 0 else None
    return _C.divide(b, a) if None not in (a, b) and a != 0 else None


def _shifted(text: str, units: int) -> str:
    d = decimals_of(text)
    return print_decimal(nominal(text) + Decimal(units).scaleb(-d), d)


def _search_units(make: Callable[[int], dict | None], check: Callable[[dict], bool], limit: int = 10 ** 12) -> int | None:
    """The smallest k ≥ 1 for which ``check(make(k))`` holds (assumed monotone), or None."""
    hi = 1
    while True:
        form = make(hi)
        if form is None:
            return None
        if check(form):
            break
        hi *= 2
        if hi > limit:
            return None
    lo = hi // 2 + 1 if hi > 1 else 1
    while lo < hi:
        mid = (lo + hi) // 2
        form = make(mid)
        if form is not None and check(form):
            hi = mid
        else:
            lo = mid + 1
    return hi


def _mutant(kind, description, pointer, form, original) -> Mutant:
    return Mutant(kind, description, pointer, copy.deepcopy(form), original)


def _with_funds(form: dict) -> dict:
    """A copy of ``form`` whose fund rows may be changed (the rest is shared until ``_mutant`` copies it)."""
    return {**form, "funds": [dict(r) for r in form.get("funds") or []]}


def _with_tasks(form: dict) -> dict:
    return {**form, "tasks": [{**t, "indicators": [dict(x) for x in t.get("indicators") or []]}
                              for t in form.get("tasks") or []]}


def _m_rate_beyond(draw, model, spec, form, settings, margin):
    choices = [(i, f) for i, row in enumerate(_rows(form)) for f in ("completion_rate", "adjustment_rate")
               if not is_blank(row.get(f)) and _rate_interval(row, f) is not None]
    if not choices:
        return None
    i, f = draw(st.sampled_from(choices))
    row = _rows(form)[i]
    lo, hi = _rate_interval(row, f)
    rd = decimals_of(row[f])
    unit = Decimal(1).scaleb(-rd) / _HUNDRED
    half = unit / 2
    k = draw(st.integers(margin, margin + 20))
    up = draw(st.booleans())
    low_value = ((lo - half) / unit).to_integral_value(rounding=ROUND_CEILING) - 1 - k
    if not up and low_value >= 0:
        value = low_value * unit
    else:
        value = (((hi + half) / unit).to_integral_value(rounding=ROUND_FLOOR) + 1 + k) * unit
    mutant = _with_funds(form)
    new = print_decimal(value * _HUNDRED, rd) + "%"
    mutant["funds"][i][f] = new
    return _mutant("", f"/funds/{i}/{f}: {row[f]} → {new} (the amounts give "
                       f"{print_decimal(lo * 100, rd + 3)}%–{print_decimal(hi * 100, rd + 3)}%)",
                   f"/funds/{i}/{f}", mutant, form)


def _m_rate_initial_base(draw, model, spec, form, settings, margin):
    """预算完成率 computed as 实际支出数 ÷ 年初预算数 (the adjustment left out), where that differs from the
    rate the row's amounts give."""
    choices = []
    for i, row in enumerate(_rows(form)):
        initial, actual = interval(row.get("budget_initial")), interval(row.get("actual"))
        correct = _rate_interval(row, "completion_rate")
        if is_blank(row.get("completion_rate")) or initial is None or actual is None or correct is None or initial[0] <= 0:
            continue
        rd = decimals_of(row["completion_rate"])
        printed = print_decimal(nominal(row["actual"]) / nominal(row["budget_initial"]) * _HUNDRED, rd) + "%"
        if _disjoint(interval(printed), correct):
            choices.append((i, printed))
    if not choices:
        return None
    i, printed = draw(st.sampled_from(choices))
    mutant = _with_funds(form)
    old = mutant["funds"][i]["completion_rate"]
    mutant["funds"][i]["completion_rate"] = printed
    return _mutant("", f"/funds/{i}/completion_rate: {old} → {printed} (实际支出数 ÷ 年初预算数, the adjustment left out)",
                   f"/funds/{i}/completion_rate", mutant, form)


def _m_rate_truncated(draw, model, spec, form, settings, margin):
    choices = []
    for i, row in enumerate(_rows(form)):
        for f in ("completion_rate", "adjustment_rate"):
            if is_blank(row.get(f)) or _rate_interval(row, f) is None:
                continue
            ratio = _rate_nominal(row, f)
            computed = _rate_interval(row, f)
            for e in range(0, decimals_of(row[f]) + 1):
                q = Decimal(1).scaleb(-e)
                cut = (ratio * _HUNDRED).quantize(q, rounding="ROUND_DOWN")
                rounded = (ratio * _HUNDRED).quantize(q, rounding=ROUND_HALF_UP)
                if cut == rounded:
                    continue
                half = q / 2 / _HUNDRED
                if _disjoint((cut / _HUNDRED - half, cut / _HUNDRED + half), computed):
                    choices.append((i, f, e, format(cut, "f") + "%"))
    if not choices:
        return None
    i, f, e, new = draw(st.sampled_from(choices))
    mutant = _with_funds(form)
    old = mutant["funds"][i][f]
    mutant["funds"][i][f] = new
    return _mutant("", f"/funds/{i}/{f}: {old} → {new} (truncated to {e} decimals instead of rounded)",
                   f"/funds/{i}/{f}", mutant, form)


def _m_amount_beyond(draw, model, spec, form, settings, margin):
    choices = [(i, c) for i, row in enumerate(_rows(form)) for c in _AMOUNTS if not is_blank(row.get(c))]
    if not choices:
        return None
    i, c = draw(st.sampled_from(choices))
    old = _rows(form)[i][c]
    sign = 1 if draw(st.booleans()) or nominal(old) <= 0 else -1
    before = set(model.violations(form, settings))

    def make(k):
        new = _shifted(old, sign * k)
        if nominal(new) < 0 <= nominal(old):
            return None
        mutant = _with_funds(form)
        mutant["funds"][i][c] = new
        return mutant

    def broken(m):
        return bool(set(model.violations(m, settings)) - before)
    k = _search_units(make, broken)
    if k is None:
        sign = -sign
        k = _search_units(make, broken)
        if k is None:
            return None
    k += draw(st.integers(margin, margin + 3))
    mutant = make(k)
    if mutant is None:
        return None
    return _mutant("", f"/funds/{i}/{c}: {old} → {mutant['funds'][i][c]}", f"/funds/{i}/{c}", mutant, form)


def _recompute_rates(row: dict, rd: int, blank: str) -> None:
    for f in ("completion_rate", "adjustment_rate"):
        if is_blank(row.get(f)):
            continue
        ratio = _rate_nominal(row, f)
        row[f] = print_decimal(ratio * _HUNDRED, rd) + "%" if ratio is not None else blank


def _m_total_off(draw, model, spec, form, settings, margin):
    t = _total_index(form)
    if t is None:
        return None
    total = _rows(form)[t]
    c = draw(st.sampled_from([c for c in _AMOUNTS if not is_blank(total.get(c))] or [None]))
    if c is None:
        return None
    sign = draw(st.sampled_from([1, -1]))
    if c == "budget_initial" and nominal(total[c]) == 0:
        sign = 1

    def make(k):
        mutant = _with_funds(form)
        row = mutant["funds"][t]
        row[c] = _shifted(total[c], sign * k)
        if nominal(row["budget_initial"]) + nominal(row["budget_adjustment"]) <= 0 or nominal(row["actual"]) < 0 \
                or (c == "budget_initial" and nominal(row[c]) <= 0 < nominal(total[c])):
            return None
        _recompute_rates(row, spec.rd, spec.blank)
        return mutant

    def broken(m):
        return f"total-{c}" in model.violations(m, settings)
    k = _search_units(make, broken)
    if k is None:
        sign = -sign
        k = _search_units(make, broken)
        if k is None:
            return None
    k += draw(st.integers(margin, margin + 5))
    mutant = make(k)
    if mutant is None:
        return None
    return _mutant("", f"/funds/{t}/{c}: {total[c]} → {mutant['funds'][t][c]} (合计 ≠ Σ 各资金来源; the row's "
                       f"rates recomputed from it)", f"/funds/{t}/{c}", mutant, form)


def _m_total_zeroed(draw, model, spec, form, settings, margin):
    t = _total_index(form)
    if t is None:
        return None
    mutant = _with_funds(form)
    row = mutant["funds"][t]
    for c in _AMOUNTS:
        row[c] = "0"
    row["completion_rate"] = row["adjustment_rate"] = spec.blank
    return _mutant("", f"/funds/{t}: 合计 printed 0/0/0 while its parts are filled", f"/funds/{t}", mutant, form)


def _m_row_dropped(draw, model, spec, form, settings, margin):
    t = _total_index(form)
    if t is None:
        return None
    parts = [i for i, r in enumerate(_rows(form)) if i != t]
    if len(parts) < 2:
        return None
    for i in draw(st.permutations(parts)):
        mutant = _with_funds(form)
        dropped = mutant["funds"].pop(i)
        if model.violations(mutant, settings):
            return _mutant("", f"/funds/{i}: row {dropped['source']} dropped (合计 unchanged)", f"/funds/{i}",
                           mutant, form)
    return None


def _m_swapped(draw, model, spec, form, settings, margin):
    rows = list(range(len(_rows(form))))
    for i in draw(st.permutations(rows)):
        row = _rows(form)[i]
        if is_blank(row.get("budget_initial")) or is_blank(row.get("actual")):
            continue
        mutant = _with_funds(form)
        r = mutant["funds"][i]
        r["budget_initial"], r["actual"] = r["actual"], r["budget_initial"]
        if model.violations(mutant, settings):
            return _mutant("", f"/funds/{i}: budget_initial {row['budget_initial']} and actual {row['actual']} swapped",
                           f"/funds/{i}", mutant, form)
    return None


def _m_undefined_rate(draw, model, spec, form, settings, margin):
    choices = [i for i, r in enumerate(_rows(form)) if not is_blank(r.get("budget_initial"))
               and interval(r["budget_initial"])[0] <= 0 <= interval(r["budget_initial"])[1]
               and is_blank(r.get("adjustment_rate"))]
    if not choices:
        return None
    i = draw(st.sampled_from(choices))
    value = draw(st.sampled_from(["0", "100"]))
    new = print_decimal(Decimal(value), spec.rd) + "%"
    mutant = _with_funds(form)
    mutant["funds"][i]["adjustment_rate"] = new
    return _mutant("", f"/funds/{i}/adjustment_rate: blank → {new} although budget_initial is 0 (undefined)",
                   f"/funds/{i}/adjustment_rate", mutant, form)


def _m_indicators_unfilled(draw, model, spec, form, settings, margin):
    tasks = form.get("tasks") or []
    if not tasks:
        return None
    j = draw(st.integers(0, len(tasks) - 1))
    how = draw(st.sampled_from(["achieved", "target", "empty", "missing"]))
    mutant = _with_tasks(form)
    task = mutant["tasks"][j]
    if how == "empty":
        task["indicators"] = []
    elif how == "missing":
        del task["indicators"]
    else:
        for x in task["indicators"]:
            x[how] = spec.blank
    return _mutant("", f"/tasks/{j}/indicators: {how} ({'no ' + how + ' value' if how in ('achieved', 'target') else how})",
                   f"/tasks/{j}/indicators", mutant, form)


def _m_task_funds_off(draw, model, spec, form, settings, margin):
    t = _total_index(form)
    tasks = form.get("tasks") or []
    filled = [j for j, task in enumerate(tasks) if not is_blank(task.get("funds"))]
    if t is None or not filled:
        return None
    j = draw(st.sampled_from(filled))
    old = tasks[j]["funds"]
    sign = 1 if draw(st.booleans()) or nominal(old) <= 0 else -1

    def make(k):
        new = _shifted(old, sign * k)
        if nominal(new) < 0:
            return None
        mutant = _with_tasks(form)
        mutant["tasks"][j]["funds"] = new
        return mutant

    def broken(m):
        return "task-funds" in model.violations(m, settings)
    k = _search_units(make, broken)
    if k is None:
        sign = 1
        k = _search_units(make, broken)
        if k is None:
            return None
    k += draw(st.integers(margin, margin + 3))
    mutant = make(k)
    if mutant is None:
        return None
    return _mutant("", f"/tasks/{j}/funds: {old} → {mutant['tasks'][j]['funds']} (Σ 任务涉及资金 ≠ 实际支出)",
                   f"/tasks/{j}/funds", mutant, form)


def _m_target_missed(draw, model, spec, form, settings, margin):
    places = [(j, k) for j, task in enumerate(form.get("tasks") or []) for k, _ in enumerate(task.get("indicators") or [])]
    if not places:
        return None
    j, k = draw(st.sampled_from(places))
    pair = draw(indicator_pairs(reached=False))
    mutant = _with_tasks(form)
    x = mutant["tasks"][j]["indicators"][k]
    names = {y.get("name") for i, y in enumerate(mutant["tasks"][j]["indicators"]) if i != k}
    x["name"] = pair.name if pair.name not in names else f"{pair.name}（补充）"
    x["target"], x["achieved"] = pair.target, pair.achieved
    return _mutant("", f"/tasks/{j}/indicators/{k}: target {pair.target}, achieved {pair.achieved} (missed)",
                   f"/tasks/{j}/indicators/{k}/achieved", mutant, form)


def _m_problems_none(draw, model, spec, form, settings, margin):
    """An indicator certainly short of its target (as target-missed), and 存在问题 printed 无 or blank."""
    mutant = _m_target_missed(draw, model, spec, form, settings, margin)
    if mutant is None:
        return None
    printed = draw(st.sampled_from(["无", "", "—"]))
    mutant.form["problems"] = printed
    return replace(mutant, description=f"{mutant.description}; /problems: {printed!r}", pointer="/problems")


def _m_full_completion_claimed(draw, model, spec, form, settings, margin):
    """An indicator certainly short of its target (as target-missed), while the goals claim full completion."""
    mutant = _m_target_missed(draw, model, spec, form, settings, margin)
    if mutant is None:
        return None
    mutant.form["goals"] = {**mutant.form.get("goals", {}), "achieved": "圆满完成全年各项任务"}
    return replace(mutant, description=f"{mutant.description}; /goals/achieved claims full completion",
                   pointer="/goals/achieved")


def _m_unit_mismatch(draw, model, spec, form, settings, margin):
    places = [(j, k) for j, task in enumerate(form.get("tasks") or []) for k, _ in enumerate(task.get("indicators") or [])]
    if not places:
        return None
    j, k = draw(st.sampled_from(places))
    percent = draw(st.booleans())
    n = draw(st.integers(1, 5000))
    mutant = _with_tasks(form)
    x = mutant["tasks"][j]["indicators"][k]
    names = {y.get("name") for i, y in enumerate(mutant["tasks"][j]["indicators"]) if i != k}
    name = "慰问困难党员群众覆盖率" if percent else "开展党建专题活动次数"
    x["name"] = name if name not in names else f"{name}（补充）"
    if percent:
        x["target"], x["achieved"] = f"≥{draw(st.sampled_from([90, 95, 100]))}%", f"{n}件"
    else:
        x["target"], x["achieved"] = f"≥{draw(st.integers(1, 50))}次", f"{draw(st.integers(1, 100))}%"
    return _mutant("", f"/tasks/{j}/indicators/{k}: target {x['target']}, achieved {x['achieved']} (units differ)",
                   f"/tasks/{j}/indicators/{k}/achieved", mutant, form)


def _m_achieved_not_numeric(draw, model, spec, form, settings, margin):
    places = [(j, k) for j, task in enumerate(spec.tasks) for k, pair in enumerate(task.indicators)
              if pair.kind == "quantitative"]
    if not places:
        return None
    j, k = draw(st.sampled_from(places))
    mutant = _with_tasks(form)
    x = mutant["tasks"][j]["indicators"][k]
    old = x["achieved"]
    x["achieved"] = draw(st.sampled_from(["已完成", "完成", "达成预期指标", "按计划完成", "全部完成"]))
    return _mutant("", f"/tasks/{j}/indicators/{k}/achieved: {old} → {x['achieved']} (target {x['target']} is a number)",
                   f"/tasks/{j}/indicators/{k}/achieved", mutant, form)


def _respec(draw, model, spec: DeptSpec, index: int, part: FundSpec, description: str, pointer_field: str):
    parts = list(spec.parts)
    parts[index] = part
    new_spec = replace(spec, parts=tuple(parts))
    mutant = model.render(new_spec)
    original = model.render(spec)
    row = next(i for i, r in enumerate(mutant["funds"]) if r["source"] == part.source)
    return _mutant("", f"/funds/{row}/{pointer_field}: {original['funds'][row][pointer_field]} → "
                       f"{mutant['funds'][row][pointer_field]} ({description}; amounts, totals and rates consistent)",
                   f"/funds/{row}/{pointer_field}", mutant, original)


def _certain_rate(ratio_lo_ok: Callable[[Decimal, Decimal], bool], num: int, den: int, rd: int) -> bool:
    printed = interval(_percent(Decimal(num), Decimal(den), rd))
    return ratio_lo_ok(*printed)


def _m_completion_low(draw, model, spec, form, settings, margin):
    choices = [i for i, p in enumerate(spec.parts) if p.initial + p.adjustment > 0]
    if not choices:
        return None
    i = draw(st.sampled_from(choices))
    p = spec.parts[i]
    budget = p.initial + p.adjustment
    drop = Decimal(draw(st.integers(1, 300))) / 1000
    actual = int(((settings.alarm - drop) * budget).to_integral_value(rounding=ROUND_FLOOR))
    if actual < 0 or not _certain_rate(lambda lo, hi: hi < settings.alarm, actual, budget, spec.rd):
        return None
    return _respec(draw, model, spec, i, replace(p, actual=actual, rates=True), "完成率低于警戒值", "completion_rate")


def _m_overspent(draw, model, spec, form, settings, margin):
    choices = [i for i, p in enumerate(spec.parts) if p.initial + p.adjustment > 0]
    if not choices:
        return None
    i = draw(st.sampled_from(choices))
    p = spec.parts[i]
    budget = p.initial + p.adjustment
    rise = Decimal(draw(st.integers(1, 500))) / 1000
    actual = int(((settings.limit + rise) * budget).to_integral_value(rounding=ROUND_CEILING))
    if not _certain_rate(lambda lo, hi: lo > settings.limit, actual, budget, spec.rd):
        return None
    return _respec(draw, model, spec, i, replace(p, actual=actual, rates=True), "超支", "completion_rate")


def _m_adjustment_high(draw, model, spec, form, settings, margin):
    choices = [i for i, p in enumerate(spec.parts) if p.initial > 0]
    if not choices:
        return None
    i = draw(st.sampled_from(choices))
    p = spec.parts[i]
    rise = Decimal(draw(st.integers(1, 700))) / 1000
    adjustment = int(((settings.adj_alarm + rise) * p.initial).to_integral_value(rounding=ROUND_CEILING))
    if not _certain_rate(lambda lo, hi: lo > settings.adj_alarm, adjustment, p.initial, spec.rd):
        return None
    budget = p.initial + adjustment
    lo = int((settings.alarm * budget).to_integral_value(rounding=ROUND_CEILING))
    hi = int((max(settings.limit, settings.alarm) * budget).to_integral_value(rounding=ROUND_FLOOR))
    actual = min(max(p.actual, lo), hi) if lo <= hi else budget
    return _respec(draw, model, spec, i, replace(p, adjustment=adjustment, actual=actual, rates=True),
                   "调整率高于警戒值", "adjustment_rate")


def _m_title_year(draw, model, spec, form, settings, margin):
    year = int(str(form["year"])[:4])
    other = year + draw(st.sampled_from([-1, 1]))
    mutant = {**form, "title": f"{other}年度部门整体支出绩效自评表"}
    return Mutant("", f"/title: {other}年度 while /year is {form['year']}", "/title", mutant, form)


DeptModel.kinds = {k.name: k for k in (
    MutationKind("rate-beyond-rounding", "a rate moved beyond the interval its amounts allow", _m_rate_beyond),
    MutationKind("rate-truncated", "a rate truncated instead of rounded (99.985 % printed as 99 %)", _m_rate_truncated),
    MutationKind("amount-beyond-rounding", "an amount moved beyond its rounding interval", _m_amount_beyond),
    MutationKind("total-off", "the 合计 row ≠ Σ fund sources in one column", _m_total_off, frozenset({"total"})),
    MutationKind("total-zeroed", "the 合计 row printed 0/0/0 while its parts are filled", _m_total_zeroed,
                 frozenset({"total"})),
    MutationKind("row-dropped", "a fund source row dropped, the 合计 row unchanged", _m_row_dropped,
                 frozenset({"total"})),
    MutationKind("budget-actual-swapped", "年初预算数 and 实际支出数 swapped on a row", _m_swapped),
    MutationKind("undefined-rate-filled", "预算调整率 printed although 年初预算数 is 0", _m_undefined_rate,
                 frozenset({"zero-initial"})),
    MutationKind("task-funds-off", "Σ 任务涉及资金 ≠ 实际支出数", _m_task_funds_off, frozenset({"total", "task-funds"})),
    MutationKind("indicators-unfilled", "a task with no indicator that has both target and achieved value",
                 _m_indicators_unfilled),
    MutationKind("target-missed", "an indicator's achieved value certainly short of its target", _m_target_missed),
    MutationKind("unit-mismatch", "an indicator's achieved value in a unit its target cannot be compared with",
                 _m_unit_mismatch),
    MutationKind("achieved-not-numeric", "a quantitative target's achieved value without a number (已完成)",
                 _m_achieved_not_numeric),
    MutationKind("completion-below-alarm", "预算完成率 below the alarm (params.completion_alarm), consistently computed",
                 _m_completion_low),
    MutationKind("overspent", "预算完成率 above the limit (params.overspend_limit), consistently computed", _m_overspent),
    MutationKind("adjustment-above-alarm", "预算调整率 above the alarm (params.adjustment_alarm), consistently computed",
                 _m_adjustment_high),
    MutationKind("title-year", "the title's year not the form's year (a template of another year)", _m_title_year),
    MutationKind("rate-initial-base", "预算完成率 computed over 年初预算数 alone (the adjustment left out)",
                 _m_rate_initial_base),
    MutationKind("problems-none", "an indicator certainly short of its target, and 存在问题 printed 无 or blank",
                 _m_problems_none),
    MutationKind("full-completion-claimed", "an indicator certainly short of its target, while the goals claim "
                 "full completion", _m_full_completion_claimed),
)}


# =====================================================================================================
# registry and public strategies
# =====================================================================================================

MODELS: dict[str, FormModel] = {DeptModel.form_type: DeptModel()}


def _register_project() -> None:
    from .project import ProjectModel  # noqa: PLC0415 - it builds on this module

    MODELS[ProjectModel.form_type] = ProjectModel()


def model_for(form_type: str) -> FormModel:
    if form_type not in MODELS and form_type == "cn.project-self-eval":
        _register_project()
    try:
        return MODELS[form_type]
    except KeyError:
        raise LookupError(f"formaudit.testing has no model of form type {form_type!r} (known: "
                          f"{', '.join(sorted(MODELS))}): only schema-valid forms can be generated") from None


def mutation_kinds(form_type: str) -> dict[str, str]:
    """The defect kinds of a form type's mutants: name → what the defect is."""
    return {k.name: k.description for k in model_for(form_type).kinds.values()}


def _params_of(params: Any) -> Mapping[str, Any]:
    if params is None:
        return {}
    return getattr(params, "params", params)  # a Pack, or a mapping


def consistent_forms(form_type: str, params: Any = None, **options: Any) -> st.SearchStrategy[dict]:
    """Forms of ``form_type`` on which every rule of its built-in pack holds. ``params`` (a mapping or a
    ``Pack``) sets the alarm thresholds the forms stay within (default: the built-in pack's). Options of
    the department model: ``exact_task_funds=True`` prints task funds to the cent, summing exactly."""
    model = model_for(form_type)
    settings = model.settings(_params_of(params))
    return model.specs(settings, **options).map(model.render)


def violations(form: Mapping[str, Any], params: Any = None, *, slack: int = 0) -> list[str]:
    """What the independent oracle finds certainly broken in a form (``completion-rate@1``, ``total-actual``…).
    ``slack``: widen each sum by that many half units of its total's last digit."""
    model = model_for(str(form.get("form_type")))
    return model.violations(form, model.settings(_params_of(params)), slack)


def mutants(form_type: str, kinds: tuple[str, ...] | list[str] | None = None, params: Any = None, *,
            margin: int = 0) -> st.SearchStrategy[Mutant]:
    """Single-fault mutants of consistent forms, each labelled with its defect kind (``kinds``: all by
    default). ``margin``: put numeric faults at least that many printed units beyond the rounding edge."""
    model = model_for(form_type)
    settings = model.settings(_params_of(params))
    chosen = tuple(kinds) if kinds else tuple(model.kinds)
    for k in chosen:
        if k not in model.kinds:
            raise ValueError(f"unknown mutation kind {k!r} for {form_type} (known: {', '.join(model.kinds)})")

    @st.composite
    def build(draw):
        kind = draw(st.sampled_from(chosen))
        spec = draw(model.specs(settings, rich=True))
        form = model.render(spec)
        mutant = model.mutate(draw, kind, spec, form, settings, margin)
        if mutant is None:
            from hypothesis import reject
            reject()
        return mutant
    return build()


def fuzz_cases(form_type: str, params: Any = None, *, margin: int = 0,
               kinds_per_case: int | None = None) -> st.SearchStrategy[FuzzCase]:
    """A consistent form (rich half of the time, so that every kind of mutant applies) and mutants of it:
    ``kinds_per_case`` kinds drawn at random (all kinds when None), one mutant each where it applies."""
    model = model_for(form_type)
    settings = model.settings(_params_of(params))

    @st.composite
    def build(draw):
        spec = draw(model.specs(settings, rich=draw(st.booleans())))
        form = model.render(spec)
        made = []
        kinds = list(model.kinds)
        if kinds_per_case is not None and kinds_per_case < len(kinds):
            # a uniform choice: st.permutations would shrink towards the first kinds and starve the last
            kinds = draw(st.randoms(use_true_random=False)).sample(kinds, kinds_per_case)
        for kind in kinds:
            mutant = model.mutate(draw, kind, spec, form, settings, margin)
            if mutant is not None:
                made.append(mutant)
        return FuzzCase(form, tuple(made), spec)
    return build()


_register_project()
