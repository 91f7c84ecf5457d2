"""Evaluating a pack on one form rule by rule, for property tests: every outcome of every rule on every
item, the findings, and — instead of stopping at the first — every exception a rule raised."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Mapping

from ..checking import Checker, _Locator, form_key, items
from ..findings import Finding, RuleCounts
from ..values import convert, escape


@dataclass
class Evaluation:
    """``counts[rule][outcome]`` (passed, failed, not_applicable, not_evaluable); ``findings`` as
    ``formaudit check`` would report them (rule findings); ``schema_errors`` (pointer, message) where the
    form breaks its schema; ``raised[rule]`` the exceptions."""

    counts: dict[str, Counter] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    raised: dict[str, list[BaseException]] = field(default_factory=dict)
    schema_errors: list[tuple[str, str]] = field(default_factory=list)

    @property
    def failed_rules(self) -> set[str]:
        return {rule for rule, c in self.counts.items() if c["failed"]}

    def verdicts(self) -> dict[str, dict[str, int]]:
        return {rule: dict(c) for rule, c in sorted(self.counts.items())}


def outcomes(pack: Any, form: Mapping[str, Any], schema: Mapping[str, Any] | None = None,
             checker: Checker | None = None) -> Evaluation:
    """Evaluate every enabled rule of ``pack`` on ``form`` (with ``schema``, validate it first).
    A rule that raises is recorded in ``raised`` and the other rules still run."""
    checker = checker or Checker(pack, schema)
    evaluation = Evaluation()
    invalid: dict[str, str] = {}
    if checker.validator is not None:
        for error in checker.schema_errors(form):
            pointer = "".join("/" + escape(str(p)) for p in error.absolute_path)
            invalid.setdefault(pointer, error.message[:160])
    evaluation.schema_errors = sorted(invalid.items())
    values = convert(dict(form), "", invalid)
    locate = _Locator({}, {}, None, None)
    fkey = form_key(form)
    for rule in checker.rules:
        tally = evaluation.counts.setdefault(rule.id, Counter())
        counts = RuleCounts()
        try:
            for it in items(values, rule.for_each, rule.key):
                try:
                    finding = checker.evaluate_item(rule, it, values, counts, fkey, locate)
                except Exception as exc:  # noqa: BLE001 - a raising rule is what this looks for
                    evaluation.raised.setdefault(rule.id, []).append(exc)
                    continue
                if finding is not None:
                    evaluation.findings.append(finding)
        except Exception as exc:  # noqa: BLE001 - for_each itself failed
            evaluation.raised.setdefault(rule.id, []).append(exc)
        tally.update({k: v for k, v in counts.to_dict().items() if v})
    evaluation.findings.sort(key=Finding.sort_key)
    return evaluation
