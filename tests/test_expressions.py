"""The expression language: what it allows, what it refuses at load (sandbox), how it evaluates."""

import time

import pytest

from formaudit.expressions import ExpressionError, Scope, compile_expression
from formaudit.errors import NotEvaluable
from formaudit.figures import FALSE, MAYBE, TRUE, Figure
from formaudit.registry import Registry
from formaudit.values import convert

FUNCTIONS = Registry.discover().functions()


def ev(source, item=None, **scope):
    expr = compile_expression(source, FUNCTIONS, frozenset(scope.pop("lets", {})))
    return expr(Scope(item=convert(item or {}, ""), form=convert(scope.pop("form", item or {}), ""), **scope))


# -- refused at load: sandbox escapes and everything outside the pinned surface ---------------------

ATTACKS = [
    ("().__class__.__bases__[0].__subclasses__()", "expression-forbidden"),
    ("item.__class__", "expression-forbidden"),
    ("form['__class__']", "expression-forbidden"),
    ("'{0.__class__}'.format(item)", "expression-forbidden"),
    ("'%0999999999d' % 1", "expression-forbidden"),
    ("'a'.ljust(999999999)", "expression-forbidden"),
    ("'a' * 10**9", "expression-forbidden"),
    ("9**9**9", "expression-forbidden"),
    ("(9**4000000)*(9**4000000)", "expression-forbidden"),
    ("1 << 10000", "expression-forbidden"),
    ("lambda: 1", "expression-forbidden"),
    ("[x for x in funds]", "expression-forbidden"),
    ("[[y for y in 'a'*999] for x in 'a'*999]", "expression-forbidden"),
    ("{x: 1 for x in funds}", "expression-forbidden"),
    ("(x for x in funds)", "expression-forbidden"),
    ("f'{item}'", "expression-forbidden"),
    ("__import__('os').system('id')", "expression-forbidden"),
    ("import os", "expression-syntax"),
    ("x = 5", "expression-syntax"),
    ("getattr(item, 'clear')()", "expression-forbidden"),
    ("getattr(item, 'clear')", "unknown-function"),
    ("open('/etc/passwd')", "unknown-function"),
    ("eval('1')", "unknown-function"),
    ("form.clear()", "expression-forbidden"),
    ("form.pop('funds')", "expression-forbidden"),
    ("sum.__globals__", "expression-forbidden"),
    ("(lambda f: f(f))(lambda f: f(f))", "expression-forbidden"),
    ("funds[0:10]", "expression-forbidden"),
    ("funds[index]", "expression-forbidden"),
    ("a if b else", "expression-syntax"),
    ("(" * 250 + "1" + ")" * 250, "expression-syntax"),      # Python refuses > 200 nested parentheses
    ("abs(" * 30 + "1" + ")" * 30, "expression-too-complex"),
    ("-" * 60 + "1", "expression-too-complex"),                # nested deeper than 24
    ("x" + "+x" * 350, "expression-too-complex"),              # more than 300 parts
    ("a" * 100_000, "expression-too-long"),
    ("'" + "a" * 300 + "'", "expression-literal"),
    ("1e400", "expression-literal"),
    ("1j", "expression-literal"),
    ("_private", "expression-forbidden"),
    ("sum(*funds)", "expression-forbidden"),
    ("sum(**params)", "expression-forbidden"),
    ("sum(1, 2, 3)", "function-arguments"),
    ("len()", "function-arguments"),
    ("a @ b", "expression-forbidden"),
    ("a // b", "expression-forbidden"),
    ("(a := 1)", "expression-forbidden"),
    ("{1, 2}", "expression-forbidden"),
    ("{'a': 1}", "expression-forbidden"),
    ("a is None", "expression-forbidden"),
    ("a; form.clear()", "expression-syntax"),
]


@pytest.mark.parametrize("source, code", ATTACKS, ids=[a[0][:40] for a in ATTACKS])
def test_refused_at_load(source, code):
    start = time.perf_counter()
    with pytest.raises(ExpressionError) as info:
        compile_expression(source, FUNCTIONS)
    assert info.value.code == code, info.value.message
    assert time.perf_counter() - start < 0.5


def test_folded_multi_line_expression_is_one_expression():
    assert ev("a == 1 and\n    b == 2", {"a": "1", "b": "2"}) is MAYBE


def test_a_ratio_does_not_lend_its_percent_style():
    assert str(ev("weight * rate", {"weight": "10", "rate": "98%"})) == "9.8"
    assert str(ev("rate * weight", {"weight": "10", "rate": "98%"})) == "9.8"


def test_refusal_names_the_column():
    with pytest.raises(ExpressionError) as info:
        compile_expression("actual / budget + item.__class__", FUNCTIONS)
    assert info.value.offset == len("actual / budget + ")
    with pytest.raises(ExpressionError) as info:
        compile_expression("present(x) and nosuch(x)", FUNCTIONS)
    assert info.value.offset == len("present(x) and ")
    assert "unknown function 'nosuch'" in info.value.message


def test_the_live_form_is_never_reachable():
    raw = {"funds": [{"source": "合计"}]}
    record = convert(raw, "")
    # a Record is read-only: no method of it is callable from an expression, and it has no mutators
    assert not hasattr(record, "clear") and not hasattr(record, "pop")
    assert ev("len(funds) == 1", raw) is TRUE
    assert raw == {"funds": [{"source": "合计"}]}


# -- evaluation ------------------------------------------------------------------------------------

def test_literals_are_exact_decimals():
    assert ev("0.1 + 0.2 == 0.3") is TRUE
    assert ev("x <= 0.3", {"x": "0.3"}) is MAYBE          # 0.3 printed: [0.25, 0.35]
    assert ev("x <= 0.3", {"x": "0.36"}) is FALSE


def test_kleene_logic():
    item = {"a": "1", "b": "2"}
    assert ev("a == 1 and b == 2", item) is MAYBE              # both true within rounding
    assert ev("a == 5 and missing_field > 0", item) is FALSE   # false short-circuits even past a blank
    assert ev("1 == 1 or missing_field > 0", item) is TRUE     # true short-circuits
    with pytest.raises(NotEvaluable):                          # MAYBE or unknown: cannot be judged
        ev("a == 1 or missing_field > 0", item)
    assert ev("not (a == 5)", item) is TRUE
    assert ev("a == 5 or b == 2", item) is MAYBE


def test_not_evaluable_reasons():
    with pytest.raises(NotEvaluable, match="no value at /actual"):
        ev("actual / 2", {"source": "x"})
    with pytest.raises(NotEvaluable, match="no value at /actual"):
        ev("actual / 2", {"actual": "—"})
    with pytest.raises(NotEvaluable, match="denominator 0 may be 0"):
        ev("a / b", {"a": "5", "b": "0"})
    with pytest.raises(NotEvaluable, match="denominator 0 is 0"):
        ev("a / 0", {"a": "5"})
    with pytest.raises(NotEvaluable, match="not a figure"):
        ev("a + 1", {"a": "完成"})
    with pytest.raises(NotEvaluable, match="uncertain"):
        ev("1 if a == 1 else 2", {"a": "1"})


def test_key_lookups_and_functions():
    form = {"funds": [{"source": "合计", "actual": "10"}, {"source": "甲", "actual": "4"}, {"source": "乙", "actual": "6"}]}
    assert ev("first(where(funds, 'source', '合计')).actual == sum(col(exclude(funds, 'source', '合计'), 'actual'))",
              form) is MAYBE
    assert ev("funds[0]['source'] == '合计'", form) is TRUE
    assert ev("len(funds) == 3", form) is TRUE
    assert ev("source in ('合计', '小计')", {"source": "合计"}) is TRUE
    assert ev("'合计' in source", {"source": "合计行"}) is TRUE
    assert ev("params.limit > 1", {}, params=convert({"limit": "2"}, "")) is TRUE
    assert ev("certainly(a == 1)", {"a": "1"}) is FALSE
    assert ev("possibly(a == 1)", {"a": "1"}) is TRUE


def test_lets_are_lazy_and_cached():
    calls = []
    expr = compile_expression("b > 0 and b < 10", FUNCTIONS, frozenset({"b"}))
    let_b = compile_expression("a * 2", FUNCTIONS)

    def counted(scope):
        calls.append(1)
        return let_b(scope)
    scope = Scope(item=convert({"a": "3"}, ""), let_defs={"b": counted})
    assert expr(scope) is TRUE          # b = 3 × 2 ∈ [5, 7]
    assert len(calls) == 1


def test_evaluation_is_fast():
    expr = compile_expression("completion_rate == actual / (budget_initial + budget_adjustment)", FUNCTIONS)
    scope = Scope(item=convert({"budget_initial": "4062.10", "budget_adjustment": "1026.38", "actual": "4487.07",
                                "completion_rate": "88.18%"}, ""))
    start = time.perf_counter()
    for _ in range(2000):
        expr(scope)
    per_call = (time.perf_counter() - start) / 2000
    assert per_call < 0.001  # measured ≈ 30 µs with interval Decimal arithmetic; bound is loose for CI


def test_a_function_error_gives_the_same_reason_generated_or_not():
    """Functions are called directly by the generated code; an error they raise makes the reference closures
    run again and name the function, exactly as they do alone — also inside known()/reason() and a let."""
    def brittle(x):
        if str(x) == "boom":
            raise ZeroDivisionError("division by zero")
        return x

    functions = {**FUNCTIONS, "brittle": brittle}
    item = convert({"a": "boom", "b": "fine"}, "")
    for source in ("brittle(a) == 'x'", "present(b) and brittle(a) == 'x'", "len(brittle(a)) > 0"):
        expr = compile_expression(source, functions)
        assert expr.run.__code__.co_filename == "<formaudit expression>"  # the generated path is the one run
        with pytest.raises(NotEvaluable, match=r"^brittle\(\) failed: ZeroDivisionError: division by zero$"):
            expr(Scope(item=item))
    caught = compile_expression("reason(brittle(a))", functions)
    assert caught(Scope(item=item)) == "brittle() failed: ZeroDivisionError: division by zero"
    assert compile_expression("known(brittle(b))", functions)(Scope(item=item)) is TRUE
    with_let = compile_expression("c == 'x'", functions, frozenset({"c"}))
    let_c = compile_expression("brittle(a)", functions)
    with pytest.raises(NotEvaluable, match=r"^brittle\(\) failed"):
        with_let(Scope(item=item, let_defs={"c": let_c}))
