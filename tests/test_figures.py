"""The number model: printed figures are intervals; comparisons are three-valued."""

from decimal import Decimal

import pytest

from formaudit.errors import NotEvaluable
from formaudit.figures import FALSE, MAYBE, TRUE, Figure

P = Figure.parse


def seed_total_rate() -> Figure:
    return P("4487.07") / (P("4062.10") + P("1026.38"))


@pytest.mark.parametrize("printed, truth", [("88.18%", MAYBE), ("88.2%", MAYBE), ("88%", MAYBE),
                                            ("88.19%", FALSE), ("88.17%", FALSE)])
def test_seed_total_row_rates(printed, truth):
    assert P(printed).eq(seed_total_rate()) is truth


def test_truncated_rate_fails():
    # 99.985 % printed as 99 % (truncated, not rounded) is not consistent
    assert P("99%").eq(Figure.exact(Decimal("0.99985"))) is FALSE
    assert P("100%").eq(Figure.exact(Decimal("0.99985"))) is MAYBE


@pytest.mark.parametrize("text, value, lo, hi, dim", [
    ("88.18%", "0.8818", "0.88175", "0.88185", ""),
    ("4062.10", "4062.10", "4062.095", "4062.105", None),
    ("446", "446", "445.5", "446.5", None),
    ("50万元", "500000", "495000", "505000", "元"),
    ("1,234.5", "1234.5", "1234.45", "1234.55", None),
    ("0.9‰", "0.0009", "0.00085", "0.00095", ""),
    ("10次", "10", "9.5", "10.5", "次"),
])
def test_parse_printed_figures(text, value, lo, hi, dim):
    f = P(text)
    assert (f.value, f.lo, f.hi, f.dim) == (Decimal(value), Decimal(lo), Decimal(hi), dim)
    assert str(f) == text


@pytest.mark.parametrize("text", ["abc", "≥95%", "—", "", "1.2.3", "约10次", "10次以上", "1e5"])
def test_not_figures(text):
    assert P(text) is None


def test_printed_zero_keeps_its_rounding_interval():
    # 0.01 and 0.49 print as 0 and 0 with no decimals, their sum 0.50 as 1: consistent rounding
    assert (P("0").lo, P("0").hi) == (Decimal("-0.5"), Decimal("0.5"))
    assert P("1").eq(P("0") + P("0")) is MAYBE
    assert (P("0.00%").lo, P("0.00%").hi) == (Decimal("-0.00005"), Decimal("0.00005"))


def test_json_numbers_by_shortest_repr():
    assert P(Decimal("4062.10")).decimals == 2
    assert P(446).lo == Decimal("445.5")
    assert P(0.1).hi == Decimal("0.15")


def test_division_by_possibly_zero_is_not_evaluable():
    with pytest.raises(NotEvaluable, match="is 0"):
        P("5") / Figure.exact(0)
    with pytest.raises(NotEvaluable, match="may be 0"):
        P("5") / P("0")
    with pytest.raises(NotEvaluable, match="may be 0"):
        P("5") / P("0.00%")


def test_interval_arithmetic_is_outward():
    s = P("1.5") + P("2.25")
    assert (s.lo, s.hi) == (Decimal("3.695"), Decimal("3.805"))
    d = P("10") - P("4")
    assert (d.lo, d.hi) == (Decimal("5"), Decimal("7"))
    m = P("2") * P("-3")
    assert (m.lo, m.hi) == (Decimal("-8.75"), Decimal("-3.75"))


def test_unit_mismatch_is_not_evaluable():
    with pytest.raises(NotEvaluable, match="unit mismatch"):
        P("10次").eq(P("10人"))
    with pytest.raises(NotEvaluable, match="unit mismatch"):
        P("100%") + P("1000元")
    assert P("50万元").eq(P("500000元")) is MAYBE  # scales normalised


def test_ordering_is_three_valued():
    assert P("95%").ge(Figure.exact(Decimal("0.95"))) is MAYBE
    assert P("96%").ge(Figure.exact(Decimal("0.95"))) is TRUE
    assert P("94%").ge(Figure.exact(Decimal("0.95"))) is FALSE


def test_consistent_values_for_a_misstated_rate():
    computed = P("3685.76") / (P("4062.10") + P("210.97"))
    assert computed.consistent_values(P("87.96%")) == "86.26%"
    assert computed.format_like(P("87.96%")) == "86.26%"
    assert computed.consistent_values(P("87.9%")) == "86.3%"


def test_within_threshold():
    assert P("100").within(P("103"), abs_tol=Decimal("5")) is MAYBE
    assert P("100").within(P("110"), abs_tol=Decimal("5")) is FALSE
    assert P("100").within(P("101"), rel_tol=Decimal("0.02")) is MAYBE


def test_maybe_refuses_to_be_a_bool():
    with pytest.raises(NotEvaluable):
        bool(MAYBE)
    assert bool(TRUE) and not bool(FALSE)


def test_bounded_digits():
    assert P("1" * 40) is None
    assert P("9" * 20) is not None
