"""Properties of the number model (hypothesis): rounding never makes a true statement fail, and a
figure off by more than its interval always fails."""

from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from formaudit.figures import FALSE, Figure

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1000000"), places=6, allow_nan=False,
                      allow_infinity=False)
places = st.integers(min_value=0, max_value=4)


def printed(value: Decimal, decimals: int, percent: bool = False) -> str:
    shown = value * 100 if percent else value
    text = format(shown.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP), "f")
    return text + ("%" if percent else "")


@settings(max_examples=400, deadline=None)
@given(a=amounts, b=amounts, da=places, db=places, dr=places)
def test_a_rounded_true_rate_never_fails(a, b, da, db, dr):
    pa, pb = Figure.parse(printed(a, da)), Figure.parse(printed(b, db))
    if pb.lo <= 0:
        return  # a denominator that rounds to 0 is not evaluable, not a verdict
    true_rate = pa.value / pb.value   # the form computed the rate from the figures it printed
    stated = Figure.parse(printed(true_rate, dr, percent=True))
    assert stated.eq(pa / pb) is not FALSE


@settings(max_examples=400, deadline=None)
@given(a=amounts, b=amounts, da=places, db=places, dr=places)
def test_rate_from_unrounded_operands_never_fails(a, b, da, db, dr):
    # the form computed the rate from the exact amounts, then printed all three rounded
    pa, pb = Figure.parse(printed(a, da)), Figure.parse(printed(b, db))
    if pb.lo <= 0:
        return
    stated = Figure.parse(printed(a / b, dr, percent=True))
    assert stated.eq(pa / pb) is not FALSE


@settings(max_examples=300, deadline=None)
@given(parts=st.lists(amounts, min_size=1, max_size=8), d=places)
def test_a_rounded_total_never_fails(parts, d):
    printed_parts = [Figure.parse(printed(p, d)) for p in parts]
    total = Figure.parse(printed(sum(parts), d))
    computed = printed_parts[0]
    for p in printed_parts[1:]:
        computed = computed + p
    assert total.eq(computed) is not FALSE


@settings(max_examples=400, deadline=None)
@given(a=amounts, b=amounts, da=places, db=places, dr=places, steps=st.integers(min_value=1, max_value=50),
       up=st.booleans())
def test_a_figure_beyond_its_interval_always_fails(a, b, da, db, dr, steps, up):
    pa, pb = Figure.parse(printed(a, da)), Figure.parse(printed(b, db))
    if pb.lo <= 0:
        return
    computed = pa / pb
    unit = Decimal(1).scaleb(-dr) / 100          # one unit of the printed rate's last digit, as a ratio
    # a printed value whose half-unit interval lies wholly outside the computed interval
    if up:
        edge = computed.hi + unit * steps
        wrong = (edge / unit).to_integral_value(rounding="ROUND_CEILING") * unit
    else:
        edge = computed.lo - unit * steps
        wrong = (edge / unit).to_integral_value(rounding="ROUND_FLOOR") * unit
    stated = Figure.parse(format((wrong * 100).quantize(Decimal(1).scaleb(-dr)), "f") + "%")
    assert stated.hi < computed.lo or stated.lo > computed.hi
    assert stated.eq(computed) is FALSE
