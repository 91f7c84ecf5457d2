"""The model of cn.project-self-eval — 项目支出绩效自评表 (财预〔2020〕10号 附1): consistent forms and their
single-fault mutants. See :mod:`formaudit.testing.models` for what a model is.

A consistent project form: the funds table (年度资金总额 = Σ sources in every column, 执行率 = 全年执行数 ÷
全年预算数 rounded half up, within the alarm and the limit; 预算执行得分 = 分值 × min(执行率, 100%) from the
printed rate); indicators under 产出/效益/满意度 whose weights add up to the default 50/30/10 (params),
each judgeable (quantitative, ordinal or a deadline), scored full when reached (or deducted with a
reason), proportionally when missed (with a reason); 总分 = the exact sum of the printed scores, 分值
100, 等级 by the thresholds; 实际完成情况 of the goals not a copy of the 预期目标, claiming full completion only when no indicator
lost points; a 存在问题 stated; a year in the title, when there is one, the form's year.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any

from hypothesis import strategies as st

from .models import (FormModel, Mutant, MutationKind, _add, _disjoint, _div, _widen, _percent, _param_number, _param_ratio,
                     decimals_of, interval, is_blank, nominal)
from .strategies import BLANKS, IndicatorPair, indicator_pairs, print_decimal, texts

_SOURCES = ("当年财政拨款", "上年结转资金", "其他资金")
_AMOUNTS = ("budget_initial", "budget_full_year", "executed")
_LEVEL2 = {"产出指标": ("数量指标", "质量指标", "时效指标"), "效益指标": ("社会效益指标", "可持续影响指标"),
           "满意度指标": ("服务对象满意度指标",)}
_REASONS = ("受疫情影响部分活动延期，已调整计划并在下年度补齐", "资金下达较晚，项目推进滞后，将加快实施进度",
            "部分服务对象流失，下一步将加强宣传动员")


@dataclass(frozen=True)
class ProjectSettings:
    alarm: Decimal = Decimal("0.9")
    limit: Decimal = Decimal("1")
    weight_execution: Decimal = Decimal(10)
    weights: tuple[Decimal, Decimal, Decimal] = (Decimal(50), Decimal(30), Decimal(10))  # 产出 效益 满意度
    total_weight: Decimal = Decimal(100)
    grades: tuple[Decimal, Decimal, Decimal] = (Decimal(90), Decimal(80), Decimal(60))
    far_above: Decimal = Decimal("1.3")
    total_label: str = "年度资金总额"
    # goals.full-completion-claimed: a consistent form's goals claim full completion only where it may
    claim_words: tuple[str, ...] = ("全面完成", "全部完成", "圆满完成", "均已完成", "均按时完成", "全部达到", "全面达到",
                                    "均已达到", "全部实现", "全面实现", "均已实现", "100%完成")


@dataclass(frozen=True)
class PFund:
    source: str
    initial: int
    full_year: int
    executed: int
    rates: bool


@dataclass(frozen=True)
class Ind:
    level1: str
    level2: str
    pair: IndicatorPair
    weight: int
    score: Decimal              # the score's value as printed (with the spec's score decimals)
    reason: str | None          # 偏差原因分析及改进措施


@dataclass(frozen=True)
class ProjectSpec:
    unit: str
    d: int
    rd: int
    sd: int                     # score decimals
    parts: tuple[PFund, ...]
    exec_weight: int
    indicators: tuple[Ind, ...]
    level1_weights: bool        # print 产出指标(50分) as level1_weight
    grade_long: bool            # 优秀/良好 instead of 优/良
    blank: str
    header: tuple[tuple[str, Any], ...] = ()
    # arithmetic faults, applied when rendering so that what follows from them (rates, scores, total, grade)
    # is computed from the faulty value, as the form's author would have done
    total_override: tuple[tuple[str, int], ...] = ()
    exec_score_delta: Decimal = Decimal(0)
    total_score_delta: Decimal = Decimal(0)
    grade_override: str | None = None
    level1_override: tuple[tuple[str, int], ...] = ()     # a printed 一级指标 subtotal
    initial_base: tuple[str, ...] = ()                    # sources whose 执行率 was divided by 年初预算数
    score_blank: bool = False                             # the 年度资金总额 得分 printed blank
    settings: ProjectSettings = ProjectSettings()


def _score_text(value: Decimal, sd: int) -> str:
    return print_decimal(value, sd)


def _grade(score: Decimal, settings: ProjectSettings, long: bool) -> str:
    ex, good, ok = settings.grades
    if score >= ex:
        return "优秀" if long else "优"
    if score >= good:
        return "良好" if long else "良"
    if score >= ok:
        return "中"
    return "差"


def proportional(pair: IndicatorPair, weight: int, sd: int) -> Decimal:
    """The score a missed quantitative indicator gets: 分值 × 完成值 ÷ 指标值 (0 for a missed zero target)."""
    a, t = _first_number(pair.achieved), _first_number(pair.target)
    if a is None or t is None or t == 0:
        return Decimal(0)
    return (min(a / t, Decimal(1)) * weight).quantize(Decimal(1).scaleb(-sd), rounding=ROUND_HALF_UP)


def _first_number(text: str) -> Decimal | None:
    import re

    m = re.search(r"\d+(?:\.\d+)?", text)
    return Decimal(m.group()) if m else None


class ProjectModel(FormModel):
    form_type = "cn.project-self-eval"
    by_construction = frozenset({"missed-full-marks", "partial-score-wrong", "met-but-deducted", "missing-reason",
                                 "goals-copied", "title-year", "full-completion-claimed", "problems-none", "achieved-copies-target", "placeholder-left",
                                 "direction-implausible", "far-above-unexplained", "category-missing",
                                 "weight-without-score", "rate-initial-base", "execution-score-blank",
                                 "low-execution-full-marks", "level1-subtotal-off",
                                 "qualitative-out-of-band"})

    def settings(self, params):
        params = params or {}
        sources = params.get("total_sources") if params else None
        label = sources[0] if isinstance(sources, (list, tuple)) and sources else "年度资金总额"
        return ProjectSettings(
            alarm=_param_ratio(params, "execution_alarm", "90%"),
            limit=_param_ratio(params, "overspend_limit", "100%"),
            weight_execution=_param_number(params, "weight_execution", 10),
            weights=(_param_number(params, "weight_output", 50), _param_number(params, "weight_effect", 30),
                     _param_number(params, "weight_satisfaction", 10)),
            total_weight=_param_number(params, "total_weight", 100),
            grades=(_param_number(params, "grade_excellent", 90), _param_number(params, "grade_good", 80),
                    _param_number(params, "grade_pass", 60)),
            far_above=_param_ratio(params, "far_above", "130%"),
            total_label=str(label),
            **({"claim_words": tuple(str(w) for w in params["full_completion_words"])}
               if isinstance(params.get("full_completion_words"), (list, tuple)) else {}))

    def specs(self, settings, *, rich=False, **options):
        return _project_spec(settings, rich)

    # -- rendering ------------------------------------------------------------------------------------

    def render(self, spec: ProjectSpec) -> dict:
        settings = spec.settings
        form: dict[str, Any] = {"form_type": self.form_type}
        form.update(dict(spec.header))
        form["amount_unit"] = spec.unit

        def amount(units: int) -> str:
            return print_decimal(Decimal(units).scaleb(-spec.d), spec.d)

        def row(source, initial, full, executed, rates):
            r = {"source": source, "budget_initial": amount(initial), "budget_full_year": amount(full),
                 "executed": amount(executed)}
            base = initial if source in spec.initial_base else full
            r["execution_rate"] = _percent(Decimal(executed), Decimal(base), spec.rd) if rates and base > 0 else spec.blank
            return r
        total = {c: sum(getattr(p, {"budget_initial": "initial", "budget_full_year": "full_year",
                                    "executed": "executed"}[c]) for p in spec.parts) for c in _AMOUNTS}
        total.update(dict(spec.total_override))
        total_row = row(settings.total_label, total["budget_initial"], total["budget_full_year"], total["executed"], True)
        rate = nominal(total_row["execution_rate"]) if not is_blank(total_row["execution_rate"]) else Decimal(0)
        exec_score = (min(rate, Decimal(1)) * spec.exec_weight).quantize(Decimal(1).scaleb(-spec.sd),
                                                                         rounding=ROUND_HALF_UP)
        exec_score += spec.exec_score_delta
        total_row["weight"] = str(spec.exec_weight)
        total_row["score"] = spec.blank if spec.score_blank else _score_text(exec_score, spec.sd)
        if spec.score_blank:
            exec_score = Decimal(0)
        form["funds"] = [total_row] + [row(p.source, p.initial, p.full_year, p.executed, p.rates) for p in spec.parts]
        indicators = []
        printed_level1: dict[str, int] = {}
        for x in spec.indicators:
            printed_level1[x.level1] = printed_level1.get(x.level1, 0) + x.weight
        printed_level1.update(dict(spec.level1_override))
        for x in spec.indicators:
            item = {"level1": x.level1}
            if spec.level1_weights:
                item["level1_weight"] = str(printed_level1[x.level1])
            item.update({"level2": x.level2, "name": x.pair.name, "target": x.pair.target,
                         "achieved": x.pair.achieved, "weight": str(x.weight),
                         "score": _score_text(x.score, spec.sd) if x.score is not None else spec.blank,
                         "deviation_reason": x.reason if x.reason else spec.blank})
            indicators.append(item)
        form["indicators"] = indicators
        total_score = exec_score + sum((x.score for x in spec.indicators if x.score is not None), Decimal(0))
        total_score += spec.total_score_delta
        form["total"] = {"weight": format(settings.total_weight.normalize(), "f"), "score": _score_text(total_score, spec.sd),
                         "grade": spec.grade_override or _grade(total_score, settings, spec.grade_long)}
        return form

    # -- the oracle (arithmetic relations; indicator judgements are defects by construction) ------------

    def violations(self, form, settings, slack=0):
        out: list[str] = []
        funds = [r for r in form.get("funds") or [] if isinstance(r, dict)]
        for i, r in enumerate(funds):
            full, executed = interval(r.get("budget_full_year")), interval(r.get("executed"))
            rate = interval(r.get("execution_rate"))
            if rate is not None and full is not None and executed is not None:
                computed = _div(executed, full)
                if computed is not None and _disjoint(rate, computed):
                    out.append(f"execution-rate@{i}")
            if not is_blank(r.get("weight")) and not is_blank(r.get("score")) and rate is not None:
                w = nominal(r["weight"])
                expected = (min(rate[0], Decimal(1)) * w, min(rate[1], Decimal(1)) * w)
                if _disjoint(interval(r["score"]), expected):
                    out.append(f"execution-score@{i}")
        labels = {settings.total_label, "合计", "年度资金总额"}
        totals = [r for r in funds if str(r.get("source", "")).strip() in labels]
        parts = [r for r in funds if str(r.get("source", "")).strip() not in labels]
        if len(totals) == 1 and parts:
            t = totals[0]
            for column in _AMOUNTS:
                stated = interval(t.get(column))
                if stated is None:
                    continue
                summed = (Decimal(0), Decimal(0))
                for p in parts:
                    v = interval(p.get(column))
                    if v is not None:
                        summed = _add(summed, v)
                if _disjoint(stated, _widen(summed, stated, slack)):
                    out.append(f"total-{column}")
            # as domain.md and the pack define it: the rate the amounts give; the printed rate without them
            full, executed = interval(t.get("budget_full_year")), interval(t.get("executed"))
            rate = _div(executed, full) if full is not None and executed is not None else interval(t.get("execution_rate"))
            if rate is not None and rate[1] < settings.alarm:
                out.append("execution-low")
            if rate is not None and rate[0] > settings.limit:
                out.append("overspent")
        indicators = [x for x in form.get("indicators") or [] if isinstance(x, dict)]
        total = form.get("total") if isinstance(form.get("total"), dict) else {}
        exec_rows = totals or funds
        scores = [nominal(r.get("score")) for r in exec_rows + indicators if not is_blank(r.get("score"))]
        weights = [nominal(r.get("weight")) for r in exec_rows + indicators if not is_blank(r.get("weight"))]
        for j, x in enumerate(indicators):
            if not is_blank(x.get("weight")) and not is_blank(x.get("score")) and nominal(x["score"]) > nominal(x["weight"]):
                out.append(f"score-above-weight@{j}")
        if not is_blank(total.get("score")):
            if _disjoint(interval(total["score"]), (sum(scores, Decimal(0)),) * 2):
                out.append("total-score")
            if not is_blank(total.get("grade")):
                expected = _grade(nominal(total["score"]), settings, False)[0]
                if expected not in str(total["grade"]):
                    out.append("grade")
        if indicators and weights and sum(weights, Decimal(0)) != nominal(total.get("weight") or "100"):
            out.append("weight-sum")
        return out


@st.composite
def _project_spec(draw, settings: ProjectSettings, rich: bool) -> ProjectSpec:
    unit = draw(st.sampled_from(["万元", "万元", "元"]))
    d = 2 if unit == "万元" else draw(st.sampled_from([2, 0]))
    rd = draw(st.sampled_from([2, 2, 1, 0]))
    sd = draw(st.sampled_from([2, 2, 0]))
    top = (5000 if unit == "万元" else 50_000_000) * 10 ** d
    n_parts = draw(st.integers(2 if rich else 1, 3))
    sources = draw(st.permutations(_SOURCES))[:n_parts]
    alarm, limit = settings.alarm, max(settings.limit, settings.alarm)
    parts = []
    for source in sources:
        full = draw(st.integers(10 ** d, top))
        initial = draw(st.sampled_from([full, full, 0, draw(st.integers(0, full))]))
        lo = int((alarm * full).to_integral_value(rounding=ROUND_CEILING))
        hi = int((limit * full).to_integral_value(rounding=ROUND_FLOOR))
        executed = draw(st.integers(lo, hi)) if lo <= hi else full
        parts.append(PFund(source, initial, full, executed, True if rich else draw(st.integers(0, 5)) > 0))
    indicators: list[Ind] = []
    for level1, weight in zip(("产出指标", "效益指标", "满意度指标"), settings.weights):
        weight = int(weight)
        if weight <= 0:
            continue
        n = draw(st.integers(1, min(4, weight)))
        cuts = sorted(draw(st.lists(st.integers(1, weight - 1), min_size=n - 1, max_size=n - 1, unique=True))) \
            if n > 1 else []
        shares = [b - a for a, b in zip([0] + cuts, cuts + [weight])]
        names: set[str] = set()
        for w in shares:
            level2 = draw(st.sampled_from(_LEVEL2[level1]))
            reached = draw(st.integers(0, 4)) > 0
            pair = draw(_judgeable_pairs(reached, level2))
            if pair.name in names:
                pair = replace(pair, name=pair.name + "（" + "甲乙丙丁戊己庚辛"[len(names) % 8] + "）")
            names.add(pair.name)
            indicators.append(_scored(draw, level1, level2, pair, w, sd))
    grade_long = draw(st.booleans())
    # random text must not claim full completion by chance (Hypothesis also draws strings it finds in local code)
    planned = "全年" + draw(texts(max_size=30, wild=False).filter(
        lambda t: not any(w in "全年" + t for w in settings.claim_words)))
    year = draw(st.integers(2019, 2025))
    header = (("title", draw(st.sampled_from(["项目支出绩效自评表", f"{year}年度项目支出绩效自评表"]))), ("year", year),
              ("project", draw(st.sampled_from(["社区居家养老服务项目", "农村饮水安全巩固提升工程", "中小学校舍维修改造"]))),
              ("department", draw(st.sampled_from(["民政局", "水务局", "教育局"]))),
              ("implementer", draw(st.sampled_from(["街道办事处", "水利站", "中心学校"]))),
              # full completion is claimed only where no indicator lost points (goals.full-completion-claimed)
              ("goals", {"planned": planned, "achieved": planned + (
                  "，已全面完成年度目标" if all(i.score >= i.weight for i in indicators) and draw(st.booleans())
                  else "，已按计划完成")}),
              # a problem is always stated: points are deducted on many consistent forms (structure.problems-none)
              ("problems", "1、" + draw(texts(max_size=20, wild=False))), ("measures", draw(texts(max_size=20))))
    return ProjectSpec(unit, d, rd, sd, tuple(parts), int(settings.weight_execution), tuple(indicators),
                       draw(st.booleans()), grade_long, draw(st.sampled_from(BLANKS)), header, settings=settings)


def _judgeable_pairs(reached: bool, level2: str) -> st.SearchStrategy[IndicatorPair]:
    """Indicator rows whose verdict the targets reader can give (no qualitative ones: those are
    reported as not judgeable, an info finding). A 数量指标 never gets a ≤ target."""
    base = indicator_pairs(reached=reached)
    base = base.filter(lambda p: p.kind != "qualitative")
    if "数量" in level2:
        base = base.filter(lambda p: not p.target.startswith(("≤", "0")) and "起" not in p.target)
    return base


def _scored(draw, level1: str, level2: str, pair: IndicatorPair, weight: int, sd: int) -> Ind:
    unit = Decimal(1).scaleb(-sd)
    if pair.reached:
        # met, yet deducted — with the reason; an ordinal result (良好) stays in its band (≥ 80 % of 分值)
        most = int(weight / unit) // 4 if pair.kind == "quantitative" else int(weight / unit) // 5
        if most >= 1 and draw(st.integers(0, 5)) == 0:
            score = Decimal(weight) - unit * draw(st.integers(1, most))
            return Ind(level1, level2, pair, weight, score, draw(st.sampled_from(_REASONS)))
        return Ind(level1, level2, pair, weight, Decimal(weight).quantize(unit), None)
    score = proportional(pair, weight, sd)
    if score >= weight:
        # so close that the proportional score rounds to full marks (which would be "missed, yet full
        # marks"): a form with that row cannot satisfy both rules, so the achieved value is set lower
        a, t = _first_number(pair.achieved), _first_number(pair.target)
        lower = ((Decimal(weight) - unit) / weight * t).to_integral_value(rounding=ROUND_FLOOR) - 1
        lower = max(Decimal(0), lower)
        pair = replace(pair, achieved=pair.achieved.replace(_plain_number(a), _plain_number(lower), 1))
        score = proportional(pair, weight, sd)
    return Ind(level1, level2, pair, weight, score.max(Decimal(0)), draw(st.sampled_from(_REASONS)))


def _plain_number(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f")


# -- project mutations ------------------------------------------------------------------------------------

def _respec(model, spec, settings, new_spec, kind, description, pointer) -> Mutant:
    return Mutant(kind, description, pointer, model.render(new_spec), model.render(spec))


def _pick_indicator(draw, spec: ProjectSpec, predicate=lambda x: True) -> int | None:
    choices = [i for i, x in enumerate(spec.indicators) if predicate(x)]
    return draw(st.sampled_from(choices)) if choices else None


def _with_indicator(spec: ProjectSpec, i: int, ind: Ind) -> ProjectSpec:
    items = list(spec.indicators)
    items[i] = ind
    return replace(spec, indicators=tuple(items))


def _m_execution_rate(draw, model, spec, form, settings, margin):
    rows = [i for i, r in enumerate(form["funds"]) if not is_blank(r.get("execution_rate"))]
    if not rows:
        return None
    i = draw(st.sampled_from(rows))
    r = form["funds"][i]
    lo, hi = _div(interval(r["executed"]), interval(r["budget_full_year"]))
    rd = decimals_of(r["execution_rate"])
    unit = Decimal(1).scaleb(-rd) / 100
    k = draw(st.integers(margin, margin + 20))
    down = ((lo - unit / 2) / unit).to_integral_value(rounding=ROUND_CEILING) - 1 - k
    value = down * unit if down >= 0 and not draw(st.booleans()) else \
        (((hi + unit / 2) / unit).to_integral_value(rounding=ROUND_FLOOR) + 1 + k) * unit
    mutant = {**form, "funds": [dict(x) for x in form["funds"]]}
    new = print_decimal(value * 100, rd) + "%"
    old = r["execution_rate"]
    mutant["funds"][i]["execution_rate"] = new
    return Mutant("", f"/funds/{i}/execution_rate: {old} → {new}", f"/funds/{i}/execution_rate", mutant, form)


def _m_total_off(draw, model, spec, form, settings, margin):
    column = draw(st.sampled_from(_AMOUNTS))
    key = {"budget_initial": "initial", "budget_full_year": "full_year", "executed": "executed"}[column]
    true = sum(getattr(p, key) for p in spec.parts)
    n = len(spec.parts) + 1
    k = (n + 1) // 2 + 1 + draw(st.integers(margin, margin + 5))
    sign = draw(st.sampled_from([1, -1]))
    if true - k <= 0 or column == "budget_initial" and true - k < 0:
        sign = 1
    new = true + sign * k
    new_spec = replace(spec, total_override=((column, new),))
    mutant = _respec(model, spec, settings, new_spec, "", "", "")
    if column == "budget_full_year" and new <= 0:
        return None
    return replace(mutant, description=f"/funds/0/{column}: {form['funds'][0][column]} → {mutant.form['funds'][0][column]} "
                                       f"(年度资金总额 ≠ Σ sources; rate, scores and grade follow it)",
                   pointer=f"/funds/0/{column}")


def _m_row_dropped(draw, model, spec, form, settings, margin):
    if len(spec.parts) < 2:
        return None
    i = draw(st.integers(1, len(spec.parts)))
    mutant = {**form, "funds": [dict(x) for j, x in enumerate(form["funds"]) if j != i]}
    return Mutant("", f"/funds/{i}: source {form['funds'][i]['source']} dropped (年度资金总额 unchanged)",
                  f"/funds/{i}", mutant, form)


def _m_swapped(draw, model, spec, form, settings, margin):
    for i in draw(st.permutations(range(len(form["funds"])))):
        r = form["funds"][i]
        if nominal(r["budget_full_year"]) == nominal(r["executed"]):
            continue
        mutant = {**form, "funds": [dict(x) for x in form["funds"]]}
        m = mutant["funds"][i]
        m["budget_full_year"], m["executed"] = m["executed"], m["budget_full_year"]
        if model.violations(mutant, settings):
            return Mutant("", f"/funds/{i}: 全年预算数 {r['budget_full_year']} and 全年执行数 {r['executed']} swapped",
                          f"/funds/{i}", mutant, form)
    return None


def _m_execution_score(draw, model, spec, form, settings, margin):
    unit = Decimal(1).scaleb(-spec.sd)
    # beyond the interval the printed rate allows: the rate's half unit × the weight, plus one score unit
    rate_half = Decimal("0.5").scaleb(-spec.rd) / 100 * spec.exec_weight
    steps = int((rate_half / unit).to_integral_value(rounding=ROUND_CEILING)) + 1 + draw(st.integers(margin, margin + 5))
    current = nominal(form["funds"][0]["score"])
    sign = -1 if current - steps * unit >= 0 and draw(st.booleans()) else 1
    new_spec = replace(spec, exec_score_delta=sign * steps * unit)
    m = _respec(model, spec, settings, new_spec, "", "", "")
    return replace(m, description=f"/funds/0/score: {form['funds'][0]['score']} → {m.form['funds'][0]['score']} "
                                  f"(≠ 分值 × min(执行率, 100%); 总分 and 等级 follow it)", pointer="/funds/0/score")


def _m_total_score(draw, model, spec, form, settings, margin):
    unit = Decimal(1).scaleb(-spec.sd)
    steps = 1 + draw(st.integers(margin, margin + 20))
    sign = draw(st.sampled_from([1, -1]))
    new_spec = replace(spec, total_score_delta=sign * steps * unit)
    m = _respec(model, spec, settings, new_spec, "", "", "")
    return replace(m, description=f"/total/score: {form['total']['score']} → {m.form['total']['score']} "
                                  f"(≠ 预算执行得分 + Σ 指标得分; 等级 follows it)", pointer="/total/score")


def _m_grade(draw, model, spec, form, settings, margin):
    right = form["total"]["grade"]
    wrong = draw(st.sampled_from([g for g in ("优", "良", "中", "差") if g not in right]))
    m = _respec(model, spec, settings, replace(spec, grade_override=wrong), "", "", "")
    return replace(m, description=f"/total/grade: {right} → {wrong} (总分 {form['total']['score']})",
                   pointer="/total/grade")


def _m_score_above_weight(draw, model, spec, form, settings, margin):
    i = _pick_indicator(draw, spec)
    x = spec.indicators[i]
    unit = Decimal(1).scaleb(-spec.sd)
    score = Decimal(x.weight) + unit * draw(st.integers(1, 5 + margin))
    m = _respec(model, spec, settings, _with_indicator(spec, i, replace(x, score=score, reason=x.reason)), "", "", "")
    return replace(m, description=f"/indicators/{i}/score: {_score_text(x.score, spec.sd)} → "
                                  f"{m.form['indicators'][i]['score']} (分值 {x.weight}; 总分 follows)",
                   pointer=f"/indicators/{i}/score")


def _m_missed_full_marks(draw, model, spec, form, settings, margin):
    i = _pick_indicator(draw, spec, lambda x: "数量" not in x.level2)
    if i is None:
        return None
    x = spec.indicators[i]
    pair = draw(_judgeable_pairs(False, x.level2))
    new = replace(x, pair=pair, score=Decimal(x.weight), reason=draw(st.sampled_from(_REASONS)))
    m = _respec(model, spec, settings, _with_indicator(spec, i, new), "", "", "")
    return replace(m, description=f"/indicators/{i}: target {pair.target}, achieved {pair.achieved} (missed), "
                                  f"yet full marks {x.weight}", pointer=f"/indicators/{i}/score")


def _m_partial_score_wrong(draw, model, spec, form, settings, margin):
    i = _pick_indicator(draw, spec, lambda x: not x.pair.reached and x.weight >= 2
                        and _first_number(x.pair.target) not in (None, Decimal(0)))
    if i is None:
        return None
    x = spec.indicators[i]
    unit = Decimal(1).scaleb(-spec.sd)
    right = proportional(x.pair, x.weight, spec.sd)
    # more than the ratio's rounding allows (the achieved value's half unit ÷ target × weight), below full marks
    slack = Decimal("0.5") / _first_number(x.pair.target) * x.weight
    steps = int((slack / unit).to_integral_value(rounding=ROUND_CEILING)) + 2 + margin
    candidates = [right + steps * unit, right - steps * unit]
    candidates = [c for c in candidates if Decimal(0) <= c < x.weight]
    if not candidates:
        return None
    score = draw(st.sampled_from(candidates))
    m = _respec(model, spec, settings, _with_indicator(spec, i, replace(x, score=score)), "", "", "")
    return replace(m, description=f"/indicators/{i}/score: {_score_text(x.score, spec.sd)} → {_score_text(score, spec.sd)} "
                                  f"(proportional score is {_score_text(right, spec.sd)}; 总分 follows)",
                   pointer=f"/indicators/{i}/score")


def _m_met_but_deducted(draw, model, spec, form, settings, margin):
    i = _pick_indicator(draw, spec, lambda x: x.pair.reached and x.weight >= 1 and x.pair.kind == "quantitative")
    if i is None:
        return None
    x = spec.indicators[i]
    unit = Decimal(1).scaleb(-spec.sd)
    score = (Decimal(x.weight) - unit * draw(st.integers(1, max(1, int(x.weight / unit))))).max(Decimal(0))
    m = _respec(model, spec, settings, _with_indicator(spec, i, replace(x, score=score, reason=None)), "", "", "")
    return replace(m, description=f"/indicators/{i}/score: target met ({x.pair.target} / {x.pair.achieved}) yet "
                                  f"{_score_text(score, spec.sd)}/{x.weight}, no reason", pointer=f"/indicators/{i}/score")


def _m_missing_reason(draw, model, spec, form, settings, margin):
    i = _pick_indicator(draw, spec, lambda x: x.reason is not None)
    if i is None:
        return None
    x = spec.indicators[i]
    m = _respec(model, spec, settings, _with_indicator(spec, i, replace(x, reason=None)), "", "", "")
    return replace(m, description=f"/indicators/{i}/deviation_reason: dropped ({'missed' if not x.pair.reached else 'deducted'})",
                   pointer=f"/indicators/{i}/deviation_reason")


def _m_weight_sum(draw, model, spec, form, settings, margin):
    i = _pick_indicator(draw, spec)
    x = spec.indicators[i]
    k = draw(st.integers(1, 10))
    full = x.score == x.weight
    new = replace(x, weight=x.weight + k, score=(x.score + k) if full else x.score)
    m = _respec(model, spec, settings, _with_indicator(spec, i, new), "", "", "")
    return replace(m, description=f"/indicators/{i}/weight: {x.weight} → {x.weight + k} (Σ 分值 ≠ 100)",
                   pointer=f"/indicators/{i}/weight")


def _m_category_missing(draw, model, spec, form, settings, margin):
    level1 = draw(st.sampled_from(["效益指标", "满意度指标"]))
    other = "产出指标"
    moved = tuple(replace(x, level1=other, level2="质量指标") if x.level1 == level1 else x for x in spec.indicators)
    m = _respec(model, spec, settings, replace(spec, indicators=moved), "", "", "")
    return replace(m, description=f"/indicators: no {level1} (its indicators filed under {other})",
                   pointer="/indicators")


def _m_goals_copied(draw, model, spec, form, settings, margin):
    mutant = {**form, "goals": {"planned": form["goals"]["planned"], "achieved": form["goals"]["planned"]}}
    return Mutant("", "/goals/achieved: a copy of /goals/planned", "/goals/achieved", mutant, form)


def _m_problems_none(draw, model, spec, form, settings, margin):
    deducted = [i for i, ind in enumerate(spec.indicators) if ind.score < ind.weight]
    if not deducted:
        return None
    printed = draw(st.sampled_from(["无", "", "—", "/"]))
    mutant = {**form, "problems": printed}
    return Mutant("", f"/problems: {printed!r} while /indicators/{deducted[0]} lost points", "/problems", mutant, form)


def _m_full_completion_claimed(draw, model, spec, form, settings, margin):
    deducted = [i for i, ind in enumerate(spec.indicators) if ind.score < ind.weight]
    if not deducted:
        return None
    claim = draw(st.sampled_from(["已全面完成年度目标", "各项任务均已完成", "圆满完成全年任务"]))
    mutant = {**form, "goals": {**form["goals"], "achieved": form["goals"]["planned"] + "，" + claim}}
    return Mutant("", f"/goals/achieved claims {claim} while /indicators/{deducted[0]} lost points", "/goals/achieved",
                  mutant, form)


def _m_title_year(draw, model, spec, form, settings, margin):
    other = form["year"] + draw(st.sampled_from([-1, 1]))
    mutant = {**form, "title": f"{other}年度项目支出绩效自评表"}
    return Mutant("", f"/title: {other}年度 while /year is {form['year']}", "/title", mutant, form)


def _m_achieved_copies_target(draw, model, spec, form, settings, margin):
    i = _pick_indicator(draw, spec, lambda x: x.pair.kind == "quantitative" and x.pair.reached)
    if i is None:
        return None
    x = spec.indicators[i]
    n = _first_number(x.pair.target)
    unit = x.pair.target[x.pair.target.find(str(n)) + len(str(n)):] if n is not None else ""
    copied = f"≥{x.pair.target.lstrip('≥')}" if x.pair.target.startswith("≥") else f"≥{n}{unit}"
    mutant = {**form, "indicators": [dict(y) for y in form["indicators"]]}
    mutant["indicators"][i]["achieved"] = copied
    return Mutant("", f"/indicators/{i}/achieved: {x.pair.achieved} → {copied} (the target copied)",
                  f"/indicators/{i}/achieved", mutant, form)


def _m_placeholder(draw, model, spec, form, settings, margin):
    i = _pick_indicator(draw, spec)
    mutant = {**form, "indicators": [dict(y) for y in form["indicators"]]}
    new = draw(st.sampled_from(["≥**人", "≥**%", "XX次", "优良中低差"]))
    old = mutant["indicators"][i]["target"]
    mutant["indicators"][i]["target"] = new
    return Mutant("", f"/indicators/{i}/target: {old} → {new} (template placeholder left)",
                  f"/indicators/{i}/target", mutant, form)


def _m_direction(draw, model, spec, form, settings, margin):
    i = _pick_indicator(draw, spec, lambda x: x.pair.kind == "quantitative" and x.pair.target.startswith(("≥", "不低于", "不少于")))
    if i is None:
        return None
    x = spec.indicators[i]
    n = _first_number(x.pair.target)
    mutant = {**form, "indicators": [dict(y) for y in form["indicators"]]}
    item = mutant["indicators"][i]
    item["level2"] = "数量指标"
    old = item["target"]
    item["target"] = "≤" + old[old.find(str(n)):]
    item["achieved"] = old[old.find(str(n)):]
    return Mutant("", f"/indicators/{i}/target: {old} → {item['target']} on a 数量指标", f"/indicators/{i}/target",
                  mutant, form)


def _m_far_above(draw, model, spec, form, settings, margin):
    i = _pick_indicator(draw, spec, lambda x: x.pair.kind == "quantitative" and x.pair.reached and x.reason is None
                        and "%" not in x.pair.target and _first_number(x.pair.target) not in (None, Decimal(0)))
    if i is None:
        return None
    x = spec.indicators[i]
    n = _first_number(x.pair.target)
    unit = x.pair.target[x.pair.target.find(str(n)) + len(str(n)):].replace("以上", "")
    big = (n * settings.far_above * Decimal("1.1")).to_integral_value(rounding=ROUND_CEILING) + draw(st.integers(1, 100))
    mutant = {**form, "indicators": [dict(y) for y in form["indicators"]]}
    mutant["indicators"][i]["achieved"] = f"{big}{unit}"
    return Mutant("", f"/indicators/{i}/achieved: {x.pair.achieved} → {big}{unit} (≥ {settings.far_above:.0%} of "
                      f"{x.pair.target}, no reason)", f"/indicators/{i}/achieved", mutant, form)


def _m_weight_without_score(draw, model, spec, form, settings, margin):
    i = _pick_indicator(draw, spec)
    field = draw(st.sampled_from(["score", "achieved", "target"]))
    mutant = {**form, "indicators": [dict(y) for y in form["indicators"]]}
    old = mutant["indicators"][i][field]
    mutant["indicators"][i][field] = spec.blank
    return Mutant("", f"/indicators/{i}/{field}: {old} → blank (分值 {spec.indicators[i].weight})",
                  f"/indicators/{i}/{field}", mutant, form)


def _m_execution_low(draw, model, spec, form, settings, margin):
    drop = Decimal(draw(st.integers(2, 300))) / 1000
    parts = tuple(replace(p, executed=int(((settings.alarm - drop) * p.full_year).to_integral_value(rounding=ROUND_FLOOR)))
                  for p in spec.parts)
    new_spec = replace(spec, parts=parts)
    m = _respec(model, spec, settings, new_spec, "", "", "")
    if "execution-low" not in model.violations(m.form, settings):
        return None
    return replace(m, description=f"/funds/0/execution_rate: {form['funds'][0]['execution_rate']} → "
                                  f"{m.form['funds'][0]['execution_rate']} (below the alarm; scores follow)",
                   pointer="/funds/0/execution_rate")


def _m_overspent(draw, model, spec, form, settings, margin):
    rise = Decimal(draw(st.integers(2, 500))) / 1000
    parts = tuple(replace(p, executed=int(((settings.limit + rise) * p.full_year).to_integral_value(rounding=ROUND_CEILING)))
                  for p in spec.parts)
    m = _respec(model, spec, settings, replace(spec, parts=parts), "", "", "")
    if "overspent" not in model.violations(m.form, settings):
        return None
    return replace(m, description=f"/funds/0/execution_rate: {form['funds'][0]['execution_rate']} → "
                                  f"{m.form['funds'][0]['execution_rate']} (executed above the budget)",
                   pointer="/funds/0/execution_rate")


def _m_initial_base(draw, model, spec, form, settings, margin):
    choices = [p for p in spec.parts if p.rates and 0 < p.initial != p.full_year]
    if not choices:
        return None
    p = draw(st.sampled_from(choices))
    m = _respec(model, spec, settings, replace(spec, initial_base=(p.source,)), "", "", "")
    i = next(j for j, r in enumerate(m.form["funds"]) if r["source"] == p.source)
    rate = interval(m.form["funds"][i]["execution_rate"])
    right = _div(interval(m.form["funds"][i]["executed"]), interval(m.form["funds"][i]["budget_full_year"]))
    if right is None or not _disjoint(rate, right):
        return None
    return replace(m, description=f"/funds/{i}/execution_rate: {form['funds'][i]['execution_rate']} → "
                                  f"{m.form['funds'][i]['execution_rate']} (全年执行数 ÷ 年初预算数)",
                   pointer=f"/funds/{i}/execution_rate")


def _m_score_blank(draw, model, spec, form, settings, margin):
    m = _respec(model, spec, settings, replace(spec, score_blank=True), "", "", "")
    return replace(m, description=f"/funds/0/score: {form['funds'][0]['score']} → blank (分值 {spec.exec_weight})",
                   pointer="/funds/0/score")


def _m_low_execution_full_marks(draw, model, spec, form, settings, margin):
    share = Decimal(draw(st.integers(5, 45))) / 100
    parts = tuple(replace(p, executed=int((share * p.full_year).to_integral_value(rounding=ROUND_FLOOR)))
                  for p in spec.parts)
    indicators = []
    for x in spec.indicators:
        pair = x.pair if x.pair.reached else draw(_judgeable_pairs(True, x.level2))
        indicators.append(replace(x, pair=pair, score=Decimal(x.weight), reason=None))
    new_spec = replace(spec, parts=parts, indicators=tuple(indicators))
    m = _respec(model, spec, settings, new_spec, "", "", "")
    return replace(m, description=f"/funds/0/execution_rate: {m.form['funds'][0]['execution_rate']} while every "
                                  f"indicator has full marks", pointer="/funds/0/execution_rate")


def _m_qualitative_band(draw, model, spec, form, settings, margin):
    i = _pick_indicator(draw, spec, lambda x: x.weight >= 2)
    if i is None:
        return None
    x = spec.indicators[i]
    word, band = draw(st.sampled_from([("基本达到预期", "60%–80%"), ("部分完成", "60%–80%"), ("未达到预期", "below 60%")]))
    target = draw(st.sampled_from(["效果明显", "显著提升", "有效"]))
    pair = IndicatorPair(draw(st.sampled_from(["社会效益", "群众满意情况"])) + "（定性）", target, word, "qualitative")
    new = replace(x, pair=pair, score=Decimal(x.weight), reason=draw(st.sampled_from(_REASONS)))
    m = _respec(model, spec, settings, _with_indicator(spec, i, new), "", "", "")
    return replace(m, description=f"/indicators/{i}: achieved “{word}” ({band} of 分值) scored full marks {x.weight}",
                   pointer=f"/indicators/{i}/score")


def _m_level1_subtotal(draw, model, spec, form, settings, margin):
    level1 = draw(st.sampled_from(sorted({x.level1 for x in spec.indicators})))
    right = sum(x.weight for x in spec.indicators if x.level1 == level1)
    wrong = right + draw(st.sampled_from([-1, 1])) * draw(st.integers(1, 10))
    if wrong <= 0:
        wrong = right + 1
    m = _respec(model, spec, settings, replace(spec, level1_weights=True, level1_override=((level1, wrong),)), "", "", "")
    return replace(m, description=f"/indicators: {level1} printed ({wrong}分), its indicators' weights add up to {right}",
                   pointer="/indicators")


ProjectModel.kinds = {k.name: k for k in (
    MutationKind("rate-beyond-rounding", "an 执行率 moved beyond the interval its amounts allow", _m_execution_rate),
    MutationKind("total-off", "年度资金总额 ≠ Σ sources in one column (rate, scores, grade follow it)", _m_total_off),
    MutationKind("row-dropped", "a funds source dropped, 年度资金总额 unchanged", _m_row_dropped),
    MutationKind("budget-actual-swapped", "全年预算数 and 全年执行数 swapped on a row", _m_swapped),
    MutationKind("rate-initial-base", "执行率 divided by 年初预算数 instead of 全年预算数", _m_initial_base),
    MutationKind("execution-score-blank", "预算执行得分 printed blank where 分值 is printed", _m_score_blank),
    MutationKind("execution-score-off", "预算执行得分 ≠ 分值 × min(执行率, 100%) beyond rounding", _m_execution_score),
    MutationKind("total-score-off", "总分 ≠ 预算执行得分 + Σ 指标得分", _m_total_score),
    MutationKind("grade-wrong", "等级 not the one 总分 gives", _m_grade),
    MutationKind("score-raised", "an indicator scored above its 分值", _m_score_above_weight),
    MutationKind("missed-full-marks", "a target certainly missed, yet full marks", _m_missed_full_marks),
    MutationKind("partial-score-wrong", "a missed target's score not proportional", _m_partial_score_wrong),
    MutationKind("met-but-deducted", "a target met, points deducted, no reason given", _m_met_but_deducted),
    MutationKind("missing-reason", "a missed or deducted indicator without 偏差原因", _m_missing_reason),
    MutationKind("qualitative-out-of-band", "a qualitative result (基本达到) scored outside its band",
                 _m_qualitative_band),
    MutationKind("weight-sum-off", "Σ 分值 ≠ 100", _m_weight_sum),
    MutationKind("category-missing", "no 效益 or no 满意度 indicators", _m_category_missing),
    MutationKind("goals-copied", "实际完成情况 a copy of 预期目标", _m_goals_copied),
    MutationKind("title-year", "the title's year not the form's year (a template of another year)", _m_title_year),
    MutationKind("full-completion-claimed", "实际完成情况 claims full completion while indicators lost points",
                 _m_full_completion_claimed),
    MutationKind("problems-none", "存在问题 printed 无 or blank while indicators lost points", _m_problems_none),
    MutationKind("achieved-copies-target", "实际完成值 the target copied with its ≥", _m_achieved_copies_target),
    MutationKind("placeholder-left", "a template placeholder (≥**人) left as target", _m_placeholder),
    MutationKind("direction-implausible", "a 数量指标 with a ≤ target", _m_direction),
    MutationKind("far-above-unexplained", "实际完成值 ≥ 130 % of the target, no reason", _m_far_above),
    MutationKind("weight-without-score", "an indicator with 分值 but a blank score, target or achieved value",
                 _m_weight_without_score),
    MutationKind("level1-subtotal-off", "a printed 一级指标 分值 ≠ Σ its indicators' 分值", _m_level1_subtotal),
    MutationKind("low-execution-full-marks", "执行率 below 50 % while every indicator has full marks",
                 _m_low_execution_full_marks),
    MutationKind("execution-below-alarm", "执行率 below the alarm, consistently computed", _m_execution_low),
    MutationKind("overspent", "执行率 above the limit, consistently computed", _m_overspent),
)}
