"""``--format html``: one self-contained web page for the people who read the result.

No scripts, no external styles, fonts or images (a Content-Security-Policy forbids them), so the page
opens the same from a mail attachment years later. Sections: the overall count; a summary per form and
per rule; the findings of each form grouped by rule (the rule's title, description and references, then
each finding with its message, JSON Pointer, source location and the source line it points at, its
evidence, fingerprint and waiver); the waivers; the manifest. Everything taken from forms, packs and
waiver files is HTML-escaped.

The source line is read from the file the finding's source names, only when that file lies under the
current folder (a form's provenance must not make a report quote files from elsewhere).
"""

from __future__ import annotations

from html import escape
from typing import IO, Any

from formaudit.findings import Finding, FormResult, Report

from . import _common

_CSS = """
body{font-family:"PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;margin:2em auto;max-width:72em;
padding:0 1em;color:#1d2329;line-height:1.5}
h1{font-size:1.6em}h2{border-bottom:2px solid #d0d7de;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;margin:.6em 0;font-size:.92em}th,td{border:1px solid #d0d7de;padding:.25em .5em;
text-align:left;vertical-align:top}th{background:#eef2f6;white-space:nowrap}td.n{text-align:right}
td code{word-break:break-all}
code{font-family:Menlo,Consolas,monospace;font-size:.9em;background:#f3f5f7;padding:0 .2em}
.finding{border-left:5px solid #999;background:#fafbfc;margin:.8em 0;padding:.5em .9em}
.sev-error{border-left-color:#c62828}.sev-warning{border-left-color:#e6a100}.sev-info{border-left-color:#1565c0}
.waived{opacity:.75;border-left-style:dashed}
.badge{display:inline-block;font-size:.8em;padding:0 .5em;border-radius:.8em;color:#fff;background:#666;
margin-right:.4em}.badge.error{background:#c62828}.badge.warning{background:#b07a00}.badge.info{background:#1565c0}
.badge.waiver{background:#5a6b7b}.msg{font-weight:600}.rule-desc{color:#444}
pre.src{background:#f3f5f7;padding:.3em .6em;margin:.2em 0;white-space:pre-wrap}
dl.f{display:grid;grid-template-columns:7em 1fr;gap:.15em .8em;margin:.4em 0}dl.f dt{color:#555}dl.f dd{margin:0}
.note{background:#fff3cd;border:1px solid #e6c200;padding:.4em .8em;margin:.4em 0}
.cannot{background:#f8d7da;border:1px solid #c62828;padding:.4em .8em}
"""


def e(value: Any) -> str:
    return escape(_common.text(value), quote=True)


def _table(headers: list[str], rows: list[list[str]], numeric: frozenset[int] = frozenset()) -> str:
    head = "".join(f"<th>{h}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f'<td class="n">{c}</td>' if i in numeric else f"<td>{c}</td>"
                                    for i, c in enumerate(row)) + "</tr>\n" for row in rows)
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody>\n</table>\n"


class HtmlReporter:
    name = "html"

    def write(self, report: Report, out: IO[str]) -> None:
        out.write(self.render(report))

    def render(self, report: Report) -> str:
        self._lines: dict[str, list[str] | None] = {}
        s = report.summary()
        parts = ['<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n',
                 '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'">\n',
                 '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
                 f"<title>formaudit 检查报告 — {s['inputs']} 个输入</title>\n<style>{_CSS}</style>\n</head>\n<body>\n",
                 "<h1>formaudit 检查报告</h1>\n"]
        line = f"{s['inputs']} 个输入：错误 {s['error']}，警告 {s['warning']}，提示 {s['info']}"
        if "waived" in s:
            line += f"，已豁免 {s['waived']}"
        parts.append(f'<p id="overall">{line}；无法检查 {s["input_errors"]}</p>\n')
        for note in _common.waiver_notes(report):
            parts.append(f'<p class="note">⚠ {e(note)}</p>\n')

        parts.append('<h2 id="summary">汇总</h2>\n<h3>按表</h3>\n')
        rows = []
        for i, r in enumerate(report.results):
            c = r.counts()
            state = "无法检查" if r.errors else ("有问题" if any(c.values()) else "通过")
            rows.append([f'<a href="#form-{i}">{e(r.input)}</a>', e(r.form_type or "—"), str(c["error"]),
                         str(c["warning"]), str(c["info"]), str(r.waived()), state, f"<code>{e(r.sha256 or '—')}</code>"])
        parts.append(_table(["输入文件", "表类型", "错误", "警告", "提示", "已豁免", "状态", "输入 sha256"], rows,
                            frozenset({2, 3, 4, 5})))
        parts.append("<h3>按规则</h3>\n")
        rows = []
        for t in _common.rule_totals(report):
            info = _common.rule_info(report, t.pack, t.rule)
            rows.append([f"<code>{e(t.rule)}</code>", e(info["title"]), e(_common.SEVERITY_ZH.get(info["severity"], "")),
                         str(t.forms), str(t.passed), str(t.failed), str(t.not_applicable), str(t.not_evaluable),
                         str(t.findings), str(t.waived)])
        parts.append(_table(["规则", "名称", "级别", "检查表数", "通过", "不通过", "不适用", "无法判断", "问题数", "已豁免"],
                            rows, frozenset({3, 4, 5, 6, 7, 8, 9})))

        parts.append('<h2 id="findings">问题</h2>\n')
        for i, r in enumerate(report.results):
            parts.append(self._form(report, r, i))

        if report.waivers is not None:
            parts.append('<h2 id="waivers">豁免</h2>\n')
            rows = []
            for entry in report.waivers.to_dict()["entries"]:
                rows.append([f"<code>{e(entry['fingerprint'])}</code>", e(entry.get("rule") or "—"), e(entry["status"]),
                             str(entry["matched"]), e(entry["reason"]), e(entry["who"]), e(entry["until"]),
                             e(f"{entry.get('file')}:{entry.get('line')}")])
            parts.append(_table(["指纹", "规则", "状态", "命中", "理由", "豁免人", "有效至", "位置"], rows, frozenset({3})))

        parts.append('<h2 id="manifest">运行信息</h2>\n')
        parts.append(_table(["项目", "内容"], [[e(k), f"<code>{e(v)}</code>"] for k, v in _common.manifest_rows(report)]))
        parts.append("</body>\n</html>\n")
        return "".join(parts)

    def _form(self, report: Report, r: FormResult, i: int) -> str:
        parts = [f'<section id="form-{i}">\n<h3>{e(r.input)} <small>[{e(r.form_type or "?")}]</small></h3>\n']
        if r.sha256:
            parts.append(f"<p>sha256 <code>{e(r.sha256)}</code></p>\n")
        for err in r.errors:
            parts.append(f'<p class="cannot">无法检查：{e(err)}</p>\n')
        if not r.findings and not r.errors:
            parts.append("<p>无问题。</p>\n")
        for (pack, rule), findings in _common.findings_by_rule(r):
            info = _common.rule_info(report, pack, rule)
            parts.append(f'<h4><code>{e(rule)}</code> {e(info["title"])} <small>({e(pack)})</small></h4>\n')
            if info["description"]:
                parts.append(f'<p class="rule-desc">{e(info["description"])}</p>\n')
            if info["refs"]:
                parts.append(f'<p class="rule-desc">依据文件：{e("；".join(info["refs"]))}</p>\n')
            parts.extend(self._finding(f, i) for f in findings)
        parts.append("</section>\n")
        return "".join(parts)

    def _finding(self, f: Finding, form: int) -> str:
        classes = f"finding sev-{e(f.severity)}" + (" waived" if f.waiver is not None else "")
        badges = f'<span class="badge {e(f.severity)}">{e(_common.SEVERITY_ZH.get(f.severity, f.severity))}</span>'
        if f.waiver is not None:
            badges += '<span class="badge waiver">已豁免</span>'
        rows = [("位置", f"<code>{e(f.pointer or '/')}</code>")]
        loc = _common.location(f.source)
        if loc:
            rows.append(("来源", e(loc)))
        src = _common.source_line(f.source, self._lines)
        if src is not None:
            rows.append(("来源原文", f'<pre class="src">{e(src)}</pre>'))
        if f.source and f.source.get("text"):
            rows.append(("原文", e(f.source["text"])))
        ev = _common.evidence(f)
        if ev:
            rows.append(("依据", _table(["名称", "值"], [[f"<code>{e(k)}</code>", e(v)] for k, v in ev])))
        rows.append(("指纹", f'<code class="fp">{e(f.fingerprint)}</code>'))
        if f.waiver is not None:
            rows.append(("豁免", e(_common.waiver_text(f.waiver))))
        body = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
        return (f'<article class="{classes}" id="f-{form}-{e(f.fingerprint)}">\n{badges}'
                f'<span class="msg">{e(f.message)}</span>\n<dl class="f">{body}</dl>\n</article>\n')
