"""Deterministic form generators for the benchmark: consistent forms and single-fault mutants.

Plain Python with a seeded ``random.Random`` (no Hypothesis), so that a run of the benchmark checks the same
forms every time. Every generated form validates against its form type's schema; a mutant breaks one
rule's arithmetic or logic, not the schema. ``dept_forms(n, seed)`` yields ``(kind, form)``: ``kind`` is
``"consistent"`` or the name of the fault.
"""

from __future__ import annotations

import random
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any, Iterator

DEPT = "cn.dept-overall-self-eval"
CENT = Decimal("0.01")

DEPT_MUTANTS = (
    "completion-rate", "adjustment-rate", "adjustment-undefined", "total-initial", "total-adjustment",
    "total-actual", "task-funds", "no-indicator", "completion-low", "overspent", "adjustment-high", "blank-actual",
    "indicator-missed", "indicator-unit", "indicator-no-figure",
)


def _money(rng: random.Random, lo: int, hi: int) -> Decimal:
    return Decimal(rng.randint(lo * 100, hi * 100)) / 100


def _rate(numerator: Decimal, denominator: Decimal) -> str:
    return f"{(numerator / denominator * 100).quantize(CENT, rounding=ROUND_HALF_EVEN)}%"


def _row(source: str, initial: Decimal, adjustment: Decimal, actual: Decimal) -> dict[str, Any]:
    row: dict[str, Any] = {"source": source, "budget_initial": f"{initial:.2f}" if initial else "0",
                           "budget_adjustment": f"{adjustment:.2f}", "actual": f"{actual:.2f}"}
    row["completion_rate"] = _rate(actual, initial + adjustment)
    row["adjustment_rate"] = _rate(adjustment, initial) if initial else "—"
    return row


def _indicator(rng: random.Random) -> tuple[str, str]:
    """A (target, achieved) pair that reaches its target."""
    n = rng.randint(2, 50)
    return rng.choice([
        ("≥95%", f"覆盖率达{rng.randint(95, 100)}%"), ("100%", "100%"), (f"{n}次", f"开展活动{n + rng.randint(0, 3)}次"),
        ("按时完成", "已按时完成"), ("≥90%", f"满意度达{rng.randint(900, 999) / 10}%"), ("职称或以上", "职称或以上"),
    ])


def dept_form(rng: random.Random, number: int, fault: str | None = None) -> dict[str, Any]:
    """One department form (SPEC §2.1); consistent when ``fault`` is None, else with that one fault."""
    parts: list[tuple[str, Decimal, Decimal, Decimal]] = []
    sources = ["一般公共预算", "政府性基金", "国有资本经营预算", "其他"][: rng.randint(2, 4)]
    low = fault == "completion-low"
    high = fault == "adjustment-high"
    for i, source in enumerate(sources):
        initial = Decimal(0) if (i == 1 and (rng.random() < 0.4 or fault == "adjustment-undefined")) \
            else _money(rng, 200, 5000)
        if initial == 0:  # a fund added in the year: small beside the first, so the total rate stays < 30 %
            adjustment = max(CENT, (parts[0][1] * Decimal(rng.randint(1, 8)) / 100).quantize(CENT))
        else:
            adjustment = (initial * Decimal(rng.randint(0, 20)) / 100).quantize(CENT)
        if high and i == 0:
            adjustment = (initial * Decimal(rng.randint(40, 60)) / 100).quantize(CENT)
        share = Decimal(rng.randint(50, 70) if low else rng.randint(93, 99)) / 100
        actual = ((initial + adjustment) * share).quantize(CENT)
        parts.append((source, initial, adjustment, actual))
    total = ("合计", sum((p[1] for p in parts), Decimal(0)), sum((p[2] for p in parts), Decimal(0)),
             sum((p[3] for p in parts), Decimal(0)))
    funds = [_row(*total)] + [_row(*p) for p in parts]
    n_tasks = rng.randint(3, 6)
    whole = int(total[3].quantize(Decimal(1), rounding=ROUND_HALF_EVEN))
    cuts = sorted(rng.sample(range(1, whole), n_tasks - 1))
    shares = [b - a for a, b in zip([0] + cuts, cuts + [whole])]
    tasks = []
    for t, share in enumerate(shares):
        indicators = []
        for k in range(rng.randint(2, 5)):
            target, achieved = _indicator(rng)
            indicators.append({"name": f"指标{t + 1}-{k + 1}", "formula": "完成数/计划数*100%",
                               "target": target, "achieved": achieved})
        tasks.append({"name": f"任务{t + 1}", "planned": "年初预期目标" * rng.randint(1, 8),
                      "achieved": "目标完成情况" * rng.randint(1, 8), "funds": str(share), "indicators": indicators})
    form: dict[str, Any] = {
        "form_type": DEPT, "title": "部门整体支出绩效自评表", "year": 2021 + number % 4,
        "department": f"示例区第{number}街道办事处", "amount_unit": "万元", "funds": funds,
        "goals": {"planned": "预期目标" * 20, "achieved": "完成情况" * 20}, "tasks": tasks,
        "problems": "存在问题" * 10, "measures": "改进措施" * 10,
    }
    if fault is not None:
        _break(rng, form, fault)
    provenance: dict[str, Any] = {}
    line = 10
    for r, row in enumerate(funds):
        for c, key in enumerate(("budget_initial", "budget_adjustment", "actual", "completion_rate",
                                 "adjustment_rate")):
            provenance[f"/funds/{r}/{key}"] = {"file": f"../documents/form-{number}.txt", "line": line,
                                               "column": 4 + 8 * c}
        line += 1
    for t in range(len(tasks)):
        provenance[f"/tasks/{t}/funds"] = {"file": f"../documents/form-{number}.txt", "line": line + 5 * t,
                                           "column": 2}
    form["provenance"] = provenance
    return form


def _break(rng: random.Random, form: dict[str, Any], fault: str) -> None:
    funds = form["funds"]
    part = funds[1 + rng.randrange(len(funds) - 1)]
    nudge = Decimal(rng.choice([-1, 1]) * rng.randint(50, 300)) / 100

    def shift(row: dict[str, Any], key: str, by: Decimal) -> None:
        text = row[key]
        if text.endswith("%"):
            row[key] = f"{Decimal(text[:-1]) + by:.2f}%"
        else:
            row[key] = f"{Decimal(text) + by:.2f}"

    if fault == "completion-rate":
        shift(part, "completion_rate", nudge)
    elif fault == "adjustment-rate":
        row = next((r for r in funds[1:] if r["adjustment_rate"] != "—"), funds[0])
        shift(row, "adjustment_rate", nudge)
    elif fault == "adjustment-undefined":
        funds[2]["adjustment_rate"] = "0.00%"
    elif fault == "total-initial":
        shift(funds[0], "budget_initial", abs(nudge))
    elif fault == "total-adjustment":
        shift(funds[0], "budget_adjustment", nudge)
    elif fault == "total-actual":
        shift(funds[0], "actual", nudge)
    elif fault == "task-funds":
        task = rng.choice(form["tasks"])
        task["funds"] = str(int(task["funds"]) + rng.choice([-1, 1]) * rng.randint(5, 40))
    elif fault == "no-indicator":
        for indicator in rng.choice(form["tasks"])["indicators"]:
            indicator["achieved"] = "—"
    elif fault == "overspent":
        row = funds[1]
        budget = Decimal(row["budget_initial"]) + Decimal(row["budget_adjustment"])
        actual = (budget * Decimal(rng.randint(103, 120)) / 100).quantize(CENT)
        row["actual"] = f"{actual:.2f}"
        row["completion_rate"] = _rate(actual, budget)
    elif fault == "blank-actual":
        part["actual"] = "—"
    elif fault.startswith("indicator-"):
        indicator = rng.choice(rng.choice(form["tasks"])["indicators"])
        indicator["target"] = "≥95%"
        indicator["achieved"] = {"indicator-missed": f"覆盖率达{rng.randint(60, 90)}%", "indicator-unit": "1000件",
                                 "indicator-no-figure": "已完成"}[fault]
    # completion-low and adjustment-high are built in by dept_form: consistent figures past a threshold


def dept_forms(n: int, seed: int = 2021, mutant_share: float = 0.5) -> Iterator[tuple[str, dict[str, Any]]]:
    """``n`` department forms: about half consistent, the rest single-fault mutants of every kind in turn."""
    rng = random.Random(seed)
    for number in range(n):
        if rng.random() < mutant_share:
            fault = DEPT_MUTANTS[number % len(DEPT_MUTANTS)]
            yield fault, dept_form(rng, number, fault)
        else:
            yield "consistent", dept_form(rng, number)


GENERATORS = {DEPT: dept_forms}


PROJECT = "cn.project-self-eval"


def project_forms(n: int, seed: int = 2021) -> Iterator[tuple[str, dict[str, Any]]]:
    """``n`` project forms (SPEC §2.2) from ``formaudit.testing``'s models — consistent forms and labelled
    single-fault mutants — drawn by Hypothesis from ``seed`` (the same forms every run for the same ``n`` and
    ``seed``). About 14 ms a form: generated once, before timing."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as hypothesis_seed
    from hypothesis import strategies as st

    from formaudit.testing import consistent_forms, mutants

    out: list[tuple[str, dict[str, Any]]] = []
    strategy = st.one_of(consistent_forms(PROJECT).map(lambda f: ("consistent", f)),
                         mutants(PROJECT).map(lambda m: (m.kind, m.form)))

    @hypothesis_seed(seed)
    @settings(max_examples=n, database=None, phases=[Phase.generate], deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def draw(case: tuple[str, dict[str, Any]]) -> None:
        out.append(case)

    draw()
    yield from out[:n]


project_forms.materialized = True  # type: ignore[attr-defined]
GENERATORS[PROJECT] = project_forms
