"""What the built-in reporters share: labels, rule descriptions, locations, evidence, per-rule totals.

Private to the built-in reporters (third-party reporters read ``Report``, ``FormResult`` and ``Finding``).
"""

from __future__ import annotations

import decimal
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping

from formaudit.findings import Finding, FormResult, Report

SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
OUTCOME_ZH = {"failed": "不通过", "not-evaluable": "无法判断", "schema": "结构不符", "unparsed": "未识别"}
# Evidence worth reading first: the computed value and why; then the rest in the rule's order.
_FIRST = ("computed", "consistent", "reason")


def jsonable(value: Any) -> Any:
    """Plain JSON data: Decimals and other figures as their printed text, never floats."""
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, decimal.Decimal):
        return str(value)
    return str(value)


def text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(text(v) for v in value)
    return str(value)


def evidence(finding: Finding) -> list[tuple[str, str]]:
    """The finding's values as (name, text), the computed value first; empty values left out."""
    values = finding.values or {}
    keys = [k for k in _FIRST if k in values] + [k for k in values if k not in _FIRST]
    return [(k, text(values[k])) for k in keys if values[k] not in (None, "", [])]


def location(source: Mapping[str, Any] | None) -> str:
    """``file:line:col`` (and page, sheet!cell) of a finding's source; empty when unknown."""
    if not source:
        return ""
    parts = [str(source["file"])] if source.get("file") else []
    for key in ("line", "column"):
        if source.get(key) is not None:
            parts.append(str(source[key]))
    where = ":".join(parts)
    extra = []
    if source.get("page") is not None:
        extra.append(f"p.{source['page']}")
    if source.get("cell"):
        extra.append(f"{source['sheet']}!{source['cell']}" if source.get("sheet") else str(source["cell"]))
    elif source.get("sheet"):
        extra.append(str(source["sheet"]))
    return " ".join([where] + extra if where else extra)


def rule_info(report: Report, pack: str, rule: str) -> dict[str, Any]:
    """What the packs say about a rule; rules the engine itself reports (schema.*, unparsed) described
    here. Always has title, description, severity, refs, pack."""
    info = report.rules.get(pack, {}).get(rule)
    if info is None:
        for rules in report.rules.values():
            if rule in rules:
                info = rules[rule]
                break
    if info is not None:
        return {"pack": info.get("pack", pack), "title": info.get("title") or rule,
                "description": info.get("description") or "", "severity": info.get("severity") or "error",
                "refs": list(info.get("refs") or []), "enabled": info.get("enabled", True)}
    if rule.startswith("schema."):
        keyword = rule.split(".", 1)[1]
        return {"pack": pack, "title": f"表格数据符合表类型的结构（JSON Schema: {keyword}）",
                "description": "表格数据必须符合其表类型的 JSON Schema；不符合处仍会按规则检查，但相关规则可能无法判断。",
                "severity": "error", "refs": [], "enabled": True}
    if rule == "unparsed":
        return {"pack": pack, "title": "读取文档时未能识别的文本",
                "description": "读取器未能放入表格数据的文本：需人工核对是否遗漏了数字。",
                "severity": "info", "refs": [], "enabled": True}
    return {"pack": pack, "title": rule, "description": "", "severity": "error", "refs": [], "enabled": True}


@dataclass
class RuleTotal:
    pack: str
    rule: str
    passed: int = 0
    failed: int = 0
    not_applicable: int = 0
    not_evaluable: int = 0
    findings: int = 0
    waived: int = 0
    forms: int = 0


def pack_of(report: Report, result: FormResult, rule: str) -> str:
    """The pack (among those that checked this form) that holds a rule id."""
    for entry in result.packs:
        if rule in report.rules.get(entry["pack"], {}):
            return entry["pack"]
    return result.packs[0]["pack"] if result.packs else ""


def rules_checked(report: Report, result: FormResult) -> list[tuple[str, str]]:
    """(pack, rule) of every rule that ran on this form, in the packs' order, then the engine's own
    rules that produced findings (schema.*, unparsed), sorted."""
    out = [(pack_of(report, result, rule), rule) for rule in result.outcomes]
    seen = {r for _, r in out}
    extra = sorted({(f.pack, f.rule) for f in result.findings if f.rule not in seen})
    return out + extra


def rule_totals(report: Report) -> list[RuleTotal]:
    """Outcomes and findings per rule over all forms, ordered by pack then first appearance."""
    totals: dict[tuple[str, str], RuleTotal] = {}
    for result in report.results:
        for pack, rule in rules_checked(report, result):
            total = totals.setdefault((pack, rule), RuleTotal(pack, rule))
            total.forms += 1
            counts = result.outcomes.get(rule)
            if counts is not None:
                total.passed += counts.passed
                total.failed += counts.failed
                total.not_applicable += counts.not_applicable
                total.not_evaluable += counts.not_evaluable
        for f in result.findings:
            total = totals.setdefault((f.pack, f.rule), RuleTotal(f.pack, f.rule))
            if f.rule not in result.outcomes:
                total.failed += 1
            total.findings += 1
            total.waived += f.waiver is not None
    order = {p["pack"]: i for i, p in enumerate(report.packs)}
    return sorted(totals.values(), key=lambda t: order.get(t.pack, len(order)))


def findings_by_rule(result: FormResult) -> Iterator[tuple[tuple[str, str], list[Finding]]]:
    """The form's findings grouped by (pack, rule), groups in the order of their first finding."""
    groups: dict[tuple[str, str], list[Finding]] = {}
    for f in result.findings:
        groups.setdefault((f.pack, f.rule), []).append(f)
    yield from groups.items()


def waiver_notes(report: Report) -> list[Any]:
    return report.waivers.notes() if report.waivers is not None else []


def manifest_rows(report: Report) -> list[tuple[str, str]]:
    """The manifest as (label, value) rows, for reporters that print tables."""
    m = report.manifest()
    rows = [("工具 tool", f"{m['tool'].get('name', 'formaudit')} {m['tool'].get('version', '')}".strip())]
    for p in m["packs"]:
        rows.append(("规则包 pack", f"{p['pack']} {p['version']} sha256:{p['sha256']}"))
    for i in m["inputs"]:
        rows.append(("输入 input", f"{i['input']} sha256:{i['sha256'] or '—'}"))
    if "waivers" in m:
        rows.append(("豁免文件 waivers", f"{m['waivers']['file']} sha256:{m['waivers']['sha256']}"))
    return rows


def waiver_text(waiver: Mapping[str, Any]) -> str:
    return f"{waiver.get('reason', '')}（{waiver.get('who', '')}，有效至 {waiver.get('until', '')}）"


def source_line(source: Mapping[str, Any] | None, cache: dict[str, list[str] | None]) -> str | None:
    """The text of a finding's source line, read from its file — only for files under the current folder
    (a form's provenance must not make a report quote files from elsewhere), at most 1 MB, UTF-8."""
    if not source or not source.get("file") or not isinstance(source.get("line"), int):
        return None
    file = str(source["file"])
    if file not in cache:
        cache[file] = _read_lines(file)
    lines = cache[file]
    line = source["line"]
    if lines is None or not 1 <= line <= len(lines):
        return None
    return lines[line - 1][:500]


def _read_lines(file: str) -> list[str] | None:
    try:
        path = Path(file).resolve()
        here = Path.cwd().resolve()
        if here not in path.parents or not path.is_file() or path.stat().st_size > 1_000_000:
            return None
        return path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError, ValueError):
        return None
