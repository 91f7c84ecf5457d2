"""The built-in functions of plugins/functions/core.py that the project pack added: having, has, exact,
known, reason — and the engine's support for functions that receive what cannot be evaluated."""

from decimal import Decimal

import pytest

from formaudit.errors import NotEvaluable
from formaudit.expressions import Scope, compile_expression
from formaudit.figures import FALSE, MAYBE, TRUE, Figure
from formaudit.registry import Registry
from formaudit.values import Blank, Rows, convert

FUNCTIONS = Registry.discover().functions()

FORM = {
    "funds": [{"source": "年度资金总额", "weight": "10", "score": ""}],
    "indicators": [
        {"level1": "产出指标", "level1_weight": "50", "name": "a", "weight": "10", "score": "10"},
        {"level1": "产出指标(50分)", "name": "b", "weight": "20.00", "score": "19.5"},
        {"level1": "效益指标", "name": "c", "weight": "30", "score": "—"},
        {"level1": "满意度指标", "name": "d", "weight": "10"},
        {"name": "e"},
    ],
}


def ev(source, item=None, form=None, lets=None):
    let_defs = {k: compile_expression(v, FUNCTIONS) for k, v in (lets or {}).items()}
    expr = compile_expression(source, FUNCTIONS, frozenset(let_defs))
    record = convert(item if item is not None else (form or FORM), "")
    return expr(Scope(item=record, form=convert(form or FORM, ""), let_defs=let_defs))


def test_registered():
    for name in ("having", "has", "exact", "known", "reason"):
        assert name in FUNCTIONS


# -- having ---------------------------------------------------------------------------------------

def test_having_matches_part_of_a_text():
    rows = ev("having(indicators, 'level1', '产出')")
    assert [str(r["name"]) for r in rows] == ["a", "b"]
    assert rows.pointer == "/indicators"


def test_having_any_of_several_words_and_lists():
    assert len(ev("having(indicators, 'level1', '效益', '满意度')")) == 2
    assert len(ev("having(indicators, 'level1', ('效益', '满意'))")) == 2


def test_having_skips_blank_cells_and_nothing_matches_nothing():
    assert len(ev("having(indicators, 'level1', '')")) == 4  # every non-blank level1 contains ''
    assert len(ev("having(indicators, 'level1', '成本')")) == 0
    assert len(ev("having(missing, 'level1', '产出')")) == 0


def test_having_sums_per_group():
    total = ev("sum(exact(col(having(indicators, 'level1', '产出'), 'weight')))")
    assert total.value == Decimal(30) and total.is_exact


def test_having_needs_rows():
    with pytest.raises(NotEvaluable):
        ev("having(funds[0].source, 'level1', '产出')")


# -- has --------------------------------------------------------------------------------------------

def test_has_tells_a_printed_blank_from_a_field_left_out():
    assert ev("has(funds[0], 'score')") is TRUE         # printed blank ""
    assert ev("present(funds[0].score)") is FALSE
    assert ev("has(indicators[3], 'score')") is FALSE    # not shown (cut off, unreadable)
    assert ev("has(indicators[2], 'score', 'weight')") is TRUE
    assert ev("has(indicators[3], 'score', 'weight')") is FALSE


def test_has_on_a_missing_object_is_false():
    assert ev("has(total, 'score')") is FALSE


# -- exact ------------------------------------------------------------------------------------------

def test_exact_drops_the_rounding_interval():
    assert ev("indicators[0].score == indicators[0].weight") is MAYBE
    assert ev("exact(indicators[0].score) == exact(indicators[0].weight)") is TRUE
    assert ev("exact(indicators[1].score) < exact(indicators[1].weight)") is TRUE
    fig = ev("exact(indicators[1].weight)")
    assert isinstance(fig, Figure) and fig.is_exact and str(fig) == "20.00"
    assert fig.pointer == "/indicators/1/weight"


def test_exact_on_a_list_keeps_blanks_for_sum():
    rows = ev("exact(col(indicators, 'score'))")
    assert isinstance(rows, Rows) and len(rows) == 5
    assert isinstance(rows[2], Blank)
    total = ev("sum(exact(col(indicators, 'score')))")
    assert total.value == Decimal("29.5") and total.is_exact


def test_exact_of_a_blank_or_text_is_not_evaluable():
    with pytest.raises(NotEvaluable):
        ev("exact(indicators[2].score)")
    with pytest.raises(NotEvaluable):
        ev("exact(indicators[0].name)")


# -- known and reason: functions that receive what cannot be evaluated --------------------------------

def test_known_never_makes_a_rule_not_evaluable():
    assert ev("known(indicators[0].weight / 0)") is FALSE
    assert ev("known(indicators[0].weight / 2)") is TRUE
    assert ev("known(indicators[2].score)") is FALSE       # blank
    assert ev("known(total.score)") is FALSE               # lookup in a missing object
    assert ev("known(exact(indicators[0].name))") is FALSE


def test_known_of_a_let_that_fails():
    lets = {"r": "indicators[0].weight / indicators[3].score"}
    assert ev("known(r)", lets=lets) is FALSE
    assert ev("not known(r) or r > 1", lets=lets) is TRUE


def test_known_of_a_truth_value():
    assert ev("known(indicators[0].score == indicators[0].weight)") is TRUE
    assert ev("known(indicators[2].score == indicators[0].weight)") is FALSE


def test_reason_says_why():
    assert "0" in str(ev("reason(indicators[0].weight / 0)"))
    assert str(ev("reason(indicators[0].weight / 2)")) == ""
    assert str(ev("reason(indicators[2].score)")) == "无值"


def test_other_functions_still_fail_on_what_cannot_be_evaluated():
    with pytest.raises(NotEvaluable):
        ev("present(indicators[0].weight / 0)")


def test_min_and_max_bound_the_interval():
    from decimal import Decimal

    from formaudit.figures import Figure
    from formaudit.plugins.functions.core import max_, min_
    a, b = Figure.parse("10"), Figure.parse("10.2")   # [9.5, 10.5] and [10.15, 10.25]
    low, high = min_(a, b), max_(a, b)
    assert (low.value, low.lo, low.hi) == (Decimal("10"), Decimal("9.5"), Decimal("10.25"))
    assert (high.value, high.lo, high.hi) == (Decimal("10.2"), Decimal("10.15"), Decimal("10.5"))
    assert str(min_(Figure.parse("3"), Figure.parse("8"))) == "3"     # a printed operand keeps its print
    import pytest

    from formaudit.errors import NotEvaluable
    with pytest.raises(NotEvaluable, match="min\\(\\) of no figures"):
        min_(())


# -- years ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("2022年度项目支出绩效自评表", [2022]),
    ("项目支出绩效自评表（2022年度）", [2022]),
    ("2021年至2022年", [2021, 2022]),
    ("2022", [2022]),
    (2022, [2022]),
    ("2022 年", [2022]),
    ("20221年", []),           # five digits: not a year
    ("第2020号文件", []),       # four digits not followed by 年
    ("1899年", []),
    ("项目支出绩效自评表", []),
    ("—", []),                # a blank
])
def test_years_named_in_a_text(text, expected):
    found = ev("years(t)", item={"t": text})
    assert [f.value for f in found] == [Decimal(y) for y in expected]
    assert all(f.lo == f.hi for f in found)  # a year is a label, not a measurement: exact


def test_years_of_a_record_is_not_evaluable():
    with pytest.raises(NotEvaluable, match="years\\(\\) needs a text"):
        ev("years(funds)")


# -- text -----------------------------------------------------------------------------------------

def test_text_compares_what_is_written():
    assert ev("planned == achieved", item={"planned": "100%", "achieved": "100%"}) is MAYBE  # two intervals
    assert ev("text(planned) == text(achieved)", item={"planned": "100%", "achieved": "100%"}) is TRUE
    assert ev("text(planned) == text(achieved)", item={"planned": "100%", "achieved": "100.0%"}) is FALSE
    assert ev("text(a) == text(b)", item={"a": " 整治村庄 ", "b": "整治村庄"}) is TRUE
    assert isinstance(ev("text(a)", item={"a": "—"}), Blank)
    written = ev("text(a)", item={"a": "4062.10"})
    assert written == "4062.10" and written.pointer == "/a"
    with pytest.raises(NotEvaluable, match="text\\(\\) needs a cell"):
        ev("text(funds)")
