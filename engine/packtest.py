"""Running a pack's examples: each rule's examples are its tests (and its documentation).

An example gives the item a rule sees (``item``, optionally ``parent``/``form``), or a whole ``form``
for a form-level rule, and the outcome it expects: ``pass``, ``fail``, ``not-applicable`` or
``not-evaluable``. ``todo`` marks a known gap: the example is expected to misbehave, and one that
starts behaving is reported so that the mark is removed (strict, like pytest's xfail).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .checking import evaluate_rule, items
from .packs import Example, Pack, Rule
from .values import Record, convert, literal

EXPECT = {"passed": "pass", "failed": "fail", "not_applicable": "not-applicable", "not_evaluable": "not-evaluable"}


@dataclass(frozen=True)
class ExampleResult:
    rule: Rule
    example: Example
    actual: str
    detail: str = ""

    @property
    def behaves(self) -> bool:
        return self.actual == self.example.expect

    @property
    def ok(self) -> bool:
        """As it says, or a todo that still misbehaves."""
        return self.behaves != bool(self.example.todo)


def _params(pack: Pack, example: Example) -> Record:
    if not example.params:
        return pack.param_values
    merged = dict(pack.param_values)
    merged.update({k: literal(v) for k, v in example.params.items()})
    return Record(merged, "/params")


def run_example(pack: Pack, rule: Rule, example: Example) -> ExampleResult:
    params = _params(pack, example)
    form = convert(example.form, "") if isinstance(example.form, dict) else None
    if rule.for_each and example.item is not None:
        record = convert(example.item, "/item")
        parent = convert(example.parent, "/parent") if isinstance(example.parent, dict) else None
        outcome, _, detail = evaluate_rule(rule, record, parent=parent, form=form if form is not None else record,
                                           index=0, params=params)
        return ExampleResult(rule, example, EXPECT[outcome], str(detail or ""))
    if form is None:
        form = convert(example.item or {}, "")
    outcomes = []
    for it in items(form, rule.for_each, rule.key):
        outcome, _, detail = evaluate_rule(rule, it.record, parent=it.parent, form=form, index=it.index,
                                           params=params)
        outcomes.append((outcome, detail))
    for wanted in ("failed", "not_evaluable", "passed"):
        for outcome, detail in outcomes:
            if outcome == wanted:
                return ExampleResult(rule, example, EXPECT[outcome], str(detail or ""))
    return ExampleResult(rule, example, "not-applicable")


def run_examples(pack: Pack, *, own_only: bool = False) -> list[ExampleResult]:
    results = []
    for rule in pack.rules:
        if own_only and rule.pack != pack.id:
            continue
        for example in rule.examples:
            results.append(run_example(pack, rule, example))
    return results


def coverage_gaps(pack: Pack) -> list[str]:
    """Rules without both a passing and a failing example (``todo`` examples do not count)."""
    gaps = []
    for rule in pack.rules:
        expects = {e.expect for e in rule.examples if not e.todo}
        missing = [k for k in ("pass", "fail") if k not in expects]
        if missing:
            gaps.append(f"{rule.id}: no {' and no '.join(missing)} example")
    return gaps


def describe(result: ExampleResult) -> str:
    ex = result.example
    where = f"{result.rule.file}:{ex.line}" if ex.line else result.rule.file
    if result.ok:
        status = "ok" if not ex.todo else f"todo ({ex.todo})"
    elif ex.todo:
        status = f"todo example now behaves ({result.actual}): remove the todo mark"
    else:
        status = f"FAILED: expected {ex.expect}, got {result.actual}" + (f" — {result.detail}" if result.detail else "")
    return f"{where}: {result.rule.id}: {ex.name}: {status}"


