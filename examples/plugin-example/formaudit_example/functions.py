"""Function ``pct_change(old, new)``: the relative change (new − old) ÷ old, for rules to call.

Functions take the engine's values — figures (``formaudit.figures.Figure``, intervals that know their
printed precision), text, blanks — and raise ``formaudit.errors.NotEvaluable`` with a reason when the
answer cannot be known; they never return a float.
"""

from __future__ import annotations

from typing import Any

from formaudit.figures import Figure, as_figure
from formaudit.values import Blank


def pct_change(old: Any, new: Any) -> Figure:
    """(new − old) ÷ old; not evaluable when either is blank or old may be 0."""
    for value in (old, new):
        if isinstance(value, Blank):
            raise value.missing()
    old, new = as_figure(old), as_figure(new)
    return (new - old) / old  # division raises NotEvaluable when old is (or may round to) 0
