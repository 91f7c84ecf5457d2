"""Metamorphic properties: changes that do not change what a form says do not change the verdict.

- all amounts × 10 000 with 万元 → 元: no verdict changes on consistent forms; on mutants every failure
  stays (a figure printed to 0.01 万元 stands for ±50 元, the same figure in 元 to ±0.5 元: a verdict that
  was uncertain may become certain, a certain one never changes). Task funds are printed to the cent
  here: an integer 任务涉及资金 in 万元 is ±5 000 元, which no 元 form can print;
- reordering fund rows, tasks and indicators changes no verdict and no fingerprint;
- an added all-zero fund source changes nothing, on forms whose sums are not within half a printed unit
  of their verdict changing (a printed 0.00 may be a rounded 0.004: next to such an edge an added zero
  rightly makes a certain verdict uncertain).

Checked through ``Auditor.check_form``, the path ``formaudit check`` takes.
"""

from __future__ import annotations

import os
from collections import Counter
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from formaudit import Auditor
from formaudit.testing import MODELS, consistent_forms, mutants, violations

SCALE = 20 if os.environ.get("FORMAUDIT_HYPOTHESIS") == "long" else 1
DEPT = "cn.dept-overall-self-eval"
PROJECT = "cn.project-self-eval"
AMOUNTS = {DEPT: ("budget_initial", "budget_adjustment", "actual"),
           PROJECT: ("budget_initial", "budget_full_year", "executed")}
ZERO_SOURCES = {DEPT: ("国有资本经营预算", "财政专户管理资金", "其他收入"), PROJECT: ("社会资金", "其他资金", "自筹资金")}
FORM_TYPES = [t for t in (DEPT, PROJECT) if t in MODELS]
AUDITOR = Auditor()


def examples(n: int):
    return settings(max_examples=n * SCALE, deadline=None, suppress_health_check=list(HealthCheck), database=None)


def check(form):
    result = AUDITOR.check_form(form)
    assert not result.errors, result.errors
    return result


def verdicts(result, *, messages=True):
    return Counter((f.rule, f.fingerprint, f.severity, f.outcome) + ((f.message,) if messages else ())
                   for f in result.findings)


def failures(result):
    return {(f.rule, f.fingerprint) for f in result.findings if f.outcome == "failed"}


def outcome_counts(result):
    return {rule: counts.to_dict() for rule, counts in result.outcomes.items()}


# -- × 10 000, 万元 → 元 -----------------------------------------------------------------------------------

def in_yuan(form: dict) -> dict:
    def scale(text):
        if not isinstance(text, str) or not text.strip() or not any(c.isdigit() for c in text):
            return text
        value = Decimal(text.replace(",", "")) * 10000
        decimals = max(0, len(text.partition(".")[2]) - 4)
        return format(value.quantize(Decimal(1).scaleb(-decimals)), "f")
    out = {**form, "amount_unit": "元"}
    out["funds"] = [{k: scale(v) if k in AMOUNTS[form["form_type"]] else v for k, v in row.items()}
                    for row in form["funds"]]
    if "tasks" in form:
        out["tasks"] = [{**t, "funds": scale(t.get("funds"))} for t in form["tasks"]]
    return out


def consistent_in_wan(form_type):
    options = {"exact_task_funds": True} if form_type == DEPT else {}
    return consistent_forms(form_type, **options).filter(lambda f: f["amount_unit"] == "万元")


@pytest.mark.parametrize("form_type", FORM_TYPES)
def test_yuan_for_wan_changes_no_verdict_on_consistent_forms(form_type):
    @examples(25)
    @given(consistent_in_wan(form_type))
    def run(form):
        before, after = check(form), check(in_yuan(form))
        # the verdict is the findings; a rule may become applicable (0.00 + 0.01 万元 may be 0, 100 元 is not)
        assert verdicts(after, messages=False) == verdicts(before, messages=False)
    run()


@pytest.mark.parametrize("form_type", FORM_TYPES)
def test_yuan_for_wan_keeps_every_failure_of_a_mutant(form_type):
    @examples(40)
    @given(mutants(form_type).filter(lambda m: m.form.get("amount_unit") == "万元"))
    def run(mutant):
        before, after = check(mutant.form), check(in_yuan(mutant.form))
        assert failures(before) <= failures(after), (mutant.kind, mutant.description)
    run()


# -- reordering ----------------------------------------------------------------------------------------

def shuffled(form: dict, rnd) -> dict:
    out = dict(form)
    out["funds"] = rnd.sample(form["funds"], len(form["funds"]))
    if isinstance(form.get("tasks"), list):
        tasks = [{**t, "indicators": rnd.sample(t["indicators"], len(t["indicators"]))}
                 if isinstance(t.get("indicators"), list) else t for t in form["tasks"]]
        out["tasks"] = rnd.sample(tasks, len(tasks))
    if isinstance(form.get("indicators"), list):
        out["indicators"] = rnd.sample(form["indicators"], len(form["indicators"]))
    return out


@pytest.mark.parametrize("form_type", FORM_TYPES)
def test_reordering_changes_no_verdict_and_no_fingerprint(form_type):
    @examples(40)
    @given(st.one_of(consistent_forms(form_type), mutants(form_type).map(lambda m: m.form)),
           st.randoms(use_true_random=False))
    def run(form, rnd):
        before, after = check(form), check(shuffled(form, rnd))
        assert verdicts(after) == verdicts(before)
        assert outcome_counts(after) == outcome_counts(before)
    run()


# -- an all-zero fund source ------------------------------------------------------------------------------

def with_zero_source(form: dict, position: int) -> dict:
    used = {r.get("source") for r in form["funds"]}
    source = next(s for s in ZERO_SOURCES[form["form_type"]] if s not in used)
    amounts = [row[c] for row in form["funds"] for c in AMOUNTS[form["form_type"]] if row.get(c)]
    decimals = len(amounts[0].partition(".")[2]) if amounts else 2
    zero = format(Decimal(0).quantize(Decimal(1).scaleb(-decimals)), "f")
    row = {"source": source, **{c: zero for c in AMOUNTS[form["form_type"]]}}
    row.update({k: "—" for k in ("completion_rate", "adjustment_rate", "execution_rate")
                if any(k in r for r in form["funds"])})
    funds = list(form["funds"])
    funds.insert(position % (len(funds) + 1), row)
    return {**form, "funds": funds}


def far_from_the_edge(form: dict) -> bool:
    """No sum within half a printed unit of its verdict changing (a printed 0.00 may be a rounded 0.004:
    next to such a sum, an added zero row rightly makes a certain verdict uncertain)."""
    return violations(form) == violations(form, slack=1)


@pytest.mark.parametrize("form_type", FORM_TYPES)
def test_an_all_zero_fund_source_changes_nothing(form_type):
    @examples(40)
    @given(st.one_of(consistent_forms(form_type), mutants(form_type, margin=1).map(lambda m: m.form))
           .filter(far_from_the_edge), st.integers(0, 10))
    def run(form, position):
        before, after = check(form), check(with_zero_source(form, position))
        assert verdicts(after) == verdicts(before)
    run()


def test_a_form_level_finding_keeps_its_fingerprint_when_the_total_row_moves():
    # found by the reordering property: the pointer /funds/0/budget_initial went into the fingerprint
    funds = [{"source": "合计", "budget_initial": "0"}, {"source": "一般公共预算", "budget_initial": "4062.10"},
             {"source": "政府性基金", "budget_initial": "0"}]
    form = {"form_type": DEPT, "funds": funds}
    first = [f for f in check(form).findings if f.rule == "funds.total-budget-initial"]
    last = [f for f in check({**form, "funds": funds[1:] + funds[:1]}).findings if f.rule == "funds.total-budget-initial"]
    assert len(first) == len(last) == 1
    assert first[0].pointer == "/funds/0/budget_initial" and last[0].pointer == "/funds/2/budget_initial"
    assert first[0].fingerprint == last[0].fingerprint
