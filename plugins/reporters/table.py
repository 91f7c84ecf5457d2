"""``--format table``: findings for a person at a terminal, aligned even with Chinese text."""

from __future__ import annotations

from typing import IO

from tabulate import tabulate

from formaudit.findings import Report

from . import _common

_SEVERITY = {"error": "错误 error", "warning": "警告 warning", "info": "提示 info"}
_WIDTH = 60


def _wrap(text: str, width: int = _WIDTH) -> str:
    """Wrap by display width (a CJK character is two columns)."""
    lines, line, used = [], "", 0
    for ch in text:
        if ch < " " and ch != "\n":
            continue  # control characters (a terminal escape in a form's text) are not printed
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
                level = _SEVERITY.get(f.severity, f.severity) + ("\n已豁免 waived" if f.waiver is not None else "")
                rows.append([level, f"{f.rule}\n{f.fingerprint}", _where(f), _wrap(f.message),
                             _wrap(evidence, 40)])
            out.write(tabulate(rows, headers=["级别", "规则 rule\n指纹 fingerprint", "位置 where", "说明 message", "依据 evidence"],
                               tablefmt="grid"))
            out.write("\n")
        s = report.summary()
        waived = f", {s['waived']} waived" if "waived" in s else ""
        out.write(f"\n{s['inputs']} input(s): {s['error']} error(s), {s['warning']} warning(s), {s['info']} info{waived}; "
                  f"{s['input_errors']} could not be checked\n")
        for note in _common.waiver_notes(report):
            out.write(f"warning: {note}\n")
        out.write("\n" + "\n".join(f"{k}: {v}" for k, v in _common.manifest_rows(report)) + "\n")
