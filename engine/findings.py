"""Findings and reports: frozen values, plain data for reporters, a stable order."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Mapping

if TYPE_CHECKING:
    from .waivers import Waivers

SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}
OUTCOMES = ("passed", "failed", "not_applicable", "not_evaluable")


@dataclass(frozen=True)
class Finding:
    pack: str
    rule: str
    severity: str
    message: str
    pointer: str
    values: Mapping[str, Any] = field(default_factory=dict)
    source: Mapping[str, Any] | None = None
    fingerprint: str = ""
    outcome: str = "failed"  # failed | not-evaluable | schema | unparsed
    title: str = ""
    # set when an accepted waiver covers this finding: {fingerprint, reason, who, until, file, line, rule?}
    waiver: Mapping[str, Any] | None = None

    @property
    def waived(self) -> bool:
        return self.waiver is not None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"pack": self.pack, "rule": self.rule, "severity": self.severity,
                               "message": self.message, "pointer": self.pointer, "values": dict(self.values)}
        if self.source:
            out["source"] = dict(self.source)
        out["fingerprint"] = self.fingerprint
        out["outcome"] = self.outcome
        if self.waiver is not None:
            out["waiver"] = dict(self.waiver)
        return out

    def sort_key(self) -> tuple:
        return (_pointer_key(self.pointer), -SEVERITY_RANK[self.severity], self.pack, self.rule, self.message)


def _pointer_key(pointer: str) -> tuple:
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in pointer.split("/") if p)


def fingerprint(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


@dataclass
class RuleCounts:
    passed: int = 0
    failed: int = 0
    not_applicable: int = 0
    not_evaluable: int = 0

    def to_dict(self) -> dict[str, int]:
        return {"passed": self.passed, "failed": self.failed, "not_applicable": self.not_applicable,
                "not_evaluable": self.not_evaluable}


@dataclass
class FormResult:
    """What checking one input gave: its findings, the outcome counts per rule, and any errors that
    stopped it from being checked at all."""

    input: str
    form_type: str | None = None
    findings: list[Finding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    outcomes: dict[str, RuleCounts] = field(default_factory=dict)
    packs: list[dict[str, str]] = field(default_factory=list)
    sha256: str | None = None

    def counts(self) -> dict[str, int]:
        """Findings per severity; waived findings are not counted (see ``waived()``)."""
        out = {"error": 0, "warning": 0, "info": 0}
        for f in self.findings:
            if f.waiver is None:
                out[f.severity] += 1
        return out

    def waived(self) -> int:
        return sum(1 for f in self.findings if f.waiver is not None)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"input": self.input, "form_type": self.form_type,
                               "findings": [f.to_dict() for f in self.findings], "errors": list(self.errors)}
        if self.sha256:
            out["sha256"] = self.sha256
        out["outcomes"] = {k: v.to_dict() for k, v in self.outcomes.items()}
        return out


@dataclass
class Report:
    tool: dict[str, str]
    results: list[FormResult] = field(default_factory=list)
    # pack id → rule id → {title, description, severity, refs, …}: for reporters that describe rules
    rules: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    # the waivers applied to this run (``formaudit check --waivers``), or None
    waivers: Waivers | None = None

    @property
    def packs(self) -> list[dict[str, str]]:
        seen: list[dict[str, str]] = []
        for r in self.results:
            for p in r.packs:
                if p not in seen:
                    seen.append(p)
        return seen

    def summary(self) -> dict[str, int]:
        out = {"inputs": len(self.results), "error": 0, "warning": 0, "info": 0, "input_errors": 0}
        for r in self.results:
            for k, v in r.counts().items():
                out[k] += v
            if r.errors:
                out["input_errors"] += 1
        if self.waivers is not None:
            out["waived"] = sum(r.waived() for r in self.results)
        return out

    def manifest(self) -> dict[str, Any]:
        """What reproduces this result: tool version, packs (id, version, sha256), each input's sha256 and
        the waiver file's sha256 when waivers were applied."""
        out: dict[str, Any] = {"tool": dict(self.tool), "packs": self.packs,
                               "inputs": [{"input": r.input, "sha256": r.sha256} for r in self.results]}
        if self.waivers is not None:
            out["waivers"] = {"file": self.waivers.file, "sha256": self.waivers.sha256}
        return out

    def to_dict(self) -> dict[str, Any]:
        out = {"tool": dict(self.tool), "packs": self.packs, "results": [r.to_dict() for r in self.results],
               "summary": self.summary()}
        if self.waivers is not None:
            out["waivers"] = self.waivers.to_dict()
        return out

    def worst(self) -> int:
        """Highest severity rank among findings that are not waived (-1 when none)."""
        ranks = [SEVERITY_RANK[f.severity] for r in self.results for f in r.findings if f.waiver is None]
        return max(ranks, default=-1)
