"""Targets and achieved values in Chinese (plugins/functions/targets.py).

The example tables of docs/targets.md are executed here, row by row; the seed's and the real forms'
indicator values are pinned; hypothesis generates targets in every phrasing and checks they parse back.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from formaudit.errors import NotEvaluable
from formaudit.figures import FALSE, MAYBE, TRUE, Figure, Truth
from formaudit.plugins.functions import targets as T
from formaudit.plugins.functions.targets import (
    Achieved, Target, Verdict, achieved_value, chinese_number, direction, is_placeholder, judge,
    parse_achieved, parse_target, ratio, reaches, target_kind, target_value,
)

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "targets.md"
SHARED_FORMS = ROOT.parent / "shared" / "forms"
TRUTHS = {"TRUE": TRUE, "MAYBE": MAYBE, "FALSE": FALSE}


# ---------------------------------------------------------------------------------------------------
# docs/targets.md example tables
# ---------------------------------------------------------------------------------------------------

def _cell(text: str) -> str | None:
    text = text.strip()
    if text.startswith("`") and text.endswith("`") and len(text) >= 2:
        return text[1:-1]
    return text or None


def doc_table(marker: str) -> list[list[str | None]]:
    lines = DOC.read_text(encoding="utf-8").splitlines()
    start = lines.index(f"<!-- examples: {marker} -->")
    rows = []
    for line in lines[start + 1:]:
        if not line.startswith("|"):
            if rows:
                break
            continue
        cells = [_cell(c) for c in line.strip().strip("|").split("|")]
        rows.append(cells)
    header, sep, *body = rows
    assert set("".join(c or "" for c in sep)) <= set("-:")
    assert body, f"no rows in the {marker} table"
    return body


def _ids(rows, col=0):
    return [f"{i}:{r[col]}" for i, r in enumerate(rows)]


TARGET_ROWS = doc_table("targets")
ACHIEVED_ROWS = doc_table("achieved")
REACHES_ROWS = doc_table("reaches")


def _dim(cell: str | None) -> str | None:
    return None if cell is None else "" if cell == "比率" else cell


@pytest.mark.parametrize("row", TARGET_ROWS, ids=_ids(TARGET_ROWS))
def test_doc_target_examples(row):
    text, nature, unit, name, kind, cmp, value, dim, period, dirn = row
    t = parse_target(text, nature=nature, unit=unit, name=name)
    assert t.kind == kind, t
    assert t.comparator == cmp, t
    assert t.period == period, t
    assert t.direction == dirn, t
    assert t.text == text
    if value is None:
        assert t.figure is None or kind != "quantitative"
    else:
        assert t.figure is not None, t
        assert t.figure.value == Decimal(value), t
        assert t.figure.dim == _dim(dim), t
    # the engine-facing functions agree with the parse
    assert target_kind(text, nature, unit, name) == kind
    assert direction(text, nature, name, unit) == dirn


@pytest.mark.parametrize("row", ACHIEVED_ROWS, ids=_ids(ACHIEVED_ROWS))
def test_doc_achieved_examples(row):
    text, target, value, dim, ambiguous = row
    a = parse_achieved(text, parse_target(target))
    assert a.ambiguous == (ambiguous == "是"), a
    if value is None:
        assert a.figure is None, a
        with pytest.raises(NotEvaluable, match="no figure"):
            achieved_value(text, target)
    else:
        assert a.figure is not None, a
        assert a.figure.value == Decimal(value), a
        assert a.figure.dim == _dim(dim), a
        if not a.ambiguous:
            assert achieved_value(text, target).value == Decimal(value)
        else:
            with pytest.raises(NotEvaluable, match="several figures"):
                achieved_value(text, target)


@pytest.mark.parametrize("row", REACHES_ROWS, ids=_ids(REACHES_ROWS))
def test_doc_reaches_examples(row):
    achieved, target, name, expected = row
    if expected in TRUTHS:
        v = judge(achieved, target, name=name)
        assert isinstance(v, Verdict)
        assert v.truth is TRUTHS[expected], v
        assert v.reason
        assert reaches(achieved, target, name=name) is TRUTHS[expected]
    else:
        prefix = expected.split(":", 1)[1].strip()
        with pytest.raises(NotEvaluable) as err:
            reaches(achieved, target, name=name)
        assert err.value.reason.startswith(prefix), err.value.reason


def test_doc_function_table_names_exist():
    text = DOC.read_text(encoding="utf-8")
    names = re.findall(r"^\| `(\w+)\(", text, flags=re.M)
    assert set(names) == {"target_kind", "reaches", "target_value", "achieved_value", "direction",
                          "is_placeholder", "ratio", "missed_targets"}
    for n in names:
        assert callable(getattr(T, n))


# ---------------------------------------------------------------------------------------------------
# Every phrasing of the brief / domain.md §3
# ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text,cmp,value,dim,style", [
    ("≥10次", ">=", "10", "次", "次"),
    ("≧735人次", ">=", "735", "人次", "人次"),
    (">=21933人", ">=", "21933", "人", "人"),
    ("10次", "=", "10", "次", "次"),
    ("≥95%", ">=", "0.95", "", "%"),
    ("不低于95%", ">=", "0.95", "", "%"),
    ("95%", "=", "0.95", "", "%"),
    ("100%", "=", "1", "", "%"),
    ("80分以上", ">=", "80", "分", "分"),
    ("≤5300元/户", "<=", "5300", "元/户", "元/户"),
    ("<=5300元/户", "<=", "5300", "元/户", "元/户"),
    ("‹=5300元/户", "<=", "5300", "元/户", "元/户"),
    ("≤90万元", "<=", "900000", "元", "万元"),
    ("=8个", "=", "8", "个", "个"),
    ("═ 100 %", "=", "1", "", "%"),
    ("﹦ 72890 元", "=", "72890", "元", "元"),
    ("0次", "=", "0", "次", "次"),
    ("0起", "=", "0", "起", "起"),
    ("小于0.9‰", "<", "0.0009", "", "‰"),
    ("每日3次", "=", "3", "次", "次"),
    ("1次/月", "=", "1", "次", "次"),
    ("≤620万/月", "<=", "6200000", None, "万"),
    ("50万元", "=", "500000", "元", "万元"),
    ("百分之九十五", "=", "0.95", "", "%"),
    ("十", "=", "10", None, ""),
    ("≥100百分比", ">=", "1", "", "百分比"),
    ("３.５万", "=", "35000", None, "万"),
    ("＞５次", ">", "5", "次", "次"),
    ("＜5次", "<", "5", "次", "次"),
    ("≦ 3 起", "<=", "3", "起", "起"),
    ("21,933.5人", "=", "21933.5", "人", "人"),
    ("一百人以上", ">=", "100", "人", "人"),
    ("三千五百元以内", "<=", "3500", "元", "元"),
    ("不超过5个百分点", "<=", "0.05", "", "%"),
    ("超过10次", ">", "10", "次", "次"),
    ("高于90%", ">", "0.9", "", "%"),
    ("至少3场", ">=", "3", "场", "场"),
    ("达到98%", ">=", "0.98", "", "%"),
    ("不少于三点五万人次", ">=", "35000", "人次", "万人次"),
])
def test_phrasings(text, cmp, value, dim, style):
    t = parse_target(text)
    assert t.kind == "quantitative"
    assert t.comparator == cmp
    assert t.figure.value == Decimal(value)
    assert t.figure.dim == dim
    assert t.figure.style == style
    assert t.text == text


def test_target_figure_carries_printed_precision():
    f = parse_target("≥95%").figure
    assert (f.lo, f.hi) == (Decimal("0.945"), Decimal("0.955"))
    f = parse_target("≤5300元/户").figure
    assert (f.lo, f.hi) == (Decimal("5299.5"), Decimal("5300.5"))
    f = parse_target("50万元").figure
    assert (f.lo, f.hi) == (Decimal("495000"), Decimal("505000"))
    f = parse_target("0次").figure
    assert f.is_exact  # a printed zero count is exactly zero
    assert parse_target("小于0.9‰").figure.decimals == 1


def test_periods():
    assert parse_target("每日3次").period == "per-day"
    assert parse_target("每天巡查2次").period == "per-day"
    assert parse_target("1次/月").period == "per-month"
    assert parse_target("每月1次").period == "per-month"
    assert parse_target("≤620万/月").period == "per-month"
    assert parse_target("每季度不少于1次").period == "per-quarter"
    assert parse_target("每年2次").period == "per-year"
    assert parse_target("≥10次").period is None
    assert parse_target("2", unit="次/月").period == "per-month"


def test_ordinal_levels():
    t = parse_target("年中和年末均达良好")
    assert (t.kind, t.level, t.level_word, t.comparator) == ("ordinal", 4, "良好", ">=")
    t = parse_target("称职或以上")
    assert (t.kind, t.level, t.comparator) == ("ordinal", 3, ">=")
    assert parse_target("优秀").level == 5
    assert parse_target("考核结果为优").level == 5
    assert parse_target("合格").level == 3
    assert parse_target("良").level == 4
    # a grade scale without a threshold, and the seed's 职称 (sic) are not levels
    assert parse_target("优良中低差").kind == "qualitative"
    assert parse_target("职称或以上").kind == "qualitative"
    assert parse_target("取得良好社会效益").kind == "qualitative"
    assert parse_target("验收合格率≥95%").kind == "quantitative"


def test_deadlines():
    t = parse_target("9月前")
    assert t.kind == "deadline" and t.deadline.month == 9 and t.deadline.day is None
    assert t.deadline.strict == (9, 0) and t.deadline.lenient == (9, 30)
    t = parse_target("11月底完成")
    assert t.deadline.strict == t.deadline.lenient == (11, 30)
    t = parse_target("2021年11月30日前")
    assert (t.deadline.year, t.deadline.month, t.deadline.day) == (2021, 11, 30)
    assert t.deadline.lenient == (2021, 11, 30) and t.deadline.strict == (2021, 11, 29)
    assert parse_target("九月前").deadline.month == 9
    assert parse_target("年底前").deadline.lenient == (12, 31)
    assert parse_target("第三季度末完成").deadline.month == 9
    assert parse_target("2021年11月30日前完成资金支付").kind == "deadline"
    assert parse_target("每月15日前").kind == "qualitative"  # recurring, not one date


@pytest.mark.parametrize("text", ["有效", "效果明显", "按时完成", "优良中低差", "严格执行相关制度规定", "显著提升",
                                  "符合相关规定", "在项目计划完成时间内完成", "一户一档", "十四五规划落实"])
def test_qualitative(text):
    t = parse_target(text)
    assert t.kind == "qualitative" and t.figure is None
    with pytest.raises(NotEvaluable, match="qualitative target"):
        reaches("完成", text)


@pytest.mark.parametrize("text", ["≥**人", "**", "XX%", "xxx", "≥X人", "……", "指标1", "完成XX个", "××"])
def test_placeholders(text):
    assert is_placeholder(text) is TRUE
    assert target_kind(text) == "placeholder"
    with pytest.raises(NotEvaluable, match="placeholder target"):
        reaches("10人", text)


@pytest.mark.parametrize("text", ["≥10次", "指标1:开展精品示范村建设数量", "覆盖率=实际/计划*100%", "Excel", "",
                                  "有效", "XJ2021"])
def test_not_placeholders(text):
    assert is_placeholder(text) is FALSE
    assert is_placeholder(None) is FALSE


def test_blank_targets():
    for text in ("", "—", "/", "无", None):
        assert target_kind(text) == "blank"
        with pytest.raises(NotEvaluable, match="blank target"):
            reaches("10次", text)


@pytest.mark.parametrize("name,target,expected", [
    ("安全事故或不良社会影响事件发生数", "0次", "lower"),
    ("安全事故发生数", "0起", "lower"),
    ("有效投诉次数", "3次", "lower"),
    ("投诉处理率", "100%", "higher"),
    ("信访案件办结率", "95%", "higher"),
    ("森林火灾受害率", "0.9‰", "lower"),
    ("主要林业有害生物成灾率", "0.4‰", "lower"),
    ("项目超支率", "0%", "lower"),
    ("安全隐患排查成本预算", "6万元", "lower"),
    ("种薯采购价格", "3元/公斤", "lower"),
    ("生均补助标准达标率", "100%", "higher"),
    ("违法行为责停率", "95%", "higher"),
    ("项目计划总投资", "20万元", "higher"),
    ("培训人数", "500人", "higher"),
    ("安全事故发生数", "≥1次", "higher"),  # the comparator wins
    ("培训人数", "≤500人", "lower"),
])
def test_direction_by_name(name, target, expected):
    assert direction(target, name=name) == expected
    assert parse_target(target, name=name).direction == expected


def test_nature_and_unit_columns():
    t = parse_target("735", nature="≧", unit="人次")
    assert (t.comparator, t.figure.value, t.figure.dim) == (">=", Decimal(735), "人次")
    t = parse_target("95%", unit="%")  # the unit column does not double the unit
    assert t.figure.value == Decimal("0.95") and t.figure.style == "%"
    t = parse_target("100", nature="═", unit="%")
    assert (t.comparator, t.figure.value) == ("=", Decimal(1))
    t = parse_target("优良中低差", nature="定性")
    assert t.kind == "qualitative"
    t = parse_target("5", nature="反向", unit="起")
    assert (t.comparator, t.direction) == ("<=", "lower")
    t = parse_target("≥95", nature="≤", unit="%")  # the value's comparator wins, and says so
    assert t.comparator == ">=" and "指标性质" in t.note
    # full-width, traditional
    t = parse_target("72890", nature="﹦", unit="元")
    assert t.comparator == "=" and t.figure.value == 72890
    assert parse_target("≥5萬元").figure.value == 50000


def test_ranges():
    t = parse_target("3-5次")
    assert t.figure.value == 3 and t.upper.value == 5 and t.comparator == "="
    assert reaches("4次", "3-5次") is TRUE
    assert reaches("2次", "3-5次") is FALSE
    assert reaches("5.5万元", "5~6万元", name="成本") is TRUE
    assert reaches("6.5万元", "5~6万元", name="成本") is FALSE


def test_chinese_numbers():
    cases = {"十": 10, "二十五": 25, "一百": 100, "三千五百": 3500, "一百零五": 105, "一万零五十": 10050,
             "二〇二一": 2021, "三点五": Decimal("3.5"), "十二万": 120000, "两": 2, "零": 0}
    for text, value in cases.items():
        assert chinese_number(text) == Decimal(value), text
    for text in ("十四五", "百", "一二三十", "点五", "千千"):
        assert chinese_number(text) is None, text


# ---------------------------------------------------------------------------------------------------
# Achieved values
# ---------------------------------------------------------------------------------------------------

def test_achieved_kinds():
    assert parse_achieved("优").kind == "ordinal" and parse_achieved("优").level == 5
    assert parse_achieved("良好").level == 4
    assert parse_achieved("称职或以上").level == 3
    assert parse_achieved("7月").date.first == (7, 1) and parse_achieved("7月").date.last == (7, 31)
    assert parse_achieved("10月").kind == "date"
    assert parse_achieved("2021年11月28日").date.year == 2021
    assert parse_achieved("是").yes is True and parse_achieved("否").yes is False
    for text in ("完成", "已完成", "达成预期指标"):
        a = parse_achieved(text)
        assert a.kind == "completion" and a.completion == "done" and a.figure is None
    assert parse_achieved("基本达到").completion == "partial"
    assert parse_achieved("未完成").completion == "not"
    assert parse_achieved("").kind == "blank" and parse_achieved(None).kind == "blank"
    assert parse_achieved("**").kind == "placeholder"
    assert parse_achieved("有效").kind == "text"


def test_achieved_never_invents_numbers():
    # years, list markers, formula constants and word numerals are not achieved values
    assert parse_achieved("2021年全面完成").figure is None
    assert parse_achieved("1、做好社区管理工作；2、关怀退役军人").figure is None
    assert parse_achieved("一是加强学习，二是抓好落实").figure is None
    assert parse_achieved("落实十四五规划").figure is None
    assert parse_achieved("指标1已完成").figure is None
    a = parse_achieved("开展十次活动", parse_target("≥8次"))
    assert a.figure.value == 10


def test_achieved_repeated_comparator():
    a = parse_achieved("≥266米", parse_target("≥266米"))
    assert a.comparator == ">=" and a.figure.value == 266
    a = parse_achieved("达到95%", parse_target("≥95%"))
    assert a.comparator is None  # 达到 reports what happened, it is no bound
    a = parse_achieved("1000人以上", parse_target("≥1000人"))
    assert a.comparator == ">="


def test_achieved_prefers_matching_unit():
    a = parse_achieved("培训3期，共500人", parse_target("≥400人"))
    assert a.figure.value == 500 and not a.ambiguous
    assert [f.value for f in a.others] == [3]
    a = parse_achieved("培训3期，共500人", parse_target("≥2期"))
    assert a.figure.value == 3
    a = parse_achieved("计划10次，实际完成12次", parse_target("≥10次"))
    assert a.ambiguous and a.figure.value == 12 and "several figures" in a.note


def test_achieved_bare_wan_with_yuan_target():
    a = parse_achieved("资源链接达50万", parse_target("50万元"))
    assert (a.figure.value, a.figure.dim) == (Decimal(500000), "元")
    a = parse_achieved("50万", parse_target("500000元"))
    assert (a.figure.value, a.figure.dim) == (Decimal(500000), "元")
    # without a target the 万 stays a bare scale
    a = parse_achieved("资源链接达50万")
    assert (a.figure.value, a.figure.dim) == (Decimal(500000), None)


def test_achieved_bare_number_takes_target_unit():
    a = parse_achieved("90", parse_target("≤90万元"))
    assert (a.figure.value, a.figure.dim, a.figure.style) == (Decimal(900000), "元", "万元")
    a = parse_achieved("735", parse_target("735", nature="≧", unit="人次"))
    assert a.figure.dim == "人次"


# Values from the seed (荔湾区多宝街道 2021) and the real forms in ../shared/forms: (achieved, target,
# name, nature, unit, expected truth or NotEvaluable reason prefix, file it is printed in).
SEED = "seed-liwan-duobao-2021.txt"
FORM_VALUES = [
    ("基层党组织开展教育、培训 、参观见学次数10次", "10次", None, None, None, "TRUE", SEED),
    ("开展党建专题活动数10次", "≥10次", None, None, None, "TRUE", SEED),
    ("慰问困难党员群众覆盖率达95%", "95%", None, None, None, "TRUE", SEED),
    ("基层党建工作满意度达95%", "95%", None, None, None, "TRUE", SEED),
    ("重点人员稳控率达95%", "95%", None, None, None, "TRUE", SEED),
    ("开展消防安全活动6次", "4次", None, None, None, "TRUE", SEED),
    ("检查巡查生产经营单位1000次", "1000次", None, None, None, "TRUE", SEED),
    ("安全事故或不良社会影响事件发生数0次", "0次", "安全事故或不良社会影响事件发生数", None, None, "TRUE", SEED),
    ("信访案件办结率达95%", "95%", "信访案件办结率", None, None, "TRUE", SEED),
    ("多宝街内街内巷保洁覆盖率达100%", "100%", None, None, None, "TRUE", SEED),
    ("环境整治日常巡查次数3次", "每日3次", None, None, None, "TRUE", SEED),
    ("垃圾分类群众知晓率达90%", "85%", None, None, None, "TRUE", SEED),
    ("资源链接达50万", "50万元", None, None, None, "TRUE", SEED),
    ("年中和年末均达良好", "年中和年末均达良好", None, None, None, "TRUE", SEED),
    ("优待关怀退役军人覆盖面达100%", "100%", None, None, None, "TRUE", SEED),
    ("社区困难问题解决率达90%", "90%", None, None, None, "TRUE", SEED),
    ("在编、兼职及退休人员待遇保障率达100%", "100%", None, None, None, "TRUE", SEED),
    ("职称或以上", "职称或以上", None, None, None, "qualitative target", SEED),
    ("社区专职人员考核达标率（合格率）达100%", "100%", None, None, None, "TRUE", SEED),
    ("推进基层正风反腐专项治理工作量化测评分90分", "80分以上", None, None, None, "TRUE", SEED),
    ("4", "≤4", None, None, None, "TRUE", "real/anhui-jinzhai-chagu-2023-department.txt"),
    ("202", "≥200", None, None, None, "TRUE", "real/anhui-jinzhai-chagu-2023-department.txt"),
    ("3061", "≥2000", None, None, None, "TRUE", "real/anhui-jinzhai-chagu-2023-department.txt"),
    ("100%", "≥95%", None, None, None, "TRUE", "real/anhui-jinzhai-chagu-2023-department.txt"),
    ("7月", "9月前", None, None, None, "TRUE", "real/anhui-jinzhai-chagu-2023-department.txt"),
    ("10月", "11月前", None, None, None, "TRUE", "real/anhui-jinzhai-chagu-2023-department.txt"),
    ("50", "≥50个", None, None, None, "TRUE", "real/chizhou-tangxi-2022-project.txt"),
    ("100", "≥100百分比", None, None, None, "TRUE", "real/chizhou-tangxi-2022-project.txt"),
    ("达成预期指标", "严格执行相关制度规定", None, None, None, "qualitative target", "real/chizhou-tangxi-2022-project.txt"),
    ("90", "≤90万元", "项目总成本", None, None, "TRUE", "real/chizhou-tangxi-2022-project.txt"),
    ("达成预期指标", "效果明显", None, None, None, "qualitative target", "real/chizhou-tangxi-2022-project.txt"),
    ("72890", "72890", "卫片执法补助经费", "﹦", "元", "TRUE", "real/lijiang-guchengqu-2020-project.txt"),
    ("100", "100", "项目验收合格率", "﹦", "%", "TRUE", "real/lijiang-guchengqu-2020-project.txt"),
    ("95", "95", "违法行为责停率", "≥", "%", "TRUE", "real/lijiang-guchengqu-2020-project.txt"),
    ("6", "6", "安全隐患排查成本预算", "=", "万元", "TRUE", "real/sichuan-dyrmt-railway-environment-2020-project-tail.txt"),
    ("93", "90", "环境治理亮化美化率", "≥", "%", "TRUE", "real/sichuan-dyrmt-railway-environment-2020-project-tail.txt"),
    ("优", "优良中低差", "铁路沿线环境及安全整治管理机制健全性", "定性", None, "qualitative target",
     "real/sichuan-dyrmt-railway-environment-2020-project-tail.txt"),
    ("96", "95", "群众满意度", "≥", "%", "TRUE", "real/sichuan-dyrmt-railway-environment-2020-project-tail.txt"),
    ("≥266米", "≥266米", "安装坡面水标尺", None, None, "TRUE", "real/sichuan-zhongjiang-water-2022-project.txt"),
    ("≥50厘米", "≥50厘米", "水标尺宽度", None, None, "TRUE", "real/sichuan-zhongjiang-water-2022-project.txt"),
    ("≥90%", "≥90%", "及时(按期)开工率", None, None, "TRUE", "real/sichuan-zhongjiang-water-2022-project.txt"),
    ("20万元", "20万元", "项目计划总投资", None, None, "TRUE", "real/sichuan-zhongjiang-water-2022-project.txt"),
    ("≥1000人", "≥1000人", None, None, None, "TRUE", "real/sichuan-zhongjiang-water-2022-project.txt"),
    ("显著提升", "显著提升", None, None, None, "qualitative target", "real/sichuan-zhongjiang-water-2022-project.txt"),
    ("735", "735", "学生受资助人数", "≧", "人次", "TRUE", "real/yongde-minglang-school-2022-project.txt"),
    ("100%", "100", "营养改善计划覆盖率", "≧", "%", "TRUE", "real/yongde-minglang-school-2022-project.txt"),
    ("100%", "100", "生均补助标准达标率", "═", "%", "TRUE", "real/yongde-minglang-school-2022-project.txt"),
    ("98%", "100", "政策知晓率", "═", "%", "FALSE", "real/yongde-minglang-school-2022-project.txt"),
    ("有效", "有效", None, None, None, "qualitative target", "real/yongde-minglang-school-2022-project.txt"),
    ("100%", "95", "家长满意度", "≧", "%", "TRUE", "real/yongde-minglang-school-2022-project.txt"),
    ("550万粒", "550万粒", "免费发放原原种", None, None, "TRUE", "real/ningxia-yuanzhou-potato-2022-project.txt"),
    ("8535.5亩", "8000亩", "一级种薯繁育基地", None, None, "TRUE", "real/ningxia-yuanzhou-potato-2022-project.txt"),
    ("是", "是", "种薯采购价格不高于市场价", None, None, "TRUE", "real/ningxia-yuanzhou-potato-2022-project.txt"),
    ("基本达到", "是", None, None, None, "qualitative target", "real/ningxia-yuanzhou-potato-2022-project.txt"),
]


def _squash(text: str) -> str:
    return re.sub(r"[\s|]+", "", text)


@pytest.mark.parametrize("row", FORM_VALUES, ids=[f"{i}:{r[0]}" for i, r in enumerate(FORM_VALUES)])
def test_form_values(row):
    achieved, target, name, nature, unit, expected, source = row
    path = SHARED_FORMS / source
    if path.exists():  # pin the values to the documents they come from
        printed = _squash(path.read_text(encoding="utf-8"))
        for part in (achieved, target):
            assert _squash(part) in printed, (part, source)
    if expected in TRUTHS:
        assert reaches(achieved, target, nature, unit, name) is TRUTHS[expected]
    else:
        with pytest.raises(NotEvaluable) as err:
            reaches(achieved, target, nature, unit, name)
        assert err.value.reason.startswith(expected)


def _indicators(node):
    if isinstance(node, dict):
        if "target" in node and "achieved" in node:
            yield node
        for v in node.values():
            yield from _indicators(v)
    elif isinstance(node, list):
        for v in node:
            yield from _indicators(v)


def test_example_forms_never_crash_and_seed_reaches():
    yaml = pytest.importorskip("yaml")
    forms = sorted((ROOT / "examples" / "forms").glob("*.yaml"))
    if not forms:
        pytest.skip("no example forms")
    for path in forms:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for ind in _indicators(data):
            args = (ind.get("nature"), ind.get("unit"), ind.get("name"))
            target_kind(ind["target"], *args)
            is_placeholder(ind["target"])
            try:
                truth = reaches(ind["achieved"], ind["target"], *args)
            except NotEvaluable:
                continue
            assert isinstance(truth, Truth)
            if path.stem.startswith("liwan-duobao"):
                # issue 3: on the seed every indicator reaches its target or is qualitative
                assert truth is TRUE, (ind["name"], ind["target"], ind["achieved"])


# ---------------------------------------------------------------------------------------------------
# reaches(): the truth table
# ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("achieved,target,name,expected", [
    ("95%", "≥95%", None, TRUE),
    ("94.6%", "≥95%", None, FALSE),
    ("95%", "≥95.3%", None, MAYBE),
    ("95.0%", "≥95.3%", None, FALSE),
    ("95.30%", "≥95.3%", None, TRUE),
    ("96%", "≥95.3%", None, TRUE),
    ("94%", "≥95.3%", None, FALSE),
    ("95%", ">95%", None, FALSE),
    ("96%", ">95%", None, TRUE),
    ("95%", "≤95%", None, TRUE),
    ("95%", "<95%", None, FALSE),
    ("5%", "控制在5%以内", None, TRUE),
    ("5%", "≤4.5%", None, MAYBE),
    ("5200", "≤5300元/户", None, TRUE),
    ("5400元/户", "≤5300元/户", None, FALSE),
    ("5200元", "≤5300元/户", None, TRUE),
    ("0次", "0起", "安全事故发生数", TRUE),
    ("2起", "0起", "安全事故发生数", FALSE),
    ("0%", "0%", "项目超支率", TRUE),
    ("1%", "0%", "项目超支率", FALSE),
    ("0.5%", "0%", "项目超支率", FALSE),  # printed finer than the target: read as printed
    ("0%", "≤0.3%", "项目超支率", MAYBE),  # coarser: 0% printed stands for anything below 0.5%
    ("12次", "10次", None, TRUE),
    ("8次", "10次", None, FALSE),
    ("9个", "=8个", None, TRUE),
    ("5.5", "= 6 万元", "安全隐患排查成本预算", TRUE),
    ("6.5", "= 6 万元", "安全隐患排查成本预算", FALSE),
    ("600万", "≤620万/月", None, TRUE),
    ("630万/月", "≤620万/月", None, FALSE),
    ("3次", "每日3次", None, TRUE),
    ("每日2次", "每日3次", None, FALSE),
    ("≥266米", "≥266米", None, TRUE),
    ("≥266米", "≥300米", None, MAYBE),
    ("≥266米", "≤200米", None, FALSE),
    (">95%", ">95%", None, TRUE),
    ("≤3起", "≤5起", None, TRUE),
    ("7月", "9月前", None, TRUE),
    ("8月底", "9月前", None, TRUE),
    ("9月", "9月前", None, MAYBE),
    ("10月", "9月前", None, FALSE),
    ("11月", "11月底完成", None, TRUE),
    ("12月", "11月底完成", None, FALSE),
    ("11月20日", "2021年11月30日前", None, TRUE),
    ("2021年11月30日", "2021年11月30日前", None, MAYBE),
    ("2021年12月1日", "2021年11月30日前", None, FALSE),
    ("2022年1月", "2021年11月底", None, FALSE),
    ("优", "良好", None, TRUE),
    ("合格", "良好", None, FALSE),
    ("称职", "称职或以上", None, TRUE),
    ("不称职", "称职或以上", None, FALSE),
    ("年中良好，年末优秀", "年中和年末均达良好", None, TRUE),
    ("年中合格，年末优秀", "年中和年末均达良好", None, FALSE),
    ("未达到良好", "良好", None, FALSE),
    ("否", "是", None, FALSE),
    ("0.95", "≥95%", None, MAYBE),
    ("1", "100%", None, MAYBE),
    ("未完成", "≥10次", None, FALSE),
    ("计划10次，实际完成12次", "≥10次", None, TRUE),
    ("3年", "≥3年", None, TRUE),
    ("96%", "≥95", None, TRUE),  # a target printed without a unit is read in the achieved value's
    ("94%", "≥95", None, FALSE),
    ("100%", "100", None, TRUE),
    ("培训500人次，满意度98%", "≥95%", None, TRUE),
])
def test_reaches_truth_table(achieved, target, name, expected):
    assert reaches(achieved, target, name=name) is expected


@pytest.mark.parametrize("achieved,target,reason", [
    ("完成", "≥10次", "no figure in achieved value '完成'"),
    ("达成预期指标", "≥95%", "no figure in achieved value '达成预期指标'"),
    ("已完成", "50万元", "no figure in achieved value"),
    ("100%", "1000件", "unit mismatch"),
    ("1000件", "100%", "unit mismatch"),
    ("50人", "≥10次", "unit mismatch"),
    ("有效", "有效", "qualitative target"),
    ("显著提升", "显著提升", "qualitative target"),
    ("优", "优良中低差", "qualitative target"),
    ("90分", "良好", "ordinal target"),
    ("完成", "良好", "ordinal target"),
    ("100%", "9月前", "no date in achieved value"),
    ("按时完成", "9月前", "no date in achieved value"),
    ("每月2次", "每日3次", "period mismatch"),
    ("每月2次", "10次", "period mismatch"),
    ("", "≥10次", "blank achieved value"),
    (None, "≥10次", "blank achieved value"),
    ("**", "≥10次", "placeholder achieved value"),
    ("10人", "≥**人", "placeholder target"),
    ("10次", "", "blank target"),
])
def test_reaches_not_evaluable(achieved, target, reason):
    with pytest.raises(NotEvaluable) as err:
        reaches(achieved, target)
    assert err.value.reason.startswith(reason), err.value.reason


def test_verdict_ratio_and_overshoot():
    v = reaches(parse_achieved("3061", parse_target("≥2000")), parse_target("≥2000"))
    assert isinstance(v, Verdict) and v.truth is TRUE
    assert v.ratio.lo <= Decimal("1.5305") <= v.ratio.hi and v.ratio.style == "%"
    assert v.overshoot is True
    v = judge("90%", "≥95%")
    assert v.truth is FALSE and v.overshoot is False
    assert v.ratio.lo <= Decimal(90) / Decimal(95) <= v.ratio.hi
    # reverse: target ÷ achieved
    r = ratio("6.5", "= 6 万元", name="安全隐患排查成本预算")
    assert r.lo <= Decimal(6) / Decimal("6.5") <= r.hi
    r = ratio("4", "≤5")
    assert r.value == Decimal("1.25")
    v = judge("0次", "0次", name="安全事故发生数")
    assert v.truth is TRUE and v.ratio is None
    with pytest.raises(NotEvaluable, match="ratio undefined"):
        ratio("0次", "0次")
    with pytest.raises(NotEvaluable, match="no figure"):
        ratio("完成", "≥10次")
    with pytest.raises(NotEvaluable, match="has no number"):
        ratio("优", "良好")


def test_reaches_accepts_figures_and_text_subclasses():
    class Text(str):
        pass

    fig = Figure.parse("95%")
    assert reaches(fig, Text("≥95%")) is TRUE
    assert reaches(Text("94.6%"), Text("≥95%")) is FALSE
    computed = Figure.parse("0.9") * Figure.parse("1")  # a figure with no printed text
    assert computed.printed is None
    assert reaches(Figure.parse("1"), computed) is TRUE
    assert target_value(Text("≥95%")).value == Decimal("0.95")
    assert achieved_value(Text("开展消防安全活动6次"), Text("4次")).value == 6
    assert target_kind(Figure.parse("100%")) == "quantitative"
    with pytest.raises(NotEvaluable, match="has no number"):
        target_value("有效")
    with pytest.raises(NotEvaluable):
        reaches(object(), "≥95%")


def test_reaches_returns_truth_for_engine_values_and_verdict_for_objects():
    t = parse_target("≥95%")
    a = parse_achieved("96%", t)
    assert isinstance(reaches(a, t), Verdict)
    assert reaches("96%", "≥95%") is TRUE
    assert isinstance(a, Achieved) and isinstance(t, Target)


def test_parsing_is_cached():
    T._parse_target_cached.cache_clear()
    for _ in range(5):
        parse_target("≥95%")
        reaches("96%", "≥95%")
    info = T._parse_target_cached.cache_info()
    assert info.misses == 1 and info.hits >= 9


def test_no_float_and_no_regex_per_call():
    source = (ROOT / "plugins" / "functions" / "targets.py").read_text(encoding="utf-8")
    assert "float(" not in source
    # every regular expression is compiled once, at import: no re.search/re.match(pattern, …) in a body,
    # no re.compile inside a function
    assert not re.search(r"\bre\.(search|match|fullmatch|sub|findall|finditer|split)\(", source)
    for line in source.splitlines():
        if "re.compile(" in line:
            assert re.match(r"^_\w+ = re\.compile\(", line), line


# ---------------------------------------------------------------------------------------------------
# Property tests: targets generated in every phrasing parse back to what generated them
# ---------------------------------------------------------------------------------------------------

_CN = "零一二三四五六七八九"


def _cn4(x: int, head: bool) -> str:
    out, zero = "", False
    for unit_value, unit_char in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = x // unit_value % 10
        if d == 0:
            if out:
                zero = True
            continue
        if zero:
            out += "零"
            zero = False
        if unit_char == "十" and d == 1 and not out and head:
            out += "十"
        else:
            out += _CN[d] + unit_char
    return out


def to_chinese(n: int) -> str:
    """An independent int → Chinese numeral writer (0 ≤ n < 100 000 000)."""
    if n == 0:
        return "零"
    wan, rest = divmod(n, 10000)
    if not wan:
        return _cn4(rest, True)
    text = _cn4(wan, True) + "万"
    if not rest:
        return text
    return text + ("零" if rest < 1000 else "") + _cn4(rest, False)


def test_to_chinese_writer_sanity():
    assert to_chinese(10) == "十" and to_chinese(25) == "二十五" and to_chinese(105) == "一百零五"
    assert to_chinese(3500) == "三千五百" and to_chinese(10050) == "一万零五十"


@given(st.integers(min_value=0, max_value=99_999_999))
def test_chinese_numerals_roundtrip(n):
    assert chinese_number(to_chinese(n)) == n


PREFIXES = [  # (text, comparator)
    ("≥", ">="), ("≧", ">="), (">=", ">="), ("＞＝", ">="), ("不低于", ">="), ("不少于", ">="), ("至少", ">="),
    ("达到", ">="), ("大于", ">"), ("高于", ">"), ("超过", ">"), ("＞", ">"), (">", ">"),
    ("≤", "<="), ("≦", "<="), ("<=", "<="), ("‹=", "<="), ("不高于", "<="), ("不超过", "<="), ("控制在", "<="),
    ("低于", "<"), ("小于", "<"), ("＜", "<"), ("<", "<"),
    ("=", "="), ("═", "="), ("﹦", "="), ("＝", "="), ("", "="),
]
SUFFIXES = [("以上", ">="), ("及以上", ">="), ("或以上", ">="), ("以下", "<="), ("以内", "<="), ("及以下", "<=")]
NATURES = [("≥", ">="), ("≧", ">="), ("≤", "<="), ("=", "="), ("﹦", "="), ("═", "="), (">", ">"), ("<", "<")]
UNITS = {  # unit → (dimension, scale)
    "": (None, Decimal(1)), "%": ("", Decimal("0.01")), "‰": ("", Decimal("0.001")), "次": ("次", Decimal(1)),
    "人": ("人", Decimal(1)), "人次": ("人次", Decimal(1)), "个": ("个", Decimal(1)), "元": ("元", Decimal(1)),
    "万元": ("元", Decimal(10000)), "元/户": ("元/户", Decimal(1)), "米": ("米", Decimal(1)),
    "亩": ("亩", Decimal(1)), "户": ("户", Decimal(1)), "分": ("分", Decimal(1)), "项": ("项", Decimal(1)),
    "起": ("起", Decimal(1)), "百分比": ("", Decimal("0.01")), "公里": ("米", Decimal(1000)),
}


@st.composite
def numbers(draw):
    """(text, value) of a number written the way forms write it."""
    style = draw(st.sampled_from(["arabic", "decimal", "thousands", "chinese"]))
    whole = draw(st.integers(min_value=0, max_value=99_999))
    if style == "arabic":
        return str(whole), Decimal(whole)
    if style == "thousands":
        whole = draw(st.integers(min_value=1000, max_value=9_999_999))
        return f"{whole:,}", Decimal(whole)
    if style == "decimal":
        frac = draw(st.text(alphabet="0123456789", min_size=1, max_size=3))
        text = f"{whole}.{frac}"
        return text, Decimal(text)
    return to_chinese(whole), Decimal(whole)


def _spaces(draw, parts):
    return "".join(p + draw(st.sampled_from(["", "", "", " "])) for p in parts).strip()


@st.composite
def phrased_targets(draw):
    number, value = draw(numbers())
    unit = draw(st.sampled_from(sorted(UNITS)))
    chinese = not any(ch.isdigit() for ch in number)
    if chinese and value >= 10000 and unit.startswith("万"):
        unit = "元"
    how = draw(st.sampled_from(["prefix", "suffix", "nature", "nature-unit", "percent-words"]))
    nature = unit_col = None
    if how == "percent-words" and chinese and unit == "%":
        word, cmp = draw(st.sampled_from(PREFIXES))
        text = _spaces(draw, [word, "百分之" + number])
    elif how == "suffix":
        word, cmp = draw(st.sampled_from(SUFFIXES))
        text = _spaces(draw, [number, unit, word])
    elif how == "nature":
        nature, cmp = draw(st.sampled_from(NATURES))
        text = _spaces(draw, [number, unit])
    elif how == "nature-unit":
        nature, cmp = draw(st.sampled_from(NATURES))
        text, unit_col = number, unit or None
    else:
        word, cmp = draw(st.sampled_from(PREFIXES))
        text = _spaces(draw, [word, number, unit])
    return text, nature, unit_col, cmp, value, unit


@settings(max_examples=600, deadline=None)
@given(phrased_targets())
def test_generated_targets_parse_back(case):
    text, nature, unit_col, cmp, value, unit = case
    t = parse_target(text, nature=nature, unit=unit_col)
    dim, scale = UNITS[unit]
    assert t.kind == "quantitative", (case, t)
    assert t.comparator == cmp, (case, t)
    assert t.figure.value == value * scale, (case, t)
    assert t.figure.dim == dim, (case, t)
    assert t.period is None
    expected_direction = ("lower" if cmp in ("<=", "<") else "higher" if cmp in (">=", ">")
                          else "lower" if value == 0 else "higher")
    assert t.direction == expected_direction, (case, t)
    assert is_placeholder(text) is FALSE
    # the printed target reaches itself whatever its direction
    if cmp not in (">", "<"):
        shown = t.figure.printed
        assert reaches(shown, text, nature, unit_col) is TRUE, (case, shown)


@settings(max_examples=200, deadline=None)
@given(numbers(), st.sampled_from([("每日", "per-day"), ("每天", "per-day"), ("每周", "per-week"),
                                   ("每月", "per-month"), ("每季度", "per-quarter"), ("每年", "per-year")]),
       st.sampled_from(["次", "人次", "场"]), st.booleans())
def test_generated_periods_parse_back(number, period, unit, slash):
    text_number, value = number
    word, expected = period
    if slash:
        text = f"{text_number}{unit}/{word[1:]}"
    else:
        text = f"{word}{text_number}{unit}"
    t = parse_target(text)
    assert t.kind == "quantitative", (text, t)
    assert t.period == expected, (text, t)
    assert t.figure.value == value and t.figure.dim == unit, (text, t)


@settings(max_examples=400, deadline=None)
@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=0, max_value=3),
       st.integers(min_value=0, max_value=10**6), st.integers(min_value=0, max_value=3),
       st.sampled_from([">=", "<="]))
def test_rounding_rule(a_int, a_dec, t_int, t_dec, op):
    """An achieved value printed at the target's precision or finer is read at its printed value; a
    coarser one keeps its rounding interval (half a unit of its last digit) against the exact target."""
    a = Decimal(a_int).scaleb(-a_dec)
    t = Decimal(t_int).scaleb(-t_dec)
    a_text = f"{a:.{a_dec}f}次"
    t_text = f"{'≥' if op == '>=' else '≤'}{t:.{t_dec}f}次"
    truth = reaches(a_text, t_text)
    if a_dec >= t_dec or a == 0:
        holds = a >= t if op == ">=" else a <= t
        assert truth is (TRUE if holds else FALSE)
        return
    h = Decimal(1).scaleb(-a_dec) / 2
    lo, hi = a - h, a + h
    if op == ">=":
        expected = TRUE if lo >= t else FALSE if hi < t else MAYBE
    else:
        expected = TRUE if hi <= t else FALSE if lo > t else MAYBE
    assert truth is expected


def test_bare_multiplier_takes_the_unit_column():
    # found by test_generated_targets_parse_back: 一万 with 度量单位 元 was read as "1 万" of unknown unit
    from decimal import Decimal

    from formaudit.plugins.functions.targets import parse_target
    t = parse_target("一万", nature="≥", unit="元")
    assert (t.comparator, t.figure.value, t.figure.dim) == (">=", Decimal(10000), "元")


def test_missed_targets_keeps_only_the_rows_certainly_short():
    from formaudit.expressions import Scope, compile_expression
    from formaudit.registry import Registry
    from formaudit.values import convert

    functions = Registry.discover().functions()
    form = convert({"tasks": [
        {"indicators": [{"name": "巡查次数", "target": "≥100次", "achieved": "巡查80次"},       # short
                        {"name": "培训人数", "target": "≥50人", "achieved": "培训60人"}]},       # reached
        {"indicators": [{"name": "覆盖率", "target": "≥95.3%", "achieved": "95%"},             # only possibly short
                        {"name": "群众满意", "target": "效果明显", "achieved": "明显"},         # qualitative
                        {"name": "成本", "target": "≤5万元", "achieved": "6万元"},             # lower is better: short
                        {"name": "空", "target": "≥10次"}]}]}, "")                              # no achieved value
    names = compile_expression("col(missed_targets(col(tasks, 'indicators')), 'name')", functions)
    assert [str(n) for n in names(Scope(item=form, form=form))] == ["巡查次数", "成本"]
    assert len(compile_expression("missed_targets(nothing)", functions)(Scope(item=form, form=form))) == 0
