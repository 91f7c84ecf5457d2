"""``--format markdown``: a report to paste into an issue, a wiki page or a pull-request comment.

Sections: summary (per form, per rule), findings per form grouped by rule (message, pointer, source,
evidence, fingerprint, waiver), waivers (when given), and the manifest. Text from forms and packs is
escaped, so nothing in a form can add links, images or HTML to the page.
"""

from __future__ import annotations

import re
from typing import IO

from formaudit.findings import Finding, Report

from . import _common

_SPECIAL = re.compile(r"([\\`*_\[\]|~<>])")
_LEADING = re.compile(r"^(\s*)([#+=>-])|^(\s*\d+)([.)])(?=\s|$)")


def md(value: object) -> str:
    """Inline Markdown text: emphasis, link, code, table and HTML characters backslash-escaped, ``&`` as an
    entity, one line, and nothing at its start that would make a heading, list or quote."""
    text = _common.text(value).replace("&", "&amp;")
    text = " ".join(text.splitlines())
    text = _SPECIAL.sub(r"\\\1", text)
    return _LEADING.sub(lambda m: f"{m.group(1)}\\{m.group(2)}" if m.group(2) else f"{m.group(3)}\\{m.group(4)}", text)


def code(value: object) -> str:
    """A code span (``|`` escaped, as GitHub tables need even inside code)."""
    text = " ".join(_common.text(value).splitlines()).replace("|", "\\|") or " "
    ticks = "`" * (max((len(m) for m in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def _table(headers: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def _finding(f: Finding) -> str:
    mark = " （已豁免 waived）" if f.waiver is not None else ""
    lines = [f"- **{_common.SEVERITY_ZH.get(f.severity, f.severity)} {f.severity}**{mark}：{md(f.message)}"]
    where = f"  - 位置 where：{code(f.pointer or '/')}"
    loc = _common.location(f.source)
    if loc:
        where += f" · 来源 source：{md(loc)}"
    lines.append(where)
    if f.source and f.source.get("text"):
        lines.append(f"  - 原文 text：{md(f.source['text'])}")
    ev = _common.evidence(f)
    if ev:
        lines.append("  - 依据 evidence：" + "，".join(f"{code(k)} = {md(v)}" for k, v in ev))
    lines.append(f"  - 指纹 fingerprint：{code(f.fingerprint)}")
    if f.waiver is not None:
        lines.append(f"  - 豁免 waiver：{md(_common.waiver_text(f.waiver))}")
    return "\n".join(lines)


class MarkdownReporter:
    name = "markdown"

    def write(self, report: Report, out: IO[str]) -> None:
        out.write(self.render(report))

    def render(self, report: Report) -> str:
        s = report.summary()
        parts = ["# formaudit 检查报告 report\n\n"]
        line = (f"{s['inputs']} 个输入 input(s)：错误 {s['error']}，警告 {s['warning']}，提示 {s['info']}")
        if "waived" in s:
            line += f"，已豁免 {s['waived']}"
        line += f"；无法检查 {s['input_errors']}"
        parts.append(line + "\n\n")

        parts.append("## 汇总 Summary\n\n### 按表 Per form\n")
        rows = []
        for r in report.results:
            c = r.counts()
            state = "无法检查 not checked" if r.errors else ("有问题 findings" if any(c.values()) else "通过 clean")
            rows.append([md(r.input), md(r.form_type or "—"), str(c["error"]), str(c["warning"]), str(c["info"]),
                         str(r.waived()), state, code(r.sha256 or "—")])
        parts.append(_table(["输入 input", "表类型 form type", "错误", "警告", "提示", "已豁免", "状态", "sha256"], rows))

        parts.append("\n### 按规则 Per rule\n")
        rows = []
        for t in _common.rule_totals(report):
            info = _common.rule_info(report, t.pack, t.rule)
            rows.append([code(t.rule), md(info["title"]), md(info["severity"]), str(t.forms), str(t.passed),
                         str(t.failed), str(t.not_applicable), str(t.not_evaluable), str(t.findings), str(t.waived)])
        parts.append(_table(["规则 rule", "名称 title", "级别", "表数 forms", "通过", "不通过", "不适用", "无法判断",
                             "问题 findings", "已豁免"], rows))

        parts.append("\n## 问题 Findings\n")
        for r in report.results:
            parts.append(f"\n### {md(r.input)}\n")
            for err in r.errors:
                parts.append(f"\n> 无法检查 cannot check：{md(err)}\n")
            if not r.findings and not r.errors:
                parts.append("\n无问题 no findings.\n")
            for (pack, rule), findings in _common.findings_by_rule(r):
                info = _common.rule_info(report, pack, rule)
                parts.append(f"\n#### {code(rule)} {md(info['title'])}\n\n")
                if info["description"]:
                    parts.append(f"{md(info['description'])}\n\n")
                if info["refs"]:
                    parts.append(f"依据文件 refs：{md('；'.join(info['refs']))}\n\n")
                parts.append("\n".join(_finding(f) for f in findings) + "\n")

        if report.waivers is not None:
            parts.append("\n## 豁免 Waivers\n\n")
            rows = []
            for entry in report.waivers.to_dict()["entries"]:
                rows.append([code(entry["fingerprint"]), code(entry.get("rule") or "—"), md(entry["status"]),
                             str(entry["matched"]), md(entry["reason"]), md(entry["who"]), md(entry["until"]),
                             md(f"{entry.get('file')}:{entry.get('line')}")])
            parts.append(_table(["指纹", "规则", "状态 status", "命中", "理由 reason", "豁免人 who", "有效至 until",
                                 "位置"], rows))
            notes = _common.waiver_notes(report)
            if notes:
                parts.append("\n" + "\n".join(f"- ⚠ {md(str(n))}" for n in notes) + "\n")

        parts.append("\n## 运行信息 Manifest\n\n")
        parts.append(_table(["项 item", "值 value"], [[md(k), md(v)] for k, v in _common.manifest_rows(report)]))
        return "".join(parts)
