"""``--format table``: findings for a person at a terminal, aligned even with Chinese text."""

from __future__ import annotations

from typing import IO

from tabulate import tabulate

from formaudit.findings import Report

_SEVERITY = {"error": "错误 error", "warning": "警告 warning", "info": "提示 info"}
_WIDTH = 60


def _wrap(text: str, width: int = _WIDTH) -> str:
    """Wrap by display width (a CJK character is two columns)."""
    lines, line, used = [], "", 0
    for ch in text:
        w = 2 if ord(ch) > 0x2E80 else 1
        if ch == "\n" or used + w > width:
            lines.append(line)
            line, used = "", 0
            if ch == "\n":
                continue
        line += ch
        used += w
    lines.append(line)
    return "\n".join(lines)


def _where(finding) -> str:
    parts = [finding.pointer or "/"]
    src = finding.source or {}
    if src.get("line") is not None:
        file = src.get("file")
        parts.append(f"{file}:{src['line']}" if file else f"line {src['line']}")
    if src.get("cell"):
        parts.append(f"{src.get('sheet', '')}!{src['cell']}")
    return "\n".join(parts)


class TableReporter:
    name = "table"

    def write(self, report: Report, out: IO[str]) -> None:
        for result in report.results:
            out.write(f"\n{result.input}  [{result.form_type or '?'}]\n")
            for err in result.errors:
                out.write(f"  cannot check: {err}\n")
            if not result.findings:
                if not result.errors:
                    out.write("  no findings\n")
                continue
            rows = []
            for f in result.findings:
                shown = {k: f.values[k] for k in ("computed", "consistent", "reason") if k in f.values} or f.values
                evidence = ", ".join(f"{k}={v}" for k, v in shown.items() if v not in (None, "", []))
                rows.append([_SEVERITY.get(f.severity, f.severity), f.rule, _where(f), _wrap(f.message),
                             _wrap(evidence, 40)])
            out.write(tabulate(rows, headers=["级别", "规则 rule", "位置 where", "说明 message", "依据 evidence"],
                               tablefmt="grid"))
            out.write("\n")
        s = report.summary()
        out.write(f"\n{s['inputs']} input(s): {s['error']} error(s), {s['warning']} warning(s), {s['info']} info; "
                  f"{s['input_errors']} could not be checked\n")
