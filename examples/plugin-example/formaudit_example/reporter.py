"""Reporter ``github``: GitHub Actions workflow commands, so findings show as annotations on a pull request.

    ::error file=forms/x.csv,line=3,col=12,title=funds.completion-rate::合计：预算完成率填报 …

It writes as each form finishes (``start``/``add``/``finish``) and also has the simple ``write``.
Waived findings become ``notice`` annotations that say so.
"""

from __future__ import annotations

from typing import IO

from formaudit.findings import FormResult, Report

LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def _escape(text: str, *, prop: bool = False) -> str:
    text = str(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


class GithubReporter:
    name = "github"

    def start(self, out: IO[str]) -> None:
        self.out = out

    def add(self, result: FormResult) -> None:
        for err in result.errors:
            self.out.write(f"::error file={_escape(result.input, prop=True)}::{_escape(err)}\n")
        for f in result.findings:
            source = f.source or {}
            props = [f"file={_escape(source.get('file') or result.input, prop=True)}"]
            if source.get("line"):
                props.append(f"line={source['line']}")
            if source.get("column"):
                props.append(f"col={source['column']}")
            props.append(f"title={_escape(f.rule, prop=True)}")
            level = "notice" if f.waiver is not None else LEVEL.get(f.severity, "warning")
            note = f" [waived: {f.waiver['reason']}]" if f.waiver is not None else ""
            self.out.write(f"::{level} {','.join(props)}::{_escape(f.message + note)} ({f.fingerprint})\n")

    def finish(self, report: Report) -> None:
        s = report.summary()
        packs = ", ".join(f"{p['pack']} {p['version']} sha256:{p['sha256'][:12]}" for p in report.packs)
        self.out.write(f"formaudit {report.tool.get('version', '')}: {s['inputs']} input(s), {s['error']} error(s), "
                       f"{s['warning']} warning(s); packs: {packs}\n")

    def write(self, report: Report, out: IO[str]) -> None:
        self.start(out)
        for result in report.results:
            self.add(result)
        self.finish(report)
