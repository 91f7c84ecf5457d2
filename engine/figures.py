"""Figures as an auditor reads them: a printed number stands for an interval.

``88.18%`` stands for any rate in [88.175 %, 88.185 %]; ``4062.10`` for [4062.095, 4062.105]. A
``Figure`` keeps its nominal value, the closed interval it stands for, its dimension (元, 次, 人, or
dimensionless for rates) and how it was printed. Arithmetic propagates intervals (rounded outward), so
a rate computed from printed amounts is known only within an interval too; comparisons are
three-valued (``Truth``): certainly true, possibly true (``MAYBE``), certainly false.

Conventions (see docs/numbers.md):
- a printed figure's half-unit is half of its last printed digit (``446`` → ± 0.5), zero included:
  ``0`` may be a rounded 0.4 (rules that mean "exactly nothing" say ``certainly(x != 0)`` or
  ``x == 0``, which is true within rounding);
- literals in expressions and pack params are exact;
- scales are normalised: 万元 → 元 × 10 000, % → × 0.01, ‰ → × 0.001.
"""

from __future__ import annotations

import re
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, Context, Decimal, InvalidOperation

from .errors import NotEvaluable

# Exponent and digit bounds keep every figure cheap: int(Decimal('1e1000000')) takes seconds.
MAX_DIGITS = 30
_EMAX = 40
_NOMINAL = Context(prec=40, rounding=ROUND_HALF_EVEN, Emax=999, Emin=-999)
_DOWN = Context(prec=40, rounding=ROUND_FLOOR, Emax=999, Emin=-999)
_UP = Context(prec=40, rounding=ROUND_CEILING, Emax=999, Emin=-999)
_ZERO = Decimal(0)
_ONE = Decimal(1)
_HALF = Decimal("0.5")

BLANK_MARKERS = frozenset({"", "—", "——", "-", "--", "/", "／", "无", "－", "─", "–", "N/A", "n/a"})

# unit text → (dimension, scale to the dimension's base, display style)
_SCALED_UNITS: dict[str, tuple[str, Decimal]] = {
    "%": ("", Decimal("0.01")),
    "％": ("", Decimal("0.01")),
    "百分比": ("", Decimal("0.01")),
    "‰": ("", Decimal("0.001")),
    "元": ("元", _ONE),
    "千元": ("元", Decimal(1000)),
    "万元": ("元", Decimal(10000)),
    "亿元": ("元", Decimal(100000000)),
    "米": ("米", _ONE),
    "厘米": ("米", Decimal("0.01")),
    "毫米": ("米", Decimal("0.001")),
    "公里": ("米", Decimal(1000)),
    "千米": ("米", Decimal(1000)),
    "公斤": ("千克", _ONE),
    "千克": ("千克", _ONE),
    "吨": ("千克", Decimal(1000)),
    "亩": ("亩", _ONE),
    "万亩": ("亩", Decimal(10000)),
}
_MULTIPLIERS = {"万": Decimal(10000), "亿": Decimal(100000000), "千": Decimal(1000), "百": Decimal(100)}

_NUMBER = re.compile(
    r"^\s*(?P<sign>[+\-−]?)\s*(?=\.?\d)(?P<int>\d{1,3}(?:[,，]\d{3})+|\d+)?(?:\.(?P<frac>\d*))?"
    r"\s*(?P<unit>[^\d\s.,，+\-−].*?)?\s*$"
)
# A unit is short: %, ‰, a known unit, or one or two CJK characters (with 万/亿/千 and a "/per" part);
# longer text after a number ("10次以上", "9月前") is a target or a sentence, not a figure.
_UNIT_TEXT = re.compile(
    r"^(?:[%‰％]|百分比|平方米|平方公里|立方米|万平方米|万立方米|人民币元|"
    r"[万亿千]?[\u4e00-\u9fff]{1,2}(?:/[\u4e00-\u9fff]{1,2})?|[a-zA-Z]{1,5}(?:/[a-zA-Z]{1,5})?)$")
_NOT_UNITS = ("以上", "以下", "以内", "左右", "以前", "以后", "之前", "之后", "前", "后", "底", "内", "余", "多")


def normalise_unit(unit: str | None) -> tuple[str | None, Decimal]:
    """Unit text → (dimension, scale). ``None`` dimension means unknown (a bare number)."""
    if not unit:
        return None, _ONE
    unit = unit.strip()
    if unit in _SCALED_UNITS:
        return _SCALED_UNITS[unit]
    if len(unit) > 1 and unit[0] in _MULTIPLIERS:
        dim, scale = normalise_unit(unit[1:])
        return dim, scale * _MULTIPLIERS[unit[0]]
    return unit, _ONE


class Truth:
    """Three-valued truth: TRUE, MAYBE (true within rounding, not certain), FALSE.

    ``and``/``or``/``not`` in expressions follow Kleene's logic. ``bool()`` of MAYBE is refused so
    that plugin code cannot silently collapse uncertainty.
    """

    __slots__ = ("name", "rank")

    def __init__(self, name: str, rank: int):
        self.name = name
        self.rank = rank  # FALSE 0 < MAYBE 1 < TRUE 2

    def __repr__(self) -> str:
        return self.name

    __str__ = __repr__

    def __bool__(self) -> bool:
        if self is MAYBE:
            raise NotEvaluable("uncertain within the printed precision")
        return self is TRUE

    def negate(self) -> "Truth":
        return _BY_RANK[2 - self.rank]

    @staticmethod
    def of(value: object) -> "Truth":
        if isinstance(value, Truth):
            return value
        if isinstance(value, bool):
            return TRUE if value else FALSE
        raise NotEvaluable(f"not a truth value: {describe(value)}")


TRUE = Truth("TRUE", 2)
MAYBE = Truth("MAYBE", 1)
FALSE = Truth("FALSE", 0)
_BY_RANK = (FALSE, MAYBE, TRUE)


def all_of(values) -> Truth:
    rank = 2
    for v in values:
        rank = min(rank, Truth.of(v).rank)
        if rank == 0:
            break
    return _BY_RANK[rank]


def any_of(values) -> Truth:
    rank = 0
    for v in values:
        rank = max(rank, Truth.of(v).rank)
        if rank == 2:
            break
    return _BY_RANK[rank]


_new_figure = object.__new__


class Figure:
    """A number known within a closed interval [lo, hi], with its dimension.

    ``value`` is the nominal (printed or computed) value in the dimension's base unit; ``lo`` and
    ``hi`` bound the true value. ``printed`` is the text as the form printed it (None when computed);
    ``style`` and ``decimals`` say how to print a computed figure (``"%"`` with 2 decimals, …).
    ``pointer`` is where in the form the figure came from, when it came from the form.
    """

    __slots__ = ("value", "lo", "hi", "dim", "printed", "style", "scale", "decimals", "pointer")

    def __init__(self, value: Decimal, lo: Decimal, hi: Decimal, dim: str | None = None, *,
                 printed: str | None = None, style: str = "", scale: Decimal = _ONE,
                 decimals: int | None = None, pointer: str | None = None):
        self.value = value
        self.lo = lo
        self.hi = hi
        self.dim = dim
        self.printed = printed
        self.style = style
        self.scale = scale
        self.decimals = decimals
        self.pointer = pointer

    # -- construction -------------------------------------------------------------------------

    @classmethod
    def exact(cls, value: Decimal | int, dim: str | None = None, *, style: str = "",
              scale: Decimal = _ONE) -> "Figure":
        value = Decimal(value)
        return cls(value, value, value, dim, style=style, scale=scale)

    @classmethod
    def parse(cls, text: object, *, exact: bool = False, pointer: str | None = None) -> "Figure | None":
        """Read a printed figure (``"4062.10"``, ``"88.18%"``, ``"1,234万元"``, ``446``); None if it is not one."""
        if isinstance(text, bool) or text is None:
            return None
        if isinstance(text, int):
            text = str(text)
        elif isinstance(text, float):
            if text != text or text in (float("inf"), float("-inf")):
                return None
            text = repr(text)
        elif isinstance(text, Decimal):
            if not text.is_finite():
                return None
            text = format(text, "f") if abs(text.adjusted()) <= MAX_DIGITS else None
            if text is None:
                return None
        elif not isinstance(text, str):
            return None
        if len(text) > 64:
            return None
        m = _NUMBER.match(text)
        if not m:
            return None
        unit = m.group("unit")
        if unit is not None and (not _UNIT_TEXT.match(unit) or any(w in unit for w in _NOT_UNITS)):
            return None
        digits = (m.group("int") or "0").replace(",", "").replace("，", "")
        frac = m.group("frac") or ""
        if len(digits) + len(frac) > MAX_DIGITS:
            return None
        sign = "-" if m.group("sign") in ("-", "−") else ""
        number = Decimal(f"{sign}{digits}.{frac}" if frac else f"{sign}{digits}")
        dim, scale = normalise_unit(unit)
        style = unit.strip() if unit else ""
        value = _NOMINAL.multiply(number, scale)
        if exact:
            half = _ZERO
        else:
            half = _NOMINAL.multiply(_HALF * Decimal(1).scaleb(-len(frac)), scale)
        return cls(value, _DOWN.subtract(value, half), _UP.add(value, half), dim,
                   printed=text.strip(), style=style, scale=scale, decimals=len(frac), pointer=pointer)

    def with_pointer(self, pointer: str | None) -> "Figure":
        new = _new_figure(Figure)  # a copy of every slot but the pointer; called for every figure a form prints
        new.value, new.lo, new.hi, new.dim = self.value, self.lo, self.hi, self.dim
        new.printed, new.style, new.scale, new.decimals = self.printed, self.style, self.scale, self.decimals
        new.pointer = pointer
        return new

    # -- properties ---------------------------------------------------------------------------

    @property
    def is_exact(self) -> bool:
        return self.lo == self.hi

    @property
    def half_width(self) -> Decimal:
        return _UP.divide(_UP.subtract(self.hi, self.lo), 2)

    def __repr__(self) -> str:
        shown = self.printed if self.printed is not None else str(self)
        return f"Figure({shown!r} ∈ [{_trim(self.lo)}, {_trim(self.hi)}]{' ' + self.dim if self.dim else ''})"

    def __str__(self) -> str:
        if self.printed is not None:
            return self.printed
        return self.format()

    def format(self, style: str | None = None, decimals: int | None = None, value: Decimal | None = None) -> str:
        """Print the nominal value (or ``value``) in a style: ``%`` with 2 decimals, or the figure's own."""
        style = self.style if style is None else style
        if decimals is None:
            decimals = self.decimals if self.decimals is not None else (2 if style in ("%", "‰", "％") else None)
        scale = _SCALED_UNITS.get(style, (None, self.scale))[1] if style else self.scale
        shown = _NOMINAL.divide(self.value if value is None else value, scale)
        if decimals is None:
            text = _trim(shown.quantize(Decimal("0.0001"), context=_NOMINAL)) if shown.adjusted() < 20 else str(shown)
        else:
            text = format(shown.quantize(Decimal(1).scaleb(-decimals), context=_NOMINAL), "f")
        return f"{text}{style}"

    def format_like(self, stated: "Figure") -> str:
        """Print this (computed) figure the way ``stated`` is printed: same style and decimals."""
        return self.format(stated.style, stated.decimals if stated.decimals is not None else 2)

    def interval_text(self, like: "Figure | None" = None) -> str:
        """The interval, printed two digits finer than ``like`` (or this figure) is printed."""
        style = like.style if like is not None else None
        decimals = ((like or self).decimals or 0) + 2
        if self.is_exact:
            return self.format(style, decimals)
        return f"[{self.format(style, decimals, self.lo)}, {self.format(style, decimals, self.hi)}]"

    def consistent_values(self, stated: "Figure", most: int = 5) -> str:
        """The printed values, at ``stated``'s precision, that this computed interval allows."""
        decimals = stated.decimals if stated.decimals is not None else 2
        scale = stated.scale
        unit = _NOMINAL.multiply(Decimal(1).scaleb(-decimals), scale)
        half = unit / 2
        first = _ceil_div(_DOWN.subtract(self.lo, half), unit)
        last = _floor_div(_UP.add(self.hi, half), unit)
        # printed p is consistent when [p - half, p + half] meets [lo, hi]
        if first > last:
            return self.format_like(stated)
        if last - first + 1 > most:
            return f"{self.format(stated.style, decimals, first * unit)}–{self.format(stated.style, decimals, last * unit)}"
        return ", ".join(self.format(stated.style, decimals, k * unit) for k in range(int(first), int(last) + 1))

    # -- arithmetic ---------------------------------------------------------------------------

    def _binary_dim(self, other: "Figure", op: str) -> tuple[str | None, str, Decimal]:
        """Dimension, display style and scale of ``self op other``. ``None`` is an unknown unit (a
        bare number): it takes the other side's; ``""`` is a pure ratio."""
        a, b = self.dim, other.dim
        if op in "+-":
            if a is not None and b is not None and a != b:
                raise NotEvaluable(f"unit mismatch: {self} ({a or '比率'}) {op} {other} ({b or '比率'})")
            src = self if a is not None else other
            return (a if a is not None else b), src.style, src.scale
        if op == "*":
            # a ratio scales the other side and never lends it its % style: 10 × 98% is 9.8, not 980%
            if a not in (None, "") and b not in (None, ""):
                return f"{a}·{b}", "", _ONE
            if a not in (None, ""):
                return a, self.style, self.scale
            if b not in (None, ""):
                return b, other.style, other.scale
            if a == "" and b == "":
                return "", "%", Decimal("0.01")
            return None, "", _ONE
        if a == b and a is not None:
            return "", "%", Decimal("0.01")
        if b is None or b == "":
            return a, self.style, self.scale
        if a is None:
            return None, "", _ONE
        return f"{a}/{b}", "", _ONE

    def _decimals_for(self, other: "Figure") -> int | None:
        ds = [d for d in (self.decimals, other.decimals) if d is not None]
        return max(ds) if ds else None

    def __add__(self, other: object) -> "Figure":
        other = as_figure(other)
        dim, style, scale = self._binary_dim(other, "+")
        return Figure(_NOMINAL.add(self.value, other.value), _DOWN.add(self.lo, other.lo),
                      _UP.add(self.hi, other.hi), dim, style=style, scale=scale,
                      decimals=self._decimals_for(other))

    def __sub__(self, other: object) -> "Figure":
        other = as_figure(other)
        dim, style, scale = self._binary_dim(other, "-")
        return Figure(_NOMINAL.subtract(self.value, other.value), _DOWN.subtract(self.lo, other.hi),
                      _UP.subtract(self.hi, other.lo), dim, style=style, scale=scale,
                      decimals=self._decimals_for(other))

    def __mul__(self, other: object) -> "Figure":
        other = as_figure(other)
        dim, style, scale = self._binary_dim(other, "*")
        lows = [_DOWN.multiply(x, y) for x in (self.lo, self.hi) for y in (other.lo, other.hi)]
        highs = [_UP.multiply(x, y) for x in (self.lo, self.hi) for y in (other.lo, other.hi)]
        decimals = 2 if style in ("%", "‰") else None
        return _checked(Figure(_NOMINAL.multiply(self.value, other.value), min(lows), max(highs), dim,
                               style=style, scale=scale, decimals=decimals))

    def __truediv__(self, other: object) -> "Figure":
        other = as_figure(other)
        if other.lo <= 0 <= other.hi:
            what = "is 0" if other.is_exact else f"may be 0 within its rounding ({other.interval_text()})"
            raise NotEvaluable(f"denominator {other} {what}")
        dim, style, scale = self._binary_dim(other, "/")
        lows = [_DOWN.divide(x, y) for x in (self.lo, self.hi) for y in (other.lo, other.hi)]
        highs = [_UP.divide(x, y) for x in (self.lo, self.hi) for y in (other.lo, other.hi)]
        decimals = 2 if style in ("%", "‰") else None
        return _checked(Figure(_NOMINAL.divide(self.value, other.value), min(lows), max(highs), dim,
                               style=style, scale=scale, decimals=decimals))

    def __neg__(self) -> "Figure":
        return Figure(-self.value, -self.hi, -self.lo, self.dim, style=self.style, scale=self.scale,
                      decimals=self.decimals)

    def __pos__(self) -> "Figure":
        return self

    def __abs__(self) -> "Figure":
        if self.lo >= 0:
            return self
        if self.hi <= 0:
            return -self
        return Figure(abs(self.value), _ZERO, max(-self.lo, self.hi), self.dim, style=self.style,
                      scale=self.scale, decimals=self.decimals)

    __radd__ = lambda self, other: as_figure(other) + self  # noqa: E731
    __rsub__ = lambda self, other: as_figure(other) - self  # noqa: E731
    __rmul__ = lambda self, other: as_figure(other) * self  # noqa: E731
    __rtruediv__ = lambda self, other: as_figure(other) / self  # noqa: E731

    # -- three-valued comparisons -----------------------------------------------------------

    def _comparable(self, other: "Figure") -> None:
        if self.dim is not None and other.dim is not None and self.dim != other.dim:
            raise NotEvaluable(f"unit mismatch: {self} ({self.dim or '比率'}) vs {other} ({other.dim or '比率'})")

    def eq(self, other: object) -> Truth:
        other = as_figure(other)
        self._comparable(other)
        if self.hi < other.lo or other.hi < self.lo:
            return FALSE
        if self.is_exact and other.is_exact:
            return TRUE
        return MAYBE

    def lt(self, other: object) -> Truth:
        other = as_figure(other)
        self._comparable(other)
        if self.hi < other.lo:
            return TRUE
        if self.lo >= other.hi:
            return FALSE
        return MAYBE

    def le(self, other: object) -> Truth:
        other = as_figure(other)
        self._comparable(other)
        if self.hi <= other.lo:
            return TRUE
        if self.lo > other.hi:
            return FALSE
        return MAYBE

    def gt(self, other: object) -> Truth:
        return as_figure(other).lt(self)

    def ge(self, other: object) -> Truth:
        return as_figure(other).le(self)

    def ne(self, other: object) -> Truth:
        return self.eq(other).negate()

    def within(self, other: "Figure", abs_tol: Decimal = _ZERO, rel_tol: Decimal = _ZERO) -> Truth:
        """Equal within a materiality threshold (absolute, or relative to ``other``'s magnitude)."""
        other = as_figure(other)
        self._comparable(other)
        tol = max(abs_tol, _UP.multiply(rel_tol, max(abs(other.lo), abs(other.hi))))
        widened = Figure(other.value, _DOWN.subtract(other.lo, tol), _UP.add(other.hi, tol), other.dim)
        return self.eq(widened)

    def round(self, decimals: int = 0) -> "Figure":
        """Round the nominal value; the interval grows to cover every value that rounds there."""
        q = Decimal(1).scaleb(-decimals)
        lo = self.lo.quantize(q, rounding=ROUND_FLOOR, context=_DOWN)
        hi = self.hi.quantize(q, rounding=ROUND_CEILING, context=_UP)
        return Figure(self.value.quantize(q, context=_NOMINAL), lo, hi, self.dim, style=self.style,
                      scale=self.scale, decimals=decimals)


def _checked(fig: Figure) -> Figure:
    for v in (fig.lo, fig.hi):
        if v.is_finite() and v != 0 and abs(v.adjusted()) > _EMAX:
            raise NotEvaluable("figure out of range")
    return fig


def as_figure(value: object) -> Figure:
    if isinstance(value, Figure):
        return value
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return Figure.exact(Decimal(value))
    raise NotEvaluable(f"not a figure: {describe(value)}")


def describe(value: object) -> str:
    if value is None:
        return "no value"
    text = str(value)
    if len(text) > 40:
        text = text[:40] + "…"
    return f"'{text}'" if isinstance(value, str) else text


def _trim(d: Decimal) -> str:
    text = format(d, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _ceil_div(a: Decimal, b: Decimal) -> Decimal:
    return (a / b).to_integral_value(rounding=ROUND_CEILING)


def _floor_div(a: Decimal, b: Decimal) -> Decimal:
    return (a / b).to_integral_value(rounding=ROUND_FLOOR)


def parse_decimal(text: str) -> Decimal:
    """A Decimal from a literal, bounded in digits and exponent (for expression literals and params)."""
    try:
        d = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"not a number: {text!r}") from None
    if not d.is_finite() or len(d.as_tuple().digits) > MAX_DIGITS or abs(d.adjusted()) > _EMAX:
        raise ValueError(f"number out of range: {text!r}")
    return d
