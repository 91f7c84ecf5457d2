"""Hypothesis strategies for forms, figures and indicator targets (``formaudit.testing``).

Why the form strategies are built from the schema here rather than with hypothesis-jsonschema (measured
2026-11, Python 3.11, hypothesis-jsonschema 0.23.1, its last release): with the Hypothesis in our
environment (6.170.17) ``from_schema`` fails on our form schemas (``AttributeError: 'many' object has no
attribute 'more'``); pinned to hypothesis 6.170.9 it works, but took 12.5 s for 200 department forms
(62 ms a form), generated JSON numbers as floats (``5.146794151697472e+16``) and amounts as random
Unicode strings matching the pattern, never a realistic ``4062.10``. Pinning an old Hypothesis for a
whole project to keep an unmaintained plugin alive is worse than walking our own schemas, which use a
small subset of JSON Schema: ``$ref`` into ``$defs``, ``type``, ``properties``, ``required``,
``anyOf``, ``const``, ``enum``, ``pattern``, ``items``, ``minimum``/``maximum``, ``propertyNames``,
``additionalProperties``. :func:`from_schema` walks that subset (and raises on anything else, so a
schema change cannot silently weaken the generator); named ``$defs`` can be replaced by realistic
strategies (amounts printed to the cent, rates to two decimals, targets as forms print them).

Everything numeric is ``Decimal`` or ``int``, never ``float``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Callable, Mapping

from hypothesis import strategies as st

__all__ = [
    "from_schema", "forms", "schema_for", "blanks", "amounts", "rates", "counts", "figures", "texts",
    "targets", "target_cases", "TargetCase", "indicator_pairs", "IndicatorPair", "BLANKS",
]

#: every "no value" marker the form schemas accept (SPEC §2: blank, —, -, /, 无 …)
BLANKS = ("", "—", "——", "–", "-", "－", "/", "／", "无")

_CJK = ("部门整体支出绩效自评表预算资金项目完成情况目标任务指标工作开展服务群众社区街道安全培训"
        "活动检查管理建设党建宣传教育推进落实提升保障民生环境卫生城市治理疫情防控年度实际计划")


# -- text and blanks --------------------------------------------------------------------------------

def blanks() -> st.SearchStrategy[str]:
    """A printed "no value" marker, sometimes padded with spaces."""
    return st.builds(lambda b, pad: f"{pad}{b}{pad}", st.sampled_from(BLANKS), st.sampled_from(["", "", " "]))


def texts(min_size: int = 1, max_size: int = 40, *, wild: bool = True) -> st.SearchStrategy[str]:
    """Free text as forms print it: mostly Chinese; with ``wild``, sometimes any Unicode (no surrogates)."""
    tame = st.text(alphabet=_CJK + "，。、；：（）0123456789", min_size=min_size, max_size=max_size)
    if not wild:
        return tame
    return st.one_of(tame, tame, tame, st.text(min_size=min_size, max_size=max_size))


# -- figures ----------------------------------------------------------------------------------------

def _group(digits: str, sep: str) -> str:
    head = len(digits) % 3 or 3
    parts = [digits[:head]] + [digits[i:i + 3] for i in range(head, len(digits), 3)]
    return sep.join(parts)


def print_decimal(value: Decimal, decimals: int, *, separator: str = "") -> str:
    """``value`` printed with ``decimals`` places, rounded half up (as forms round), optionally grouped."""
    shown = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = format(shown, "f")
    if separator:
        sign = "-" if text.startswith("-") else ""
        whole, _, frac = text.lstrip("-").partition(".")
        text = sign + _group(whole, separator) + (f".{frac}" if frac else "")
    return text


def amounts(decimals: int | None = None, *, min_value: Decimal | int = 0, max_value: Decimal | int = 100000,
            units: bool = False, separators: bool = False) -> st.SearchStrategy[str]:
    """A printed amount: ``"4062.10"``, ``"446"``, with ``separators`` ``"1,234.50"``, with ``units``
    ``"300万元"``. ``decimals`` defaults to the usual 2 (sometimes 0 or 1)."""
    places = st.just(decimals) if decimals is not None else st.sampled_from([2, 2, 2, 0, 1])

    @st.composite
    def build(draw):
        d = draw(places)
        lo = int(Decimal(min_value).scaleb(d).to_integral_value())
        hi = int(Decimal(max_value).scaleb(d).to_integral_value())
        value = Decimal(draw(st.integers(lo, hi))).scaleb(-d)
        sep = draw(st.sampled_from(["", "", ","])) if separators else ""
        text = print_decimal(value, d, separator=sep)
        if units:
            text += draw(st.sampled_from(["", "元", "万元"]))
        return text
    return build()


def rates(decimals: int | None = None, *, max_percent: int = 200, styles: tuple[str, ...] = ("%",)) -> st.SearchStrategy[str]:
    """A printed rate: ``"88.18%"``, ``"100%"``, ``"5‰"`` (``styles``), 0 to ``max_percent`` %."""
    places = st.just(decimals) if decimals is not None else st.sampled_from([2, 2, 2, 1, 0])

    @st.composite
    def build(draw):
        d = draw(places)
        style = draw(st.sampled_from(styles))
        top = max_percent * (10 if style == "‰" else 1)
        value = Decimal(draw(st.integers(0, top * 10 ** d))).scaleb(-d)
        return print_decimal(value, d) + style
    return build()


_COUNT_UNITS = ("次", "人", "人次", "个", "户", "场", "项", "件", "家", "所", "天", "篇", "期")


def counts(*, max_value: int = 100000) -> st.SearchStrategy[str]:
    """A printed count with its unit: ``"10次"``, ``"735人次"``."""
    return st.builds(lambda n, u: f"{n}{u}", st.integers(0, max_value), st.sampled_from(_COUNT_UNITS))


def figures() -> st.SearchStrategy[str]:
    """Any printed figure: an amount (with or without unit and separators), a rate, a count."""
    return st.one_of(amounts(units=True, separators=True), rates(styles=("%", "%", "‰", "％")), counts())


# -- targets ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TargetCase:
    """A target as printed and what it means: ``kind`` (quantitative, ordinal, deadline, qualitative,
    placeholder), ``comparator`` (``>= > <= < =``; None for qualitative), ``value`` in the base unit
    (``90万元`` → 900000, ``95%`` → 0.95), ``unit`` as printed after the number, ``period`` (per-day,
    per-month, …), ``direction`` (higher or lower is better), ``level`` (1 差 … 5 优) for ordinal ones."""

    text: str
    kind: str
    comparator: str | None = None
    value: Decimal | None = None
    unit: str = ""
    period: str | None = None
    direction: str = "higher"
    level: int | None = None


_GE_PREFIX = ("≥", "≧", ">=", "＞＝", "不低于", "不少于", "至少", "大于等于", "不小于")
_GE_SUFFIX = ("以上", "及以上", "或以上")
_LE_PREFIX = ("≤", "≦", "<=", "‹=", "＜＝", "不高于", "不超过", "控制在", "最多", "不大于")
_LE_SUFFIX = ("以内", "以下", "及以下")
_EQ_PREFIX = ("=", "═", "﹦", "＝", "")
_QUANT_UNITS = ("次", "人", "人次", "个", "户", "场", "项", "件", "家", "所", "篇", "%", "万元", "元", "分", "米", "亩")
_SCALE = {"%": Decimal("0.01"), "‰": Decimal("0.001"), "万元": Decimal(10000)}
_PERIOD_WORDS = {"每日": "per-day", "每月": "per-month", "每周": "per-week", "每年": "per-year"}
_PERIOD_SUFFIX = {"/月": "per-month", "/年": "per-year", "/日": "per-day"}
_CN_NUMERALS = {95: "九十五", 90: "九十", 80: "八十", 10: "十", 3: "三", 5: "五", 100: "一百"}
_QUALITATIVE = ("有效", "效果明显", "按时完成", "显著提升", "明显改善", "逐步提高", "有所提升", "持续加强", "长期")
_ORDINAL = (("良好", 4), ("优秀", 5), ("称职或以上", 3), ("合格", 3), ("年中和年末均达良好", 4), ("达到良好", 4))
_DEADLINES = ("9月前", "11月底完成", "12月底前", "6月底前完成", "10月前")
_PLACEHOLDERS = ("≥**人", "≥**%", "XX次", "≤**万元")


def _number_text(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f")


def target_cases(kinds: tuple[str, ...] = ("quantitative", "ordinal", "deadline", "qualitative", "placeholder"),
                 ) -> st.SearchStrategy[TargetCase]:
    """Targets in every phrasing of domain.md §3 that the targets parser reads, with what each means."""
    options = []
    if "quantitative" in kinds:
        options.append(_quantitative_targets())
    if "ordinal" in kinds:
        options.append(st.sampled_from(_ORDINAL).map(lambda p: TargetCase(p[0], "ordinal", ">=", level=p[1])))
    if "deadline" in kinds:
        options.append(st.sampled_from(_DEADLINES).map(lambda t: TargetCase(t, "deadline", direction="lower")))
    if "qualitative" in kinds:
        options.append(st.sampled_from(_QUALITATIVE).map(lambda t: TargetCase(t, "qualitative")))
    if "placeholder" in kinds:
        options.append(st.sampled_from(_PLACEHOLDERS).map(lambda t: TargetCase(t, "placeholder")))
    return st.one_of(*options)


def targets(**kwargs) -> st.SearchStrategy[str]:
    """A target cell as printed (see :func:`target_cases` for what each means)."""
    return target_cases(**kwargs).map(lambda c: c.text)


@st.composite
def _quantitative_targets(draw) -> TargetCase:
    unit = draw(st.sampled_from(_QUANT_UNITS))
    if unit == "%":
        number = Decimal(draw(st.sampled_from([80, 85, 90, 95, 98, 100, 60])))
        if draw(st.booleans()):
            number = Decimal(draw(st.integers(500, 1000))).scaleb(-1)
    elif unit in ("万元", "元"):
        number = Decimal(draw(st.integers(1, 100000)))
    else:
        number = Decimal(draw(st.integers(1, 50000)))
    family = draw(st.sampled_from(["ge-prefix", "ge-suffix", "le-prefix", "le-suffix", "eq", "period", "chinese"]))
    text_number = _number_text(number)
    space = draw(st.sampled_from(["", "", " "])) if family == "eq" else ""
    period = None
    if family == "ge-prefix":
        cmp, text = ">=", f"{draw(st.sampled_from(_GE_PREFIX))}{text_number}{unit}"
    elif family == "ge-suffix":
        cmp, text = ">=", f"{text_number}{unit}{draw(st.sampled_from(_GE_SUFFIX))}"
    elif family == "le-prefix":
        cmp, text = "<=", f"{draw(st.sampled_from(_LE_PREFIX))}{text_number}{unit}"
        if text.startswith("控制在"):
            text += draw(st.sampled_from(["", "以内"]))
    elif family == "le-suffix":
        cmp, text = "<=", f"{text_number}{unit}{draw(st.sampled_from(_LE_SUFFIX))}"
    elif family == "period":
        unit = draw(st.sampled_from(["次", "场", "篇"]))
        number = Decimal(draw(st.integers(1, 30)))
        text_number = _number_text(number)
        if draw(st.booleans()):
            word = draw(st.sampled_from(sorted(_PERIOD_WORDS)))
            cmp, text, period = "=", f"{word}{text_number}{unit}", _PERIOD_WORDS[word]
        else:
            suffix = draw(st.sampled_from(sorted(_PERIOD_SUFFIX)))
            cmp, text, period = "=", f"{text_number}{unit}{suffix}", _PERIOD_SUFFIX[suffix]
    elif family == "chinese":
        n = draw(st.sampled_from(sorted(_CN_NUMERALS)))
        number = Decimal(n)
        if draw(st.booleans()) and n <= 100:
            unit = "%"
            cmp, text = "=", f"百分之{_CN_NUMERALS[n]}"
        else:
            unit = draw(st.sampled_from(["次", "个", "场"]))
            cmp, text = "=", f"{_CN_NUMERALS[n]}{unit}"
    else:
        prefix = draw(st.sampled_from(_EQ_PREFIX))
        cmp, text = "=", f"{prefix}{space}{text_number}{space}{unit}"
    value = number * _SCALE.get(unit, Decimal(1))
    direction = "lower" if cmp in ("<=", "<") else "higher"
    return TargetCase(text, "quantitative", cmp, value, unit, period, direction)


# -- indicator rows whose achieved value reaches the target -------------------------------------------

@dataclass(frozen=True)
class IndicatorPair:
    """An indicator's name, target and achieved value, and whether the achieved value reaches the target
    (``reached``), what it is short by in its own terms (``shortfall`` text) and ``kind``."""

    name: str
    target: str
    achieved: str
    kind: str
    reached: bool = True


_GOOD_NAMES = {  # indicator names whose higher values are better, by unit
    "次": ("开展党建专题活动次数", "开展消防安全活动次数", "检查巡查生产经营单位次数", "组织培训次数", "开展宣传活动次数"),
    "人次": ("服务群众人次", "培训人次", "慰问困难群众人次"),
    "人": ("参训人数", "就业帮扶人数", "受益人数"),
    "户": ("帮扶困难家庭户数", "入户走访户数"),
    "场": ("举办文化活动场数", "开展志愿服务场数"),
    "个": ("新建服务站点个数", "完成整治项目个数"),
    "%": ("慰问困难党员群众覆盖率", "垃圾分类群众知晓率", "重点人员稳控率", "基层党建工作满意度", "信访案件办结率"),
}
_BAD_NAMES = {  # bad events: a zero or ≤ target is a ceiling
    "次": ("安全事故发生次数", "有效投诉次数"),
    "起": ("安全事故或不良社会影响事件发生数", "重大火灾发生起数"),
}


@st.composite
def indicator_pairs(draw, *, reached: bool = True) -> IndicatorPair:
    """A (name, target, achieved) row. With ``reached`` the achieved value certainly reaches the target
    and prints a figure in the target's unit; without, it certainly falls short (a quantitative target)."""
    family = draw(st.sampled_from(["good", "good", "good", "percent", "bad", "qualitative", "ordinal"]
                                  if reached else ["good", "percent", "bad"]))
    if family in ("good", "percent"):
        unit = "%" if family == "percent" else draw(st.sampled_from([u for u in _GOOD_NAMES if u != "%"]))
        name = draw(st.sampled_from(_GOOD_NAMES[unit]))
        if unit == "%":
            target_n = Decimal(draw(st.sampled_from([80, 85, 90, 95, 98, 100])))
        else:
            target_n = Decimal(draw(st.integers(1, 5000)))
        cmp = draw(st.sampled_from(["≥", "", "不低于", "不少于", "suffix"])) if unit != "%" else \
            draw(st.sampled_from(["≥", "", "不低于"]))
        target = f"{_number_text(target_n)}{unit}以上" if cmp == "suffix" else f"{cmp}{_number_text(target_n)}{unit}"
        if reached:
            top = min(target_n * Decimal("1.2"), Decimal(100)) if unit == "%" else target_n * Decimal("1.2")
            achieved_n = Decimal(draw(st.integers(int(target_n), max(int(target_n), int(top)))))
        else:
            # short by more than the printed precision of either value
            if target_n < 2:
                target_n = Decimal(2)
                target = f"≥{_number_text(target_n)}{unit}"
            achieved_n = Decimal(draw(st.integers(0, int(target_n) - 1)))
        sentence = draw(st.sampled_from(["{n}{u}", "{name}{n}{u}", "{name}达{n}{u}", "完成{n}{u}", "实际完成{n}{u}"]))
        achieved = sentence.format(n=_number_text(achieved_n), u=unit, name=name)
        return IndicatorPair(name, target, achieved, "quantitative", reached)
    if family == "bad":
        unit = draw(st.sampled_from(sorted(_BAD_NAMES)))
        name = draw(st.sampled_from(_BAD_NAMES[unit]))
        if reached:
            target = draw(st.sampled_from([f"0{unit}", f"≤0{unit}"]))
            achieved = draw(st.sampled_from([f"0{unit}", f"{name}0{unit}", f"发生0{unit}"]))
        else:
            target = f"0{unit}"
            achieved = f"发生{draw(st.integers(2, 20))}{unit}"
        return IndicatorPair(name, target, achieved, "quantitative", reached)
    if family == "qualitative":
        target = draw(st.sampled_from(_QUALITATIVE))
        achieved = draw(st.sampled_from([target, "已完成", "达到预期目标", "效果良好"]))
        return IndicatorPair(draw(st.sampled_from(("群众满意情况", "工作成效", "社会效益"))), target, achieved,
                             "qualitative")
    word, _level = draw(st.sampled_from([("良好", 4), ("合格", 3), ("称职或以上", 3)]))
    achieved = draw(st.sampled_from(["优秀", "良好"])) if word != "良好" else draw(st.sampled_from(["良好", "优秀"]))
    return IndicatorPair(draw(st.sampled_from(("第三方评估结果", "年度考核情况"))), word, achieved, "ordinal")


# -- forms from the schema ------------------------------------------------------------------------------

def schema_for(form_type: str, registry: Any = None) -> dict:
    """The JSON Schema of a registered form type."""
    from ..registry import Registry

    registry = registry or Registry.discover()
    path = registry.form_schema_file(form_type)
    if path is None:
        raise LookupError(f"no schema for form type {form_type!r} (known: {', '.join(registry.form_types())})")
    return json.loads(path.read_text(encoding="utf-8"))


_HANDLED = {"$schema", "$id", "$ref", "$defs", "title", "description", "type", "properties", "required",
            "additionalProperties", "anyOf", "oneOf", "const", "enum", "pattern", "items", "minimum", "maximum",
            "propertyNames", "minItems", "maxItems", "minLength", "maxLength", "examples", "default"}


def from_schema(schema: Mapping[str, Any], *, overrides: Mapping[str, st.SearchStrategy] | None = None,
                extra_fields: bool = True, max_items: int = 6) -> st.SearchStrategy[Any]:
    """Values valid under ``schema`` (the subset of JSON Schema our form schemas use). ``overrides``
    replaces named ``$defs`` (``{"amount": amounts()}``); with ``extra_fields`` objects that allow
    additional properties sometimes carry an unknown field (rules must ignore it)."""
    return _Walker(schema, overrides or {}, extra_fields, max_items).strategy(schema, ())


class _Walker:
    def __init__(self, root, overrides, extra_fields, max_items):
        self.root = root
        self.overrides = overrides
        self.extra_fields = extra_fields
        self.max_items = max_items
        self.cache: dict[str, st.SearchStrategy] = {}

    def resolve(self, ref: str) -> tuple[str, Mapping[str, Any]]:
        if not ref.startswith("#/"):
            raise ValueError(f"only local $ref is supported, not {ref!r}")
        node: Any = self.root
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return ref.rsplit("/", 1)[1], node

    def strategy(self, schema: Mapping[str, Any], seen: tuple[str, ...]) -> st.SearchStrategy[Any]:
        unknown = set(schema) - _HANDLED
        if unknown:
            raise ValueError(f"from_schema does not handle {sorted(unknown)}; extend formaudit.testing")
        if "$ref" in schema:
            name, target = self.resolve(schema["$ref"])
            if name in self.overrides:
                return self.overrides[name]
            if name in seen:
                raise ValueError(f"recursive $ref {schema['$ref']!r} is not supported")
            if name not in self.cache:
                self.cache[name] = st.deferred(lambda: self.strategy(target, seen + (name,)))
            return self.cache[name]
        if "const" in schema:
            return st.just(schema["const"])
        if "enum" in schema:
            return st.sampled_from(schema["enum"])
        for key in ("anyOf", "oneOf"):
            if key in schema:
                return st.one_of(*[self.strategy(s, seen) for s in schema[key]])
        kind = schema.get("type")
        if isinstance(kind, list):
            return st.one_of(*[self.strategy({**schema, "type": k}, seen) for k in kind])
        if kind == "object" or (kind is None and "properties" in schema):
            return self.object(schema, seen)
        if kind == "array":
            items = self.strategy(schema.get("items", {}), seen)
            return st.lists(items, min_size=schema.get("minItems", 0),
                            max_size=min(schema.get("maxItems", self.max_items), self.max_items))
        if kind == "string":
            if "pattern" in schema:
                return st.from_regex(schema["pattern"], fullmatch=True)
            return st.text(min_size=schema.get("minLength", 0), max_size=min(schema.get("maxLength", 30), 30))
        if kind == "integer":
            return st.integers(schema.get("minimum", -10 ** 12), schema.get("maximum", 10 ** 12))
        if kind == "number":
            lo, hi = schema.get("minimum", -10 ** 9), schema.get("maximum", 10 ** 9)
            return st.one_of(st.integers(int(lo), int(hi)),
                             st.decimals(min_value=lo, max_value=hi, places=2, allow_nan=False, allow_infinity=False))
        if kind == "boolean":
            return st.booleans()
        if kind == "null":
            return st.none()
        if kind is None and not schema.keys() - {"title", "description"}:
            return st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=10))
        raise ValueError(f"from_schema does not handle type {kind!r}")

    def object(self, schema: Mapping[str, Any], seen: tuple[str, ...]) -> st.SearchStrategy[dict]:
        props = schema.get("properties", {})
        required = set(schema.get("required", ()))
        fixed = {k: self.strategy(v, seen) for k, v in props.items() if k in required}
        optional = {k: self.strategy(v, seen) for k, v in props.items() if k not in required}
        base = st.fixed_dictionaries(fixed, optional=optional)
        extra = schema.get("additionalProperties", True)
        if isinstance(extra, Mapping) and "propertyNames" in schema:
            names = st.from_regex(schema["propertyNames"]["pattern"], fullmatch=True)
            return st.dictionaries(names, self.strategy(extra, seen), max_size=3)
        if extra is True and self.extra_fields and props:
            unknown = st.dictionaries(st.sampled_from(["remark", "note_x", "序号", "extra"]),
                                      st.one_of(st.text(max_size=8), st.integers(0, 99)), max_size=1)
            return st.builds(lambda known, more: {**more, **known}, base, unknown)
        return base


def _realistic_overrides() -> dict[str, st.SearchStrategy]:
    text = texts(max_size=30)
    return {
        "amount": st.one_of(amounts(), amounts(), amounts(units=True, separators=True), blanks()),
        "rate": st.one_of(rates(), rates(), rates(styles=("%", "‰", "％")), blanks()),
        "score": st.one_of(amounts(decimals=2, max_value=100), amounts(decimals=0, max_value=100),
                           blanks()),
        "value": st.one_of(targets(), figures(), text),
        "text": text,
        "year": st.one_of(st.integers(2015, 2030), st.integers(2015, 2030).map(lambda y: f"{y}年度")),
    }


def forms(form_type: str, *, realistic: bool = True, registry: Any = None, schema: Mapping | None = None,
          ) -> st.SearchStrategy[dict]:
    """Forms valid under the form type's JSON Schema. With ``realistic`` the amounts, rates, targets and
    texts look like what forms print (and blanks are frequent); without, any string the schema's patterns
    accept (Unicode digits and spaces included) — the way to find where the schema and the engine disagree."""
    schema = schema if schema is not None else schema_for(form_type, registry)
    overrides = _realistic_overrides() if realistic else {}
    defs = schema.get("$defs", {})
    overrides = {k: v for k, v in overrides.items() if k in defs}
    skip_provenance = {**schema, "properties": {k: v for k, v in schema.get("properties", {}).items()
                                                if k != "provenance" or not realistic}}
    return from_schema(skip_provenance, overrides=overrides)
