"""A naive engine for comparison: the same packs, the same checker, but every expression is re-parsed and
interpreted by simpleeval on every evaluation (``SimpleEval(...).eval(source)`` each time, as
``simple_eval`` does), with the names of each evaluation copied into a fresh dict.

It is wired with the same functions and the same values (figures, three-valued truths), and with the
least needed for the same verdicts: Kleene ``and``/``or``/``not``, three-valued comparisons, exact
Decimal literals, missing fields read as blanks, lets computed when first read. Everything else is
simpleeval's own interpreter. It is a yardstick, not part of formaudit.
"""

from __future__ import annotations

import ast
import dataclasses
from decimal import Decimal
from typing import Any, Callable, Mapping

import simpleeval
from formaudit.checking import Checker
from formaudit.errors import NotEvaluable
from formaudit.expressions import Expression, Scope, _arith, _figure_operand, _lookup, compare
from formaudit.figures import FALSE, MAYBE, TRUE, Figure, Truth
from formaudit.packs import Pack, Rule, Template
from formaudit.values import Blank, Record, Text

_FUNCTION_ERRORS = (ArithmeticError, TypeError, ValueError, KeyError, IndexError, AttributeError, RecursionError,
                    MemoryError)


def _cmp(op: str) -> Callable[[Any, Any], Truth]:
    return lambda a, b: compare(op, a, b)


OPERATORS: dict[type, Callable] = {
    ast.Add: _arith("+"), ast.Sub: _arith("-"), ast.Mult: _arith("*"), ast.Div: _arith("/"),
    ast.USub: lambda x: -_figure_operand(x, "-"), ast.UAdd: lambda x: _figure_operand(x, "+"),
    ast.Not: lambda x: Truth.of(x).negate(),
    **{getattr(ast, op): _cmp(op) for op in ("Eq", "NotEq", "Lt", "LtE", "Gt", "GtE", "In", "NotIn")},
}


class _Names(dict):
    """One evaluation's names: the item's fields and the scope names, copied; lets computed on first read."""

    def __init__(self, scope: Scope, lets: Mapping[str, str], functions: Mapping[str, Callable]):
        item = scope.item
        super().__init__(item.items() if isinstance(item, Record) else ())
        self.update(item=scope.item, parent=scope.parent, form=scope.form, index=scope.index, params=scope.params)
        for name in lets:  # a let shadows a field of the same name (``total`` on a project form)
            self.pop(name, None)
        self.update(scope.lets)
        self.scope, self.lets, self.functions = scope, lets, functions

    def __missing__(self, name: str) -> Any:
        if name in self.lets:
            value = self.scope.lets[name] = naive_eval(self.lets[name], self.scope, self.lets, self.functions)
            self[name] = value
            return value
        if name in self.functions:
            raise KeyError(name)
        item = self.scope.item
        return item.get(name) if isinstance(item, Record) else Blank()


class NaiveEval(simpleeval.SimpleEval):
    def _eval_constant(self, node: ast.Constant) -> Any:  # type: ignore[override]
        value = node.value
        if isinstance(value, bool):
            return TRUE if value else FALSE
        if value is None:
            return Blank()
        if isinstance(value, (int, float)):
            return Figure.exact(Decimal(repr(value)))
        return Text(value)

    def _eval_boolop(self, node: ast.BoolOp) -> Truth:
        if isinstance(node.op, ast.And):
            rank = 2
            for v in node.values:
                rank = min(rank, Truth.of(self._eval(v)).rank)
                if rank == 0:
                    return FALSE
        else:
            rank = 0
            for v in node.values:
                rank = max(rank, Truth.of(self._eval(v)).rank)
                if rank == 2:
                    return TRUE
        return (FALSE, MAYBE, TRUE)[rank]

    def _eval_call(self, node: ast.Call) -> Any:
        fn = self.functions[node.func.id]
        if getattr(fn, "catches_not_evaluable", False):
            args = [self._caught(a) for a in node.args]
            kwargs = {k.arg: self._caught(k.value) for k in node.keywords}
        else:
            args = [self._eval(a) for a in node.args]
            kwargs = {k.arg: self._eval(k.value) for k in node.keywords}
        try:
            return fn(*args, **kwargs)
        except NotEvaluable:
            raise
        except _FUNCTION_ERRORS as exc:
            raise NotEvaluable(f"{node.func.id}() failed: {type(exc).__name__}: {exc}") from None

    def _caught(self, node: ast.AST) -> Any:
        try:
            return self._eval(node)
        except NotEvaluable as exc:
            return Blank(reason=exc.reason)

    def _eval_ifexp(self, node: ast.IfExp) -> Any:
        truth = Truth.of(self._eval(node.test))
        if truth is MAYBE:
            raise NotEvaluable("the condition of 'if … else' is uncertain within the printed precision")
        return self._eval(node.body) if truth is TRUE else self._eval(node.orelse)

    def _eval_attribute(self, node: ast.Attribute) -> Any:
        # ``a.b`` is a key lookup in a form object (a missing key reads as a blank), as in the engine
        where = ast.get_source_segment(self.expr, node) or node.attr
        return _lookup(self._eval(node.value), node.attr, where)

    def _eval_subscript(self, node: ast.Subscript) -> Any:
        key = node.slice.value  # type: ignore[attr-defined]
        where = ast.get_source_segment(self.expr, node) or str(key)
        return _lookup(self._eval(node.value), key, where)


def naive_eval(source: str, scope: Scope, lets: Mapping[str, str], functions: Mapping[str, Callable]) -> Any:
    """Parse and interpret ``source`` now, from scratch."""
    evaluator = NaiveEval(operators=OPERATORS, functions=dict(functions), names=_Names(scope, lets, functions))
    try:
        return evaluator.eval(source.strip())
    except (simpleeval.AttributeDoesNotExist, AttributeError, KeyError) as exc:
        raise NotEvaluable(f"no such field: {exc}") from None


def _naive(expr: Expression, lets: Mapping[str, str], functions: Mapping[str, Callable]) -> Expression:
    source = expr.source

    def run(scope: Scope) -> Any:
        return naive_eval(source, scope, lets, functions)
    compare_sides = None
    top = expr.tree
    if expr.compare is not None and isinstance(top, ast.Compare):
        text = source.strip()
        left, right = ast.get_source_segment(text, top.left), ast.get_source_segment(text, top.comparators[0])

        def side(part: str) -> Callable[[Scope], Any]:
            return lambda scope: naive_eval(part, scope, lets, functions)
        compare_sides = (expr.compare[0], side(left), side(right))
    return dataclasses.replace(expr, run=run, compare=compare_sides)


def naive_rule(rule: Rule, functions: Mapping[str, Callable]) -> Rule:
    lets = {name: e.source for name, e in rule.lets}
    parts = tuple((_naive(p[0], lets, functions), p[1]) if isinstance(p, tuple) else p for p in rule.message.parts)
    return dataclasses.replace(
        rule, check=_naive(rule.check, lets, functions),
        when=_naive(rule.when, lets, functions) if rule.when is not None else None,
        lets=tuple((name, _naive(e, lets, functions)) for name, e in rule.lets),
        message=Template(rule.message.source, parts))


def naive_checker(pack: Pack, schema: Mapping[str, Any] | None, functions: Mapping[str, Callable]) -> Checker:
    """A ``Checker`` for ``pack`` whose every expression is re-parsed on every evaluation."""
    naive_pack = dataclasses.replace(pack, rules=tuple(naive_rule(r, functions) for r in pack.rules))
    return Checker(naive_pack, schema)
