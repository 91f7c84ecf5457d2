"""The built-in functions of the expression language.

Each is registered in the ``formaudit.functions`` entry-point group under the name rules call it by.
They take expression values (``Figure``, ``Text``, ``Blank``, ``Record``, ``Rows``, ``Truth``) and raise
``NotEvaluable`` when the answer cannot be known. Blank amounts are skipped by ``sum``/``min``/``max``:
on these forms a blank amount cell means "nothing".

Functions: ``sum min max abs round len`` (figures), ``blank present`` (cells), ``col where exclude first
filled having`` (rows), ``has`` (does the form show a field at all), ``years`` (the years a text names), ``text`` (a cell as printed), ``certainly possibly within``
(three-valued), ``contains`` (text), ``exact`` (a printed figure taken at its face value: weights and
scores), ``known reason`` (can a value be evaluated, and if not, why — they receive what cannot be
evaluated instead of failing the rule).
"""

from __future__ import annotations

import re
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


def _extreme(values: tuple, pick: Any, what: str) -> Figure:
    """The smallest (``pick=min``) or largest (``pick=max``) figure; its interval is bounded by the
    smallest/largest of the operands' bounds, so it is certain only where the intervals allow."""
    figures = _spread(values, what)
    if not figures:
        raise NotEvaluable(f"{what}() of no figures")
    lo = pick(f.lo for f in figures)
    hi = pick(f.hi for f in figures)
    best = pick(figures, key=lambda f: f.value)
    return Figure(best.value, lo, hi, best.dim, style=best.style, scale=best.scale, decimals=best.decimals,
                  printed=best.printed if best.lo == lo and best.hi == hi else None, pointer=best.pointer)


def min_(*values: Any) -> Figure:
    """Smallest of figures: ``min(a, b)`` or ``min(list)``; certain only where the intervals allow."""
    return _extreme(values, min, "min")


def max_(*values: Any) -> Figure:
    """Largest of figures: ``max(a, b)`` or ``max(list)``."""
    return _extreme(values, max, "max")


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


def text(x: Any) -> Any:
    """The value as the form prints it, as text: a figure becomes its printed text (``100%`` stays ``100%``,
    not an interval), so ``text(a) != text(b)`` compares what is written. A blank stays blank."""
    if is_blank(x):
        return x
    if isinstance(x, Figure):
        return Text(x.printed if x.printed is not None else x.format(), x.pointer)
    if isinstance(x, str):
        return x
    raise NotEvaluable(f"text() needs a cell, not {describe(x)}")


_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)(?=\s*(?:年|$))")


def years(x: Any) -> Rows:
    """The years a text names, as exact figures, in order: ``years('2022年度项目支出绩效自评表')`` is (2022),
    ``years('2021-2022年')`` (2022) — a year is four digits 1900–2099 followed by 年 or ending the text; a
    figure or an integer printed as a year (``year: 2022``) is that year. Blank: no years."""
    if is_blank(x):
        return Rows(())
    if isinstance(x, Figure):
        text = x.printed if x.printed is not None else x.format()
    elif isinstance(x, (str, int, Decimal)) and not isinstance(x, bool):
        text = str(x)
    else:
        raise NotEvaluable(f"years() needs a text or a figure, not {describe(x)}")
    return Rows(Figure.exact(Decimal(m.group(1))) for m in _YEAR.finditer(text.strip()))


def filled(rows: Any, *fields: Any) -> Rows:
    """The rows in which every named field has a value: ``filled(indicators, 'target', 'achieved')``."""
    if isinstance(rows, Blank):
        return Rows((), rows.pointer or "")
    if not isinstance(rows, (Rows, tuple)):
        raise NotEvaluable(f"filled() needs rows, not {describe(rows)}")
    names = [str(f) for f in fields]
    return Rows((r for r in rows if isinstance(r, Record) and all(not is_blank(r.get(n)) for n in names)),
                getattr(rows, "pointer", ""))


def having(rows: Any, field: Any, *words: Any) -> Rows:
    """The rows whose ``field`` is a text containing any of ``words`` (a word or a list of words):
    ``having(indicators, 'level1', '产出')`` finds 产出指标 and 产出指标(50分) alike. Blank cells never match."""
    if isinstance(rows, Blank):
        return Rows((), rows.pointer or "")
    if not isinstance(rows, (Rows, tuple)):
        raise NotEvaluable(f"having() needs rows, not {describe(rows)}")
    key = str(field)
    wanted: list[str] = []
    for w in words:
        if isinstance(w, (Rows, tuple, list)):
            wanted.extend(str(x) for x in w if not is_blank(x))
        elif not is_blank(w):
            wanted.append(str(w))

    def hit(record: Any) -> bool:
        if not isinstance(record, Record):
            return False
        cell = record.get(key)
        if is_blank(cell):
            return False
        text = str(cell)
        return any(w in text for w in wanted)
    return Rows((r for r in rows if hit(r)), getattr(rows, "pointer", ""))


def has(record: Any, *fields: Any) -> Truth:
    """True when the record shows every named field, even printed blank (``""``, ``—``). By the form-data
    convention a field is left out when the document does not show it (cut off, unreadable), so
    ``present(score) or not has(item, 'score')`` judges only what the form prints."""
    if not isinstance(record, Record):
        if isinstance(record, Blank):
            return FALSE
        raise NotEvaluable(f"has() needs an object of the form, not {describe(record)}")
    return TRUE if all(str(f) in record for f in fields) else FALSE


def _exact_figure(x: Figure) -> Figure:
    return Figure(x.value, x.value, x.value, x.dim, printed=x.printed, style=x.style, scale=x.scale,
                  decimals=x.decimals, pointer=x.pointer)


def exact(x: Any) -> Any:
    """A printed figure taken at its face value, without its rounding interval; on a list, each figure
    (blank cells kept, so ``sum`` still skips them). For weights and scores (分值/得分): a weight printed 10 is
    10, not 9.5–10.5, and a score printed equal to its weight is full marks."""
    if isinstance(x, Figure):
        return _exact_figure(x)
    if isinstance(x, (Rows, tuple, list)):
        out = []
        for v in x:
            if is_blank(v):
                out.append(v)
            elif isinstance(v, Figure):
                out.append(_exact_figure(v))
            else:
                raise NotEvaluable(f"exact(): not a figure: {describe(v)}")
        return Rows(out, getattr(x, "pointer", ""))
    if isinstance(x, Blank):
        raise x.missing()
    if isinstance(x, (int, Decimal)) and not isinstance(x, bool):
        return Figure.exact(Decimal(x))
    raise NotEvaluable(f"exact(): not a figure: {describe(x)}")


def known(x: Any) -> Truth:
    """True when ``x`` can be evaluated and has a value; false when it is blank or cannot be evaluated
    (``known(reaches(achieved, target))`` is false for a qualitative target). It never makes a rule
    not evaluable: it receives what cannot be evaluated instead of failing."""
    return FALSE if is_blank(x) else TRUE


known.catches_not_evaluable = True  # type: ignore[attr-defined]


def reason(x: Any) -> Text:
    """Why ``x`` cannot be evaluated (for messages): the reason, ``无值`` for a plain blank, ``""`` when it has
    a value."""
    if isinstance(x, Blank):
        return Text(x.reason or "无值")
    if x is None:
        return Text("无值")
    return Text("")


reason.catches_not_evaluable = True  # type: ignore[attr-defined]


# Functions whose result depends on their arguments alone and that walk rows: the checker answers a second
# call with the same arguments on the same form from its memo (expressions.Scope.memo). Cheap ones
# (len, present, certainly …) are not marked: a lookup would cost them more than it saves.
for _fn in (sum_, min_, max_, col, where, exclude, filled, having):
    _fn.pure = True  # type: ignore[attr-defined]


__all__ = ["abs_", "sum_", "min_", "max_", "round_", "len_", "blank", "present", "col", "where", "exclude",
           "first", "certainly", "possibly", "within", "contains", "filled", "having", "has", "exact", "known",
           "reason", "text", "years", "MAYBE", "Text"]
