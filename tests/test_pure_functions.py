"""Functions marked ``pure`` are called once per form for the same arguments, by every rule alike; the
answers (and the "not evaluable" reasons) are what a fresh call would give."""

import textwrap

import pytest

from formaudit.checking import Checker
from formaudit.errors import NotEvaluable
from formaudit.findings import FormResult
from formaudit.packs import PackLoader
from formaudit.registry import Registry

PACK = """\
pack: test.memo
version: 1.0.0
form_type: cn.dept-overall-self-eval
rules:
  - id: a
    title: a
    severity: error
    for_each: funds
    when: present(actual)
    check: costly(actual) >= 0
    message: "{source}"
  - id: b
    title: b
    severity: warning
    for_each: funds
    check: costly(actual) <= 100000
    message: "{source}"
  - id: c
    title: c
    severity: info
    for_each: funds
    check: known(costly(actual))
    message: "{source}: {reason(costly(actual))}"
"""

FORM = {"form_type": "cn.dept-overall-self-eval", "funds": [
    {"source": "合计", "actual": "12"}, {"source": "其他", "actual": "-3"}, {"source": "空", "actual": "—"}]}


def _checker(tmp_path, costly):
    from formaudit.plugins.functions import core
    path = tmp_path / "pack.yaml"
    path.write_text(textwrap.dedent(PACK), encoding="utf-8")
    registry = Registry.discover()
    functions = dict(registry.functions())
    functions["costly"] = costly
    assert core.present  # the core functions are there too
    return Checker(PackLoader(registry, functions).load(path))


def _counting(pure: bool):
    calls = []

    def costly(x):
        calls.append(str(x))
        if str(x).startswith("-"):
            raise NotEvaluable(f"negative: {x}")
        return x

    if pure:
        costly.pure = True
    return costly, calls


@pytest.mark.parametrize("pure", [True, False])
def test_pure_function_is_called_once_per_argument_per_form(tmp_path, pure):
    costly, calls = _counting(pure)
    checker = _checker(tmp_path, costly)
    result = checker.check(FORM, FormResult(input="<form>"))
    if pure:
        # rules a, b and c (check and message) ask about each row; each row's value is asked once; the blank
        # row's value is a blank, which reaches the function too (b and c)
        assert sorted(calls) == sorted(["12", "-3", "—"])
    else:
        assert len(calls) > 3
    # the outcomes are the same either way: the memo only saves calls
    assert result.outcomes["a"].to_dict() == {"passed": 1, "failed": 0, "not_applicable": 1, "not_evaluable": 1}
    assert result.outcomes["c"].failed == 2  # -3 cannot be evaluated; the blank row's answer is a blank
    reasons = sorted(f.values.get("reason", "") for f in result.findings if f.rule in ("a", "b"))
    assert reasons == ["negative: -3", "negative: -3", "no value at /funds/2/actual"]
    message = [f.message for f in result.findings if f.rule == "c" and f.pointer.startswith("/funds/1")]
    assert message == ["其他: negative: -3"]


def test_memo_is_per_form(tmp_path):
    costly, calls = _counting(True)
    checker = _checker(tmp_path, costly)
    checker.check(FORM, FormResult(input="<form>"))
    checker.check(FORM, FormResult(input="<form>"))
    assert len(calls) == 6  # three values per form, two forms: nothing is carried from one form to the next


def test_builtin_row_and_target_functions_are_marked_pure():
    functions = Registry.discover().functions()
    assert all(getattr(functions[name], "pure", False)
               for name in ("where", "col", "filled", "sum", "reaches", "target_kind", "achieved_value"))
    # catching functions see what cannot be evaluated; they are cheap and never memoised
    assert not getattr(functions["known"], "pure", False)
