"""The rule expression language: a small, pinned subset of Python, safe by construction.

An expression is parsed once, when its pack loads (simpleeval's parser), checked against an
allowlist, and compiled into a tree of small Python closures. Nothing is ever passed to ``eval``; no
Python attribute is ever read (``a.b`` is a key lookup in a form object); only registered functions
can be called; literals are exact Decimals. Work per evaluation is bounded by the caps below, so no
timeout is needed.

Allowed: names, number/string/True/False/None literals, tuples of literals and names, ``+ - * /``,
unary ``- + not``, comparisons (``== != < <= > >= in not in``, chained), ``and or`` (Kleene
three-valued logic), ``x if c else y``, calls of registered functions (positional and keyword
arguments), ``a.b`` and ``a['b']`` / ``a[0]`` key lookups with constant keys. Everything else — ``**``,
``%``, lambdas, comprehensions, f-strings, attribute access to Python objects, dunder names,
assignments — is refused at load with its position.

A function marked ``catches_not_evaluable = True`` (``known``, ``reason``) receives an argument that
cannot be evaluated as a ``Blank`` carrying the reason, so that a rule can ask whether something can be
judged without becoming not evaluable itself.

A function marked ``pure = True`` (its result depends on its arguments alone: ``where``, ``reaches``) is
called once per form for the same argument objects: when a scope carries a ``memo`` (the checker gives
each form one), a second call with the same arguments — three indicator rules asking ``reaches`` about
the same row — returns the first call's result, or raises its "not evaluable" again. Form values are
read-only and the memo keeps its arguments alive, so argument identity is a sound key.
"""

from __future__ import annotations

import ast
import functools
import inspect
import warnings
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable, Mapping

import simpleeval

from .errors import NotEvaluable
from .figures import FALSE, MAYBE, TRUE, Figure, Truth, describe, parse_decimal
from .values import Blank, Record, Rows, Text, is_blank

MAX_SOURCE = 1000          # characters in one expression
MAX_NODES = 300            # AST nodes in one expression
MAX_DEPTH = 24             # nesting depth
MAX_STRING = 200           # characters in one string literal
SCOPE_NAMES = frozenset({"item", "parent", "form", "index", "params"})
RESERVED = SCOPE_NAMES | {"True", "False", "None"}


class ExpressionError(Exception):
    """An expression refused at load: ``offset`` is the 0-based column in the expression source."""

    def __init__(self, message: str, offset: int = 0, code: str = "expression-error"):
        super().__init__(message)
        self.message = message
        self.offset = offset
        self.code = code


@dataclass(slots=True)
class Scope:
    """What one evaluation sees. Built once per rule and item; nothing is copied. ``memo`` is shared by
    every scope of one form: the results of ``pure`` functions (see the module's docstring)."""

    item: Any
    parent: Any = None
    form: Any = None
    index: Any = None
    params: Any = None
    let_defs: Mapping[str, "Compiled"] = field(default_factory=dict)  # the rule's lets, computed on first use
    lets: dict[str, Any] = field(default_factory=dict)                # the values computed so far
    memo: dict | None = None


Compiled = Callable[[Scope], Any]


@dataclass(frozen=True)
class Expression:
    source: str
    tree: ast.AST
    fields: frozenset[str]      # item fields it reads
    lets: frozenset[str]        # let names it reads
    functions: frozenset[str]   # functions it calls
    params: frozenset[str]      # params it reads (params.x / params['x'])
    run: Compiled
    compare: tuple[str, Compiled, Compiled] | None = None  # top-level `a OP b`: both sides, for evidence

    def __call__(self, scope: Scope) -> Any:
        return self.run(scope)


def compile_expression(source: str, functions: Mapping[str, Callable], let_names: frozenset[str] = frozenset(),
                       *, lenient_functions: bool = False) -> Expression:
    """Parse and check ``source``; raise ``ExpressionError`` with a column for anything refused."""
    if not isinstance(source, str):
        source = str(source)
    if len(source) > MAX_SOURCE:
        raise ExpressionError(f"expression is {len(source)} characters long; at most {MAX_SOURCE} are allowed",
                              0, "expression-too-long")
    if not source.strip():
        raise ExpressionError("empty expression", 0, "expression-syntax")
    # an expression may be folded over several lines in YAML (``>-``): it is still one expression
    source = " ".join(line.strip() for line in source.strip().splitlines())
    try:
        with warnings.catch_warnings():  # "a; b" would silently drop b: refuse it
            warnings.simplefilter("error", simpleeval.MultipleExpressions)
            node = simpleeval.SimpleEval.parse(source)
    except SyntaxError as exc:
        raise ExpressionError(f"syntax error: {exc.msg}", max((exc.offset or 1) - 1, 0), "expression-syntax") from None
    except simpleeval.MultipleExpressions:
        raise ExpressionError("one expression only: ';' separates statements", 0, "expression-syntax") from None
    except (RecursionError, MemoryError, ValueError, simpleeval.InvalidExpression) as exc:
        raise ExpressionError(f"expression cannot be parsed: {exc}", 0, "expression-syntax") from None
    if not isinstance(node, ast.Expr):
        raise ExpressionError("an expression must be a single expression, not a statement", 0, "expression-syntax")
    lead = 0
    compiler = _Compiler(source, functions, let_names, lead, lenient_functions)
    _check_size(node.value, lead)
    run = compiler.compile(node.value)
    run = _fastest(node.value, compiler, run)
    compare = None
    top = node.value
    if isinstance(top, ast.Compare) and len(top.ops) == 1:
        compare = (type(top.ops[0]).__name__, compiler.compile(top.left), compiler.compile(top.comparators[0]))
    return Expression(source, node.value, frozenset(compiler.fields), frozenset(compiler.lets_used),
                      frozenset(compiler.calls), frozenset(compiler.params), run, compare)


def _check_size(node: ast.AST, lead: int) -> None:
    count = 0
    stack = [(node, 1)]
    while stack:
        current, depth = stack.pop()
        count += 1
        if count > MAX_NODES:
            raise ExpressionError(f"expression has more than {MAX_NODES} parts", 0, "expression-too-complex")
        if depth > MAX_DEPTH:
            raise ExpressionError(f"expression is nested more than {MAX_DEPTH} deep",
                                  lead + getattr(current, "col_offset", 0), "expression-too-complex")
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(current))


# -- run-time semantics ---------------------------------------------------------------------------

def _figure_operand(value: Any, op: str) -> Figure:
    if isinstance(value, Figure):
        return value
    if is_blank(value):
        raise value.missing() if isinstance(value, Blank) else NotEvaluable("no value")
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return Figure.exact(Decimal(value))
    raise NotEvaluable(f"not a figure: {describe(value)} (in {op})")


def _arith(op: str) -> Callable[[Any, Any], Any]:
    def apply(a: Any, b: Any) -> Any:
        x, y = _figure_operand(a, op), _figure_operand(b, op)
        if op == "+":
            return x + y
        if op == "-":
            return x - y
        if op == "*":
            return x * y
        return x / y
    return apply


_ORDER = {"Lt": "lt", "LtE": "le", "Gt": "gt", "GtE": "ge"}


_FIGURE_ORDER = {"Eq": Figure.eq, "NotEq": Figure.ne, "Lt": Figure.lt, "LtE": Figure.le, "Gt": Figure.gt,
                 "GtE": Figure.ge}


def compare(op: str, a: Any, b: Any) -> Truth:
    """Three-valued comparison of two expression values. ``op`` is an ast operator class name."""
    if type(a) is Figure and type(b) is Figure and op in _FIGURE_ORDER:  # the common case, decided as below
        return _FIGURE_ORDER[op](a, b)
    if op in ("In", "NotIn"):
        result = _contains(b, a)
        return result.negate() if op == "NotIn" else result
    if isinstance(a, Blank):
        raise a.missing()
    if isinstance(b, Blank):
        raise b.missing()
    if a is None or b is None:
        raise NotEvaluable("no value")
    a_fig = isinstance(a, (Figure, int, Decimal)) and not isinstance(a, bool)
    b_fig = isinstance(b, (Figure, int, Decimal)) and not isinstance(b, bool)
    if a_fig and b_fig:
        x, y = _figure_operand(a, op), _figure_operand(b, op)
        if op == "Eq":
            return x.eq(y)
        if op == "NotEq":
            return x.ne(y)
        return getattr(x, _ORDER[op])(y)
    if op in ("Eq", "NotEq"):
        if isinstance(a, (Truth, bool)) or isinstance(b, (Truth, bool)):
            equal = Truth.of(a) is Truth.of(b) if isinstance(a, (Truth, bool)) and isinstance(b, (Truth, bool)) else False
        elif isinstance(a, str) and isinstance(b, str):
            equal = str(a).strip() == str(b).strip()
        else:
            equal = False
        result = TRUE if equal else FALSE
        return result.negate() if op == "NotEq" else result
    raise NotEvaluable(f"cannot order {describe(a)} and {describe(b)}")


def _contains(container: Any, needle: Any) -> Truth:
    if isinstance(container, str):
        if isinstance(needle, Blank):
            raise needle.missing()
        return TRUE if str(needle) in container else FALSE
    if isinstance(container, (tuple, list)):
        rank = 0
        for element in container:
            try:
                rank = max(rank, compare("Eq", needle, element).rank)
            except NotEvaluable:
                continue
            if rank == 2:
                break
        return (FALSE, MAYBE, TRUE)[rank]
    if isinstance(container, Blank):
        raise container.missing()
    raise NotEvaluable(f"'in' needs text or a list, not {describe(container)}")


def _lookup(value: Any, key: Any, where: str) -> Any:
    if isinstance(value, Record):
        return value.get(str(key))
    if isinstance(value, Rows) and isinstance(key, int):
        if -len(value) <= key < len(value):
            return value[key]
        return Blank(f"{value.pointer}/{key}")
    if isinstance(value, Blank):
        raise value.missing()
    raise NotEvaluable(f"{where}: {describe(value)} has no '{key}'")


class _Compiler:
    def __init__(self, source: str, functions: Mapping[str, Callable], let_names: frozenset[str], lead: int,
                 lenient_functions: bool):
        self.source = source
        self.functions = functions
        self.let_names = let_names
        self.lead = lead
        self.lenient = lenient_functions
        self.fields: set[str] = set()
        self.lets_used: set[str] = set()
        self.calls: set[str] = set()
        self.params: set[str] = set()

    def refuse(self, node: ast.AST, message: str, code: str = "expression-forbidden") -> ExpressionError:
        return ExpressionError(message, self.lead + getattr(node, "col_offset", 0), code)

    def compile(self, node: ast.AST) -> Compiled:
        method = getattr(self, "_" + type(node).__name__, None)
        if method is None:
            raise self.refuse(node, f"{_describe_node(node)} is not allowed in rule expressions")
        return method(node)

    # literals and names

    def _Constant(self, node: ast.Constant) -> Compiled:
        value = node.value
        if isinstance(value, bool):
            result: Any = TRUE if value else FALSE
        elif value is None:
            result = Blank()
        elif isinstance(value, (int, float)):
            text = ast.get_source_segment(self.source, node) or repr(value)
            try:
                result = _number_literal(str(parse_decimal(text.replace("_", ""))))
            except ValueError as exc:
                raise self.refuse(node, str(exc), "expression-literal") from None
        elif isinstance(value, str):
            if len(value) > MAX_STRING:
                raise self.refuse(node, f"string literal longer than {MAX_STRING} characters", "expression-literal")
            result = _text_literal(value)
        else:
            raise self.refuse(node, f"{type(value).__name__} literals are not allowed", "expression-literal")
        return lambda scope: result

    def _Name(self, node: ast.Name) -> Compiled:
        name = node.id
        if name.startswith("_"):
            raise self.refuse(node, f"names starting with '_' are not allowed: {name}")
        if name in self.let_names:
            self.lets_used.add(name)
            lets_key = name

            def let_value(scope: Scope) -> Any:
                try:
                    return scope.lets[lets_key]
                except KeyError:
                    value = scope.lets[lets_key] = scope.let_defs[lets_key](scope)
                    return value
            return let_value
        if name == "item":
            return lambda scope: scope.item
        if name == "parent":
            return lambda scope: scope.parent
        if name == "form":
            return lambda scope: scope.form
        if name == "index":
            return lambda scope: scope.index
        if name == "params":
            return lambda scope: scope.params
        if name in self.functions:
            raise self.refuse(node, f"'{name}' is a function: call it as {name}(…)")
        self.fields.add(name)

        def field_value(scope: Scope) -> Any:
            return scope.item.get(name)
        return field_value

    def _Tuple(self, node: ast.Tuple) -> Compiled:
        parts = [self.compile(e) for e in node.elts]
        return lambda scope: Rows(p(scope) for p in parts)

    _List = _Tuple

    # key lookups

    def _Attribute(self, node: ast.Attribute) -> Compiled:
        if node.attr.startswith("_"):
            raise self.refuse(node, f"names starting with '_' are not allowed: {node.attr}")
        if isinstance(node.value, ast.Name) and node.value.id == "params":
            self.params.add(node.attr)
        base = self.compile(node.value)
        key = node.attr
        where = ast.get_source_segment(self.source, node) or key
        return lambda scope: _lookup(base(scope), key, where)

    def _Subscript(self, node: ast.Subscript) -> Compiled:
        key_node = node.slice
        if not isinstance(key_node, ast.Constant) or isinstance(key_node.value, bool) or \
                not isinstance(key_node.value, (str, int)):
            raise self.refuse(node, "only constant keys are allowed in [ ]: a['name'] or a[0]")
        key = key_node.value
        if isinstance(key, str) and key.startswith("_"):
            raise self.refuse(node, f"keys starting with '_' are not allowed: {key}")
        if isinstance(node.value, ast.Name) and node.value.id == "params" and isinstance(key, str):
            self.params.add(key)
        base = self.compile(node.value)
        where = ast.get_source_segment(self.source, node) or str(key)
        return lambda scope: _lookup(base(scope), key, where)

    # operators

    def _BinOp(self, node: ast.BinOp) -> Compiled:
        ops = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
        op = ops.get(type(node.op))
        if op is None:
            raise self.refuse(node, f"operator {type(node.op).__name__} is not allowed (only + - * /)")
        left, right, apply = self.compile(node.left), self.compile(node.right), _arith(op)
        return lambda scope: apply(left(scope), right(scope))

    def _UnaryOp(self, node: ast.UnaryOp) -> Compiled:
        operand = self.compile(node.operand)
        if isinstance(node.op, ast.Not):
            return lambda scope: Truth.of(operand(scope)).negate()
        if isinstance(node.op, ast.USub):
            return lambda scope: -_figure_operand(operand(scope), "-")
        if isinstance(node.op, ast.UAdd):
            return lambda scope: _figure_operand(operand(scope), "+")
        raise self.refuse(node, f"operator {type(node.op).__name__} is not allowed")

    def _BoolOp(self, node: ast.BoolOp) -> Compiled:
        parts = [self.compile(v) for v in node.values]
        if isinstance(node.op, ast.And):
            def conj(scope: Scope) -> Truth:
                rank = 2
                for part in parts:
                    rank = min(rank, Truth.of(part(scope)).rank)
                    if rank == 0:
                        return FALSE
                return (FALSE, MAYBE, TRUE)[rank]
            return conj

        def disj(scope: Scope) -> Truth:
            rank = 0
            for part in parts:
                rank = max(rank, Truth.of(part(scope)).rank)
                if rank == 2:
                    return TRUE
            return (FALSE, MAYBE, TRUE)[rank]
        return disj

    def _Compare(self, node: ast.Compare) -> Compiled:
        allowed = {"Eq", "NotEq", "Lt", "LtE", "Gt", "GtE", "In", "NotIn"}
        ops = [type(o).__name__ for o in node.ops]
        for o in ops:
            if o not in allowed:
                raise self.refuse(node, f"comparison {o} is not allowed")
        operands = [self.compile(node.left)] + [self.compile(c) for c in node.comparators]
        if len(ops) == 1:
            op, left, right = ops[0], operands[0], operands[1]
            return lambda scope: compare(op, left(scope), right(scope))

        def chain(scope: Scope) -> Truth:
            rank = 2
            previous = operands[0](scope)
            for op, operand in zip(ops, operands[1:]):
                current = operand(scope)
                rank = min(rank, compare(op, previous, current).rank)
                if rank == 0:
                    return FALSE
                previous = current
            return (FALSE, MAYBE, TRUE)[rank]
        return chain

    def _IfExp(self, node: ast.IfExp) -> Compiled:
        test, body, orelse = self.compile(node.test), self.compile(node.body), self.compile(node.orelse)

        def choose(scope: Scope) -> Any:
            truth = Truth.of(test(scope))
            if truth is TRUE:
                return body(scope)
            if truth is FALSE:
                return orelse(scope)
            raise NotEvaluable("the condition of 'if … else' is uncertain within the printed precision")
        return choose

    def _Call(self, node: ast.Call) -> Compiled:
        if not isinstance(node.func, ast.Name):
            raise self.refuse(node, "only registered functions can be called, by name: f(x)")
        name = node.func.id
        fn = self.functions.get(name)
        if fn is None:
            if not self.lenient:
                known = ", ".join(sorted(self.functions)) or "none"
                raise self.refuse(node, f"unknown function '{name}' (known: {known})", "unknown-function")
        for kw in node.keywords:
            if kw.arg is None:
                raise self.refuse(node, "**kwargs is not allowed")
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                raise self.refuse(arg, "*args is not allowed")
        self.calls.add(name)
        if fn is not None:
            _check_arity(self, node, name, fn)
        args = [self.compile(a) for a in node.args]
        kwargs = [(kw.arg, self.compile(kw.value)) for kw in node.keywords]
        functions = self.functions

        def call(scope: Scope) -> Any:
            target = functions[name]
            if getattr(target, "catches_not_evaluable", False):
                values = [_caught(a, scope) for a in args]
                options = {k: _caught(v, scope) for k, v in kwargs}
            else:
                values = [a(scope) for a in args]
                options = {k: v(scope) for k, v in kwargs}
                if scope.memo is not None and getattr(target, "pure", False):
                    return _g_invoke_pure(scope.memo, target, name, *values, **options)
            return _g_invoke(target, name, *values, **options)
        return call


def _caught(compiled: Compiled, scope: Scope) -> Any:
    """An argument of a function marked ``catches_not_evaluable``: what cannot be evaluated arrives as a
    ``Blank`` carrying the reason, instead of making the whole rule not evaluable."""
    try:
        return compiled(scope)
    except NotEvaluable as exc:
        return Blank(reason=exc.reason)


# Equal literals are one object across every expression loaded (while they stay in these caches), so that
# ``where(funds, 'source', '合计')`` in two rules is the same call to a pure function's memo, which keys
# arguments by identity. Literals are read-only; sharing them changes nothing else.
@functools.lru_cache(maxsize=4096)
def _text_literal(value: str) -> Text:
    return Text(value)


@functools.lru_cache(maxsize=4096)
def _number_literal(digits: str) -> Figure:
    return Figure.exact(Decimal(digits))


def _check_arity(compiler: _Compiler, node: ast.Call, name: str, fn: Callable) -> None:
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        return
    try:
        signature.bind(*node.args, **{kw.arg: kw.value for kw in node.keywords})
    except TypeError as exc:
        raise compiler.refuse(node, f"{name}(): {exc}", "function-arguments") from None


def _describe_node(node: ast.AST) -> str:
    names = {
        "Lambda": "lambda", "ListComp": "a list comprehension", "SetComp": "a set comprehension",
        "DictComp": "a dict comprehension", "GeneratorExp": "a generator expression",
        "JoinedStr": "an f-string", "FormattedValue": "an f-string", "Dict": "a dict literal", "Set": "a set literal",
        "NamedExpr": "':='", "Starred": "'*'", "Await": "await", "Yield": "yield", "Slice": "a slice",
    }
    return names.get(type(node).__name__, type(node).__name__)


def truth_of(value: Any) -> Truth:
    if type(value) is Truth:
        return value
    if isinstance(value, Blank):
        raise value.missing()
    return Truth.of(value)


# -- generated code: the checked tree as one Python function ------------------------------------------------
#
# The closures above are the reference semantics and the allowlist check. Once a tree has passed it, it is
# also turned into the source of one small Python function, which runs 3–10× faster than a tree of closures
# (no call per node). Why this keeps the sandbox's guarantees:
#  - the source is built only from the fixed templates below, for node types the closure compiler has
#    already accepted; nothing of the pack's text is ever put into it. Every name, key, string, number and
#    function from the pack enters as a value bound to a generated identifier (``_k0``, ``_k1``, …) in the
#    function's globals;
#  - before it is compiled, the source is tokenised and refused unless every token is one of our own
#    identifiers, a keyword of the templates or an operator of the templates (no string or number tokens);
#  - it runs with empty ``__builtins__``; the only attributes it reads are the scope's (``_s.item``, …) and
#    ``.get`` of the item, which is what the closures do;
#  - anything not covered here (chained comparisons, functions that catch "not evaluable", functions not
#    known at load) calls the reference closure for that subtree.
# If generation fails for any reason the reference closures are used, so behaviour never depends on it.

import io as _io
import keyword as _keyword
import re as _re
import tokenize as _tokenize

_FUNCTION_ERRORS = (ArithmeticError, TypeError, ValueError, KeyError, IndexError, AttributeError, RecursionError,
                    MemoryError)


def _g_let(scope: Scope, name: str) -> Any:
    try:
        return scope.lets[name]
    except KeyError:
        value = scope.lets[name] = scope.let_defs[name](scope)
        return value


def _g_invoke(fn: Callable, name: str, /, *args: Any, **kwargs: Any) -> Any:
    try:
        return fn(*args, **kwargs)
    except NotEvaluable:
        raise
    except _FUNCTION_ERRORS as exc:
        raise NotEvaluable(f"{name}() failed: {type(exc).__name__}: {exc}") from None


def _g_invoke_pure(memo: dict | None, fn: Callable, name: str, /, *args: Any, **kwargs: Any) -> Any:
    """A call of a ``pure`` function, answered from the form's memo when the same argument objects were
    seen before. The entry keeps the arguments alive, so their ids cannot be reused while it stands."""
    if memo is None:
        return _g_invoke(fn, name, *args, **kwargs)
    key = (fn, *map(id, args), *[(k, id(v)) for k, v in kwargs.items()]) if kwargs else (fn, *map(id, args))
    try:
        _, _, result, reason = memo[key]
    except KeyError:
        try:
            result = fn(*args, **kwargs)
        except NotEvaluable as exc:
            memo[key] = (args, kwargs, None, exc.reason)
            raise
        except _FUNCTION_ERRORS as exc:
            reason = f"{name}() failed: {type(exc).__name__}: {exc}"
            memo[key] = (args, kwargs, None, reason)
            raise NotEvaluable(reason) from None
        memo[key] = (args, kwargs, result, None)
        return result
    if reason is not None:
        raise NotEvaluable(reason)
    return result


def _g_invoke_caught(fn: Callable, name: str, scope: Scope, args: tuple, kwargs: dict) -> Any:
    values = [_caught(a, scope) for a in args]
    options = {k: _caught(v, scope) for k, v in kwargs.items()}
    return _g_invoke(fn, name, *values, **options)


def _g_invoke_caught1(fn: Callable, name: str, scope: Scope, arg: Compiled) -> Any:
    try:
        value = arg(scope)
    except NotEvaluable as exc:
        value = Blank(reason=exc.reason)
    return _g_invoke(fn, name, value)


def _g_min(a: Truth, b: Truth) -> Truth:
    return a if a.rank <= b.rank else b


def _g_max(a: Truth, b: Truth) -> Truth:
    return a if a.rank >= b.rank else b


def _g_uncertain() -> Any:
    raise NotEvaluable("the condition of 'if … else' is uncertain within the printed precision")


_HELPERS: dict[str, Any] = {
    "_let": _g_let, "_invoke": _g_invoke, "_invoke_pure": _g_invoke_pure, "_invoke_caught": _g_invoke_caught, "_invoke_caught1": _g_invoke_caught1,
    "_ERRORS": _FUNCTION_ERRORS, "_min": _g_min, "_max": _g_max, "_uncertain": _g_uncertain,
    "_truth": Truth.of, "_TRUE": TRUE, "_FALSE": FALSE, "_Rows": Rows, "_lookup": _lookup, "_compare": compare,
    "_add": _arith("+"), "_sub": _arith("-"), "_mul": _arith("*"), "_div": _arith("/"),
    "_not": lambda v: Truth.of(v).negate(), "_neg": lambda v: -_figure_operand(v, "-"),
    "_pos": lambda v: _figure_operand(v, "+"),
}
_OWN_NAME = _re.compile(r"^_[kt]\d+$")
_TEMPLATE_NAMES = frozenset(_HELPERS) | {"_s", "_expr", "_reference", "item", "parent", "form", "index", "params", "memo", "get"}
_TEMPLATE_KEYWORDS = frozenset({"def", "return", "if", "else", "is", "try", "except"})
_TEMPLATE_OPS = frozenset({"(", ")", ",", ".", ":", ":=", "**", "{", "}"})


class _Generator:
    def __init__(self, compiler: _Compiler):
        self.compiler = compiler
        self.env: dict[str, Any] = {"__builtins__": {}, **_HELPERS}
        self.count = 0

    def const(self, value: Any) -> str:
        name = f"_k{self.count}"
        self.count += 1
        self.env[name] = value
        return name

    def temp(self) -> str:
        name = f"_t{self.count}"
        self.count += 1
        return name

    def gen(self, node: ast.AST) -> str:
        method = getattr(self, "_" + type(node).__name__, None)
        if method is None:
            return self.reference(node)
        return method(node)

    def reference(self, node: ast.AST) -> str:
        return f"{self.const(self.compiler.compile(node))}(_s)"

    def _Constant(self, node: ast.Constant) -> str:
        return self.const(self.compiler.compile(node)(None))

    def _Name(self, node: ast.Name) -> str:
        name = node.id
        if name in self.compiler.let_names:
            return f"_let(_s, {self.const(name)})"
        if name in SCOPE_NAMES:
            return f"_s.{name}"
        return f"_s.item.get({self.const(name)})"

    def _Tuple(self, node: ast.Tuple) -> str:
        parts = [self.gen(e) for e in node.elts]
        return f"_Rows(({', '.join(parts)}{',' if len(parts) == 1 else ''}))"

    _List = _Tuple

    def _Attribute(self, node: ast.Attribute) -> str:
        where = ast.get_source_segment(self.compiler.source, node) or node.attr
        return f"_lookup({self.gen(node.value)}, {self.const(node.attr)}, {self.const(where)})"

    def _Subscript(self, node: ast.Subscript) -> str:
        key = node.slice.value  # type: ignore[attr-defined]  # a constant: checked by the compiler
        where = ast.get_source_segment(self.compiler.source, node) or str(key)
        return f"_lookup({self.gen(node.value)}, {self.const(key)}, {self.const(where)})"

    def _BinOp(self, node: ast.BinOp) -> str:
        op = {ast.Add: "_add", ast.Sub: "_sub", ast.Mult: "_mul", ast.Div: "_div"}[type(node.op)]
        return f"{op}({self.gen(node.left)}, {self.gen(node.right)})"

    def _UnaryOp(self, node: ast.UnaryOp) -> str:
        op = {ast.Not: "_not", ast.USub: "_neg", ast.UAdd: "_pos"}[type(node.op)]
        return f"{op}({self.gen(node.operand)})"

    def _BoolOp(self, node: ast.BoolOp) -> str:
        # Kleene logic, left to right, stopping at the first certain answer: as the closures do
        stop, combine = ("_FALSE", "_min") if isinstance(node.op, ast.And) else ("_TRUE", "_max")
        parts = [self.gen(v) for v in node.values]
        code = f"_truth({parts[-1]})"
        for part in reversed(parts[:-1]):
            t = self.temp()
            code = f"({stop} if ({t} := _truth({part})) is {stop} else {combine}({t}, {code}))"
        return code

    def _Compare(self, node: ast.Compare) -> str:
        if len(node.ops) != 1:
            return self.reference(node)
        op = self.const(type(node.ops[0]).__name__)
        return f"_compare({op}, {self.gen(node.left)}, {self.gen(node.comparators[0])})"

    def _IfExp(self, node: ast.IfExp) -> str:
        t = self.temp()
        return (f"({self.gen(node.body)} if ({t} := _truth({self.gen(node.test)})) is _TRUE else "
                f"({self.gen(node.orelse)} if {t} is _FALSE else _uncertain()))")

    def _Call(self, node: ast.Call) -> str:
        name = node.func.id  # type: ignore[attr-defined]  # a name: checked by the compiler
        fn = self.compiler.functions.get(name)
        if fn is None:
            return self.reference(node)
        if getattr(fn, "catches_not_evaluable", False):
            # each argument is its own generated function, so that what cannot be evaluated is caught per argument
            if len(node.args) == 1 and not node.keywords:  # known(x), reason(x): the common case, one call less
                arg = self.const(_fastest(node.args[0], self.compiler))
                return f"_invoke_caught1({self.const(fn)}, {self.const(name)}, _s, {arg})"
            parts = [self.const(_fastest(a, self.compiler)) for a in node.args]
            kw = [f"{self.const(k.arg)}: {self.const(_fastest(k.value, self.compiler))}"
                  for k in node.keywords]
            return (f"_invoke_caught({self.const(fn)}, {self.const(name)}, _s, ({''.join(p + ', ' for p in parts)}), "
                    f"{{{', '.join(kw)}}})")
        args = [self.gen(a) for a in node.args]
        if node.keywords:
            kwargs = ", ".join(f"{self.const(kw.arg)}: {self.gen(kw.value)}" for kw in node.keywords)
            args.append(f"**{{{kwargs}}}")
        if getattr(fn, "pure", False):
            return f"_invoke_pure(_s.memo, {', '.join([self.const(fn), self.const(name)] + args)})"
        # called directly: a function error escapes the generated function, which then runs the reference
        # closures to give the exact "name() failed" reason (see _generate)
        return f"{self.const(fn)}({', '.join(args)})"


def _only_templates(source: str) -> bool:
    """Every token of the generated source is ours: no pack text can have reached it."""
    for tok in _tokenize.generate_tokens(_io.StringIO(source).readline):
        if tok.type in (_tokenize.NEWLINE, _tokenize.NL, _tokenize.INDENT, _tokenize.DEDENT,
                        _tokenize.ENDMARKER):
            continue
        if tok.type == _tokenize.NAME:
            if _keyword.iskeyword(tok.string):
                if tok.string not in _TEMPLATE_KEYWORDS:
                    return False
            elif tok.string not in _TEMPLATE_NAMES and not _OWN_NAME.match(tok.string):
                return False
        elif tok.type == _tokenize.OP:
            if tok.string not in _TEMPLATE_OPS:
                return False
        else:
            return False
    return True


def _fastest(node: ast.AST, compiler: _Compiler, reference: Compiled | None = None) -> Compiled:
    """The generated function for a checked tree, or its reference closures if generation fails."""
    reference = reference or compiler.compile(node)
    return _generate(node, compiler, reference) or reference


def _generate(node: ast.AST, compiler: _Compiler, reference: Compiled) -> Compiled | None:
    """The checked tree as one generated function, or None (the closures are used) if that fails;
    ``reference`` is the tree's closures, run again when a function raises (below)."""
    try:
        generator = _Generator(compiler)
        body = generator.gen(node)
        # A function called directly that raises one of _ERRORS: the reference closures run the expression
        # again and turn that error into "name() failed: …" exactly where they would (functions are
        # deterministic and form values read-only, so the second run meets the same error).
        source = (f"def _expr(_s):\n    try:\n        return {body}\n"
                  f"    except _ERRORS:\n        return _reference(_s)\n")
        if not _only_templates(source):
            return None
        namespace = generator.env
        namespace["_reference"] = reference
        exec(compile(source, "<formaudit expression>", "exec"), namespace)  # noqa: S102 - see above
        return namespace["_expr"]
    except (SyntaxError, RecursionError, MemoryError, ValueError, KeyError, TypeError, AttributeError,
            _tokenize.TokenError):
        return None
