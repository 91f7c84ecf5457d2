"""formaudit.testing's strategies: what they generate is what they say.

- schema-valid forms validate against their schema, and every figure the schema accepts is read as a
  figure (or a blank) by the engine — the property that found ``／``, ``1，234``, ``.5`` and ``5.``
  read as text although the schema calls them amounts and blanks;
- consistent forms break no relation of the independent oracle and no rule of the built-in pack;
- every mutant breaks a relation (or is a defect by construction) and says what it changed;
- targets mean what ``parse_target`` reads; indicator rows reach (or miss) their targets as labelled.

Long runs: ``FORMAUDIT_HYPOTHESIS=long`` multiplies the number of examples by 20.
"""

from __future__ import annotations

import os
from decimal import Decimal

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from formaudit.checking import Checker
from formaudit.errors import NotEvaluable
from formaudit.figures import FALSE, TRUE, Figure
from formaudit.packs import PackLoader
from formaudit.registry import Registry
from formaudit.testing import (MODELS, amounts, consistent_forms, figures, forms, from_schema, indicator_pairs,
                               model_for, mutants, mutation_kinds, outcomes, rates, schema_for, target_cases,
                               violations)
from formaudit.values import Blank, convert

SCALE = 20 if os.environ.get("FORMAUDIT_HYPOTHESIS") == "long" else 1
REGISTRY = Registry.discover()
FORM_TYPES = REGISTRY.form_types()
DEPT = "cn.dept-overall-self-eval"


def examples(n: int):
    return settings(max_examples=n * SCALE, deadline=None, suppress_health_check=list(HealthCheck),
                    database=None)


# -- schema-valid forms ----------------------------------------------------------------------------------

@pytest.mark.parametrize("form_type", FORM_TYPES)
@pytest.mark.parametrize("realistic", [True, False], ids=["realistic", "raw"])
def test_forms_are_schema_valid(form_type, realistic):
    validator = jsonschema.Draft202012Validator(schema_for(form_type))

    @examples(25)
    @given(forms(form_type, realistic=realistic))
    def check(form):
        errors = list(validator.iter_errors(form))
        assert not errors, errors[0].message
        assert form["form_type"] == form_type
    check()


FIGURE_DEFS = [(t, d) for t in FORM_TYPES for d in ("amount", "rate", "score", "blank")
               if d in schema_for(t).get("$defs", {})]


@pytest.mark.parametrize("form_type, name", FIGURE_DEFS)
def test_every_figure_the_schema_accepts_is_read_as_a_figure(form_type, name):
    schema = schema_for(form_type)
    strategy = from_schema({"$ref": f"#/$defs/{name}", "$defs": schema["$defs"]})

    @examples(150)
    @given(strategy)
    def check(value):
        read = convert(value, "/x")
        assert isinstance(read, (Figure, Blank)), f"{name} {value!r} is read as {type(read).__name__}"
        if name == "blank":
            assert isinstance(read, Blank)
    check()


@examples(100)
@given(st.sampled_from([0, 1, 2]), st.data())
def test_amounts_and_rates_keep_their_printed_decimals(decimals, data):
    amount = Figure.parse(data.draw(amounts(decimals)))
    rate = Figure.parse(data.draw(rates(decimals)))
    assert amount.decimals == decimals and rate.decimals == decimals and rate.style == "%"
    assert isinstance(amount.value, Decimal)
    assert Figure.parse(data.draw(figures())) is not None


# -- consistent forms and mutants -------------------------------------------------------------------------

MODELLED = [t for t in FORM_TYPES if t in MODELS]
VALIDATORS = {t: jsonschema.Draft202012Validator(schema_for(t)) for t in FORM_TYPES}


@pytest.mark.parametrize("form_type", MODELLED)
def test_consistent_forms_break_nothing(form_type):
    pack = PackLoader(REGISTRY).load(form_type)
    checker = Checker(pack, schema_for(form_type))

    @examples(40)
    @given(consistent_forms(form_type, pack))
    def check(form):
        assert violations(form) == []
        ev = outcomes(pack, form, checker=checker)
        assert not ev.schema_errors
        assert not ev.raised
        failed = [(f.rule, f.message) for f in ev.findings]
        assert not failed
    check()


def test_stricter_params_make_stricter_consistent_forms():
    @examples(20)
    @given(consistent_forms(DEPT, {"completion_alarm": "97%", "adjustment_alarm": "5%"}))
    def check(form):
        for row in form["funds"]:
            if row["completion_rate"].endswith("%"):
                assert Decimal(row["completion_rate"][:-1]) >= 97
            if row["adjustment_rate"].endswith("%"):
                assert Decimal(row["adjustment_rate"][:-1]) <= 5
    check()


KINDS = [(t, k) for t in MODELLED for k in mutation_kinds(t)]


@pytest.mark.parametrize("form_type, kind", KINDS)
def test_every_mutant_is_a_defect(form_type, kind):
    model = model_for(form_type)

    @examples(8)
    @given(mutants(form_type, [kind]))
    def check(mutant):
        assert mutant.kind == kind
        assert mutant.form != mutant.original
        assert violations(mutant.original) == []
        assert mutant.violations or kind in model.by_construction
        assert mutant.description and mutant.pointer.startswith("/")
        errors = list(VALIDATORS[form_type].iter_errors(mutant.form))
        assert not errors, errors[0].message
    check()


def test_margin_puts_faults_beyond_the_edge():
    @examples(20)
    @given(mutants(DEPT, ["total-off"], margin=2))
    def check(mutant):
        assert any(v.startswith("total-") for v in mutant.violations)
    check()


def test_unknown_kind_and_form_type_are_refused():
    with pytest.raises(ValueError, match="unknown mutation kind"):
        mutants(DEPT, ["no-such-kind"])
    with pytest.raises(LookupError, match="no model"):
        consistent_forms("cn.no-such-form")


# -- targets ------------------------------------------------------------------------------------------------

targets_module = pytest.importorskip("formaudit.plugins.functions.targets")


@examples(300)
@given(target_cases())
def test_targets_mean_what_the_parser_reads(case):
    parsed = targets_module.parse_target(case.text)
    assert parsed.kind == case.kind, (case, parsed)
    if case.kind == "quantitative":
        assert parsed.comparator == case.comparator, (case, parsed)
        assert parsed.figure.value == case.value, (case, parsed.figure)
        assert parsed.period == case.period, (case, parsed)
        assert parsed.direction == case.direction, (case, parsed)
    if case.kind == "ordinal":
        assert parsed.level == case.level


@examples(200)
@given(indicator_pairs(reached=True))
def test_reached_indicators_reach_their_targets(pair):
    if pair.kind == "qualitative":  # not judged: the parser says so, it never says "missed"
        with pytest.raises(NotEvaluable):
            targets_module.reaches(pair.achieved, pair.target, name=pair.name)
        return
    truth = targets_module.reaches(pair.achieved, pair.target, name=pair.name)
    assert truth is not FALSE, pair
    if pair.kind == "quantitative":
        assert targets_module.achieved_value(pair.achieved, pair.target) is not None


@examples(200)
@given(indicator_pairs(reached=False))
def test_missed_indicators_certainly_miss(pair):
    assert targets_module.reaches(pair.achieved, pair.target, name=pair.name) is FALSE, pair


# -- what the schema property found (pinned) ------------------------------------------------------------

@pytest.mark.parametrize("text, value, decimals", [("1，234", "1234", 0), (".5", "0.5", 1), ("5.", "5", 0),
                                                   ("5.%", "0.05", 0), ("-.5%", "-0.005", 1)])
def test_schema_amounts_once_read_as_text(text, value, decimals):
    figure = Figure.parse(text)
    assert figure.value == Decimal(value) and figure.decimals == decimals


def test_fullwidth_slash_is_a_blank_and_a_too_long_number_is_not_evaluable():
    assert isinstance(convert("／", "/x"), Blank)
    long = convert("1" * 31 + ".00", "/x")
    assert isinstance(long, Blank) and "too long" in long.reason
    assert not isinstance(convert("第" + "1" * 40 + "号文件", "/x"), Blank)


def test_importing_formaudit_testing_does_not_import_hypothesis():
    import subprocess
    import sys

    code = ("import sys, formaudit.testing as t; t.run_cli('--version'); "
            "print('hypothesis' in sys.modules); t.amounts; print('hypothesis' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out[-2:] == ["False", "True"]


def test_a_figure_long_only_by_its_spacing_is_still_a_figure():
    """Found in the wheel pass of .ci/run: the schema accepts an amount whose number and unit are separated by a
    long run of whitespace (here NEL, U+0085), which the 64-character cap on figure texts used to read as text."""
    read = convert("0，000，000，000." + "\x85" * 50 + "元", "/x")
    assert isinstance(read, Figure) and read.value == 0 and read.dim == "元"
    assert isinstance(convert("很长的文字" * 20, "/y"), str)  # long text stays text
