"""The built-in functions of the expression language.

Each is registered in the ``formaudit.functions`` entry-point group under the name rules call it by.
They take expression values (``Figure``, ``Text``, ``Blank``, ``Record``, ``Rows``, ``Truth``) and raise
``NotEvaluable`` when the answer cannot be known. Blank amounts are skipped by ``sum``/``min``/``max``:
on these forms a blank amount cell means "nothing".
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from formaudit.errors import NotEvaluable
from formaudit.figures import FALSE, MAYBE, TRUE, Figure, Truth, as_figure, describe
from formaudit.values import Blank, Record, Rows, Text, is_blank


def _figures(values: Any, what: str) -> list[Figure]:
    if isinstance(values, (Rows, tuple, list)):
        items = list(values)
    else:
        raise NotEvaluable(f"{what}() needs a list, not {describe(values)}")
    out = []
    for v in items:
        if is_blank(v):
            continue
        if not isinstance(v, Figure):
            raise NotEvaluable(f"{what}(): not a figure: {describe(v)}")
        out.append(v)
    return out


def _spread(args: tuple, what: str) -> list[Figure]:
    if len(args) == 1:
        return _figures(args[0], what)
    return _figures(args, what)


def abs_(x: Any) -> Figure:
    """Absolute value of a figure."""
    if isinstance(x, Blank):
        raise x.missing()
    return abs(as_figure(x))


def sum_(values: Any) -> Figure:
    """Sum of a list of figures (blank cells count as nothing); the intervals add up."""
    figures = _figures(values, "sum")
    if not figures:
        return Figure.exact(0)
    total = figures[0]
    for f in figures[1:]:
        total = total + f
    return total


def min_(*values: Any) -> Figure:
    """Smallest of figures: ``min(a, b)`` or ``min(list)``; certain only where the intervals allow."""
    figures = _spread(values, "min")
    if not figures:
        raise NotEvaluable("min() of no figures")
    lo = min(f.lo for f in figures)
    hi = min(f.hi for f in figures)
    best = min(figures, key=lambda f: f.value)
    return Figure(best.value, lo, hi, best.dim, style=best.style, scale=best.scale, decimals=best.decimals,
                  printed=best.printed if best.lo == lo and best.hi == hi else None, pointer=best.pointer)


def max_(*values: Any) -> Figure:
    """Largest of figures: ``max(a, b)`` or ``max(list)``."""
    figures = _spread(values, "max")
    if not figures:
        raise NotEvaluable("max() of no figures")
    lo = max(f.lo for f in figures)
    hi = max(f.hi for f in figures)
    best = max(figures, key=lambda f: f.value)
    return Figure(best.value, lo, hi, best.dim, style=best.style, scale=best.scale, decimals=best.decimals,
                  printed=best.printed if best.lo == lo and best.hi == hi else None, pointer=best.pointer)


def round_(x: Any, decimals: Any = 0) -> Figure:
    """Round to ``decimals`` places of the base unit; the interval covers every value that rounds there."""
    if isinstance(x, Blank):
        raise x.missing()
    places = as_figure(decimals)
    if not places.is_exact or places.value != places.value.to_integral_value() or not 0 <= places.value <= 12:
        raise NotEvaluable("round(): decimals must be a whole number from 0 to 12")
    return as_figure(x).round(int(places.value))


def len_(values: Any) -> Figure:
    """Number of rows in a list (or characters in a text)."""
    if isinstance(values, (Rows, tuple, list, str)):
        return Figure.exact(len(values))
    if isinstance(values, Blank):
        return Figure.exact(0)
    raise NotEvaluable(f"len() of {describe(values)}")


def blank(x: Any) -> Truth:
    """True when the value is blank: an empty cell, ``—``, ``/``, ``无`` or a missing field."""
    return TRUE if is_blank(x) else FALSE


def present(x: Any) -> Truth:
    """True when the value is not blank."""
    return FALSE if is_blank(x) else TRUE


def col(rows: Any, field: Any) -> Rows:
    """The values of one field across rows: ``sum(col(tasks, 'funds'))``."""
    if isinstance(rows, Blank):
        return Rows((), rows.pointer or "")
    if not isinstance(rows, (Rows, tuple)):
        raise NotEvaluable(f"col() needs rows, not {describe(rows)}")
    key = str(field)
    return Rows((r.get(key) if isinstance(r, Record) else Blank() for r in rows), getattr(rows, "pointer", ""))


def where(rows: Any, field: Any, value: Any) -> Rows:
    """The rows whose ``field`` equals ``value``: ``where(funds, 'source', '合计')``."""
    return _select(rows, field, value, keep=True)


def exclude(rows: Any, field: Any, value: Any) -> Rows:
    """The rows whose ``field`` does not equal ``value`` (or is blank)."""
    return _select(rows, field, value, keep=False)


def _matches(cell: Any, value: Any) -> bool:
    if is_blank(cell):
        return False
    if isinstance(value, (tuple, list)):
        return any(_matches(cell, v) for v in value)
    if isinstance(cell, Figure) and isinstance(value, Figure):
        return cell.eq(value) is TRUE
    return str(cell).strip() == str(value).strip()


def _select(rows: Any, field: Any, value: Any, keep: bool) -> Rows:
    if isinstance(rows, Blank):
        return Rows((), rows.pointer or "")
    if not isinstance(rows, (Rows, tuple)):
        raise NotEvaluable(f"where()/exclude() need rows, not {describe(rows)}")
    key = str(field)
    chosen = [r for r in rows if isinstance(r, Record) and _matches(r.get(key), value) == keep]
    return Rows(chosen, getattr(rows, "pointer", ""))


def first(rows: Any) -> Any:
    """The first row of a list; not evaluable when the list is empty."""
    if isinstance(rows, (Rows, tuple)) and rows:
        return rows[0]
    raise NotEvaluable("no such row")


def certainly(x: Any) -> Truth:
    """True only when ``x`` is certainly true; a comparison true only within rounding becomes false."""
    return TRUE if Truth.of(x) is TRUE else FALSE


def possibly(x: Any) -> Truth:
    """False only when ``x`` is certainly false."""
    return FALSE if Truth.of(x) is FALSE else TRUE


def within(a: Any, b: Any, abs: Any = 0, rel: Any = 0) -> Truth:  # noqa: A002 - the name is the API
    """``a`` equals ``b`` within a materiality threshold: ``within(x, y, abs=1)``, ``within(x, y, rel=0.01)``."""
    for v in (a, b):
        if isinstance(v, Blank):
            raise v.missing()
    abs_tol = as_figure(abs).value
    rel_tol = as_figure(rel).value
    if abs_tol < 0 or rel_tol < 0:
        raise NotEvaluable("within(): thresholds must not be negative")
    return as_figure(a).within(as_figure(b), Decimal(abs_tol), Decimal(rel_tol))


def contains(text: Any, *words: Any) -> Truth:
    """True when ``text`` contains any of ``words``: ``contains(deviation_reason, '原因')``."""
    if is_blank(text):
        return FALSE
    haystack = str(text)
    for w in words:
        if isinstance(w, (Rows, tuple, list)):
            if any(str(x) in haystack for x in w):
                return TRUE
        elif str(w) in haystack:
            return TRUE
    return FALSE


__all__ = ["abs_", "sum_", "min_", "max_", "round_", "len_", "blank", "present", "col", "where", "exclude",
           "first", "certainly", "possibly", "within", "contains", "MAYBE", "Text"]


def filled(rows: Any, *fields: Any) -> Rows:
    """The rows in which every named field has a value: ``filled(indicators, 'target', 'achieved')``."""
    if isinstance(rows, Blank):
        return Rows((), rows.pointer or "")
    if not isinstance(rows, (Rows, tuple)):
        raise NotEvaluable(f"filled() needs rows, not {describe(rows)}")
    names = [str(f) for f in fields]
    return Rows((r for r in rows if isinstance(r, Record) and all(not is_blank(r.get(n)) for n in names)),
                getattr(rows, "pointer", ""))
