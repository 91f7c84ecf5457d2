"""``formaudit pack diff OLD NEW FORMS…``: the impact of a pack change before it is rolled out.

Both packs check the same forms; findings are matched by fingerprint (rule, form, item, field and
outcome — not the message or severity), so a finding that only changed its wording or severity is
listed as changed, not as gone and new.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .api import Auditor
from .findings import Finding, Report
from .registry import Registry


@dataclass(frozen=True)
class Change:
    kind: str                    # "+" appears, "-" disappears, "~" changed
    input: str
    finding: Finding             # the new finding (the old one for "-")
    before: Finding | None = None  # for "~": the old finding

    def to_dict(self) -> dict[str, Any]:
        out = {"change": {"+": "appears", "-": "disappears", "~": "changed"}[self.kind], "input": self.input,
               **self.finding.to_dict()}
        if self.before is not None:
            out["before"] = {"severity": self.before.severity, "message": self.before.message}
        return out


@dataclass
class PackDiff:
    old: dict[str, str]
    new: dict[str, str]
    inputs: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)

    def count(self, kind: str) -> int:
        return sum(1 for c in self.changes if c.kind == kind)

    def by_rule(self) -> list[tuple[str, int, int, int]]:
        """(rule, appear, disappear, changed) per rule with any change, sorted by rule id."""
        counts: dict[str, Counter] = {}
        for c in self.changes:
            counts.setdefault(c.finding.rule, Counter())[c.kind] += 1
        return [(rule, n["+"], n["-"], n["~"]) for rule, n in sorted(counts.items())]

    def to_dict(self) -> dict[str, Any]:
        return {"old": self.old, "new": self.new, "inputs": self.inputs,
                "changes": [c.to_dict() for c in self.changes], "errors": self.errors,
                "summary": {"appear": self.count("+"), "disappear": self.count("-"), "changed": self.count("~"),
                            "unchanged": self.unchanged,
                            "by_rule": [{"rule": r, "appear": a, "disappear": d, "changed": c}
                                        for r, a, d, c in self.by_rule()]}}


def _describe(auditor: Auditor) -> dict[str, str]:
    pack = auditor.explicit[0]
    return {"pack": pack.id, "version": pack.version, "file": pack.file, "sha256": pack.sha256}


def diff_packs(old: str | Path, new: str | Path, forms: Iterable[str | Path], registry: Registry | None = None,
               notes: list[str] | None = None) -> PackDiff:
    """Check ``forms`` with each pack and compare the findings by fingerprint, per input."""
    registry = registry or Registry.discover()
    before_auditor = Auditor(registry, packs=[old])
    after_auditor = Auditor(registry, packs=[new])
    result = PackDiff(_describe(before_auditor), _describe(after_auditor))
    paths = list(after_auditor.expand(forms, notes))
    before: Report = before_auditor.check_paths(paths)
    after: Report = after_auditor.check_paths(paths)
    for old_result, new_result in zip(before.results, after.results):
        name = new_result.input
        result.inputs.append(name)
        for err in dict.fromkeys(old_result.errors + new_result.errors):
            result.errors.append(err)
        old_by = _by_fingerprint(old_result.findings)
        new_by = _by_fingerprint(new_result.findings)
        for key in sorted(set(old_by) | set(new_by)):
            olds, news = old_by.get(key, []), new_by.get(key, [])
            for o, n in zip(olds, news):
                if (o.severity, o.message) != (n.severity, n.message):
                    result.changes.append(Change("~", name, n, o))
                else:
                    result.unchanged += 1
            result.changes.extend(Change("-", name, o) for o in olds[len(news):])
            result.changes.extend(Change("+", name, n) for n in news[len(olds):])
    result.changes.sort(key=lambda c: (c.input, c.finding.sort_key(), c.kind))
    return result


def _by_fingerprint(findings: Iterable[Finding]) -> dict[str, list[Finding]]:
    out: dict[str, list[Finding]] = {}
    for f in findings:
        out.setdefault(f.fingerprint or f"{f.rule}|{f.pointer}|{f.outcome}", []).append(f)
    return out


def format_text(diff: PackDiff) -> Iterator[str]:
    o, n = diff.old, diff.new
    yield f"pack diff: {o['pack']} {o['version']} → {n['pack']} {n['version']} over {len(diff.inputs)} form(s)"
    current = None
    for c in diff.changes:
        if c.input != current:
            current = c.input
            yield f"{current}:"
        f = c.finding
        yield f"  {c.kind} {f.severity:<7} {f.rule}  {f.pointer or '/'}  {f.message}"
        if c.before is not None:
            was = []
            if c.before.severity != f.severity:
                was.append(f"severity was {c.before.severity}")
            if c.before.message != f.message:
                was.append(f"message was: {c.before.message}")
            yield f"      ({'; '.join(was)})"
    for err in diff.errors:
        yield f"error: {err}"
    yield (f"{diff.count('+')} appear, {diff.count('-')} disappear, {diff.count('~')} changed, "
           f"{diff.unchanged} unchanged")
    for rule, a, d, ch in diff.by_rule():
        yield f"  {rule}: +{a} -{d} ~{ch}"


__all__ = ["Change", "PackDiff", "diff_packs", "format_text"]
