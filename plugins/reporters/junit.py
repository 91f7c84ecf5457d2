"""``--format junit``: JUnit XML, one test case per rule per form (CI test dashboards).

A ``testsuite`` per input (its properties: tool version, the input's sha256, each pack's id, version and
sha256, the waiver file's sha256); in it a ``testcase`` per rule that ran on the form
(``classname`` = pack, ``name`` = rule id, ``file`` = input):

- ``failure`` when the rule has findings of severity error or warning that are not waived (``type`` is the
  worst severity; the body lists each finding with its pointer, source and evidence);
- ``skipped`` when the rule could judge nothing on this form (every item not applicable or not evaluable);
- passed otherwise; info findings and waived findings are listed in ``system-out``.

An input that could not be checked has one test case ``formaudit.input`` with an ``error``. Waiver notes
(expired or unmatched waivers) form a last suite ``waivers``, one failing test case each.
No timestamps or durations: the same report gives the same bytes.
"""

from __future__ import annotations

from typing import IO
from xml.sax.saxutils import escape, quoteattr

from formaudit.findings import SEVERITY_RANK, Finding, FormResult, Report

from . import _common

_FAILING = ("error", "warning")


def _describe(f: Finding) -> str:
    parts = [f"[{f.severity}] {f.pointer or '/'}: {f.message}"]
    where = _common.location(f.source)
    if where:
        parts.append(f"  source: {where}")
    ev = _common.evidence(f)
    if ev:
        parts.append("  evidence: " + ", ".join(f"{k}={v}" for k, v in ev))
    parts.append(f"  fingerprint: {f.fingerprint}")
    if f.waiver is not None:
        parts.append(f"  waived: {_common.waiver_text(f.waiver)}")
    return "\n".join(parts)


def _xml_text(text: str) -> str:
    # XML 1.0 cannot carry most control characters even escaped: drop them
    return escape("".join(ch for ch in text if ch in "\t\n\r" or ord(ch) >= 0x20))


def _attr(text: str) -> str:
    return quoteattr("".join(ch for ch in str(text) if ch in "\t\n\r" or ord(ch) >= 0x20))


class _Case:
    def __init__(self, classname: str, name: str, file: str):
        self.classname, self.name, self.file = classname, name, file
        self.body = ""
        self.outcome = "passed"

    def xml(self) -> str:
        head = f'    <testcase classname={_attr(self.classname)} name={_attr(self.name)} file={_attr(self.file)}'
        if not self.body:
            return head + "/>\n"
        return head + ">\n" + self.body + "    </testcase>\n"


class JunitReporter:
    name = "junit"

    def write(self, report: Report, out: IO[str]) -> None:
        suites = [self._suite(report, r) for r in report.results]
        notes = _common.waiver_notes(report)
        if notes:
            cases = []
            for note in notes:
                case = _Case("formaudit.waivers", f"{note.waiver.fingerprint}", report.waivers.file or "")
                case.outcome = "failure"
                case.body = (f"      <failure type={_attr(note.code)} message={_attr(note.message)}>"
                             f"{_xml_text(str(note))}</failure>\n")
                cases.append(case)
            suites.append(("waivers", cases, self._properties(report, None)))
        total = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        body = []
        for name, cases, props in suites:
            counts = {"tests": len(cases), "failures": sum(c.outcome == "failure" for c in cases),
                      "errors": sum(c.outcome == "error" for c in cases),
                      "skipped": sum(c.outcome == "skipped" for c in cases)}
            for k in total:
                total[k] += counts[k]
            attrs = " ".join(f'{k}="{v}"' for k, v in counts.items())
            body.append(f"  <testsuite name={_attr(name)} {attrs}>\n{props}" + "".join(c.xml() for c in cases)
                        + "  </testsuite>\n")
        attrs = " ".join(f'{k}="{v}"' for k, v in total.items())
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        out.write(f'<testsuites name="formaudit" {attrs}>\n')
        out.write("".join(body))
        out.write("</testsuites>\n")

    def _properties(self, report: Report, result: FormResult | None) -> str:
        props = [("formaudit.version", report.tool.get("version", ""))]
        if result is not None:
            props.append(("input.sha256", result.sha256 or ""))
            props += [("pack", f"{p['pack']} {p['version']} sha256:{p['sha256']}") for p in result.packs]
        if report.waivers is not None:
            props.append(("waivers", f"{report.waivers.file} sha256:{report.waivers.sha256}"))
        lines = "".join(f"      <property name={_attr(k)} value={_attr(v)}/>\n" for k, v in props)
        return f"    <properties>\n{lines}    </properties>\n"

    def _suite(self, report: Report, result: FormResult) -> tuple[str, list[_Case], str]:
        cases: list[_Case] = []
        if result.errors:
            case = _Case("formaudit", "formaudit.input", result.input)
            case.outcome = "error"
            text = "\n".join(result.errors)
            case.body = (f"      <error type=\"input-error\" message={_attr(result.errors[0])}>"
                         f"{_xml_text(text)}</error>\n")
            cases.append(case)
        grouped = dict(_common.findings_by_rule(result))
        for pack, rule in _common.rules_checked(report, result):
            case = _Case(pack, rule, result.input)
            findings = grouped.get((pack, rule), [])
            failing = [f for f in findings if f.waiver is None and f.severity in _FAILING]
            shown = [f for f in findings if f not in failing]
            counts = result.outcomes.get(rule)
            if failing:
                worst = max(failing, key=lambda f: SEVERITY_RANK[f.severity])
                case.outcome = "failure"
                message = failing[0].message if len(failing) == 1 else f"{len(failing)} findings: {failing[0].message}"
                case.body = (f"      <failure type={_attr(worst.severity)} message={_attr(message)}>"
                             f"{_xml_text(chr(10).join(_describe(f) for f in failing))}</failure>\n")
            elif counts is not None and counts.passed + counts.failed == 0:
                case.outcome = "skipped"
                why = "not evaluable" if counts.not_evaluable else "not applicable"
                case.body = f"      <skipped message={_attr(why)}/>\n"
            if shown:
                case.body += f"      <system-out>{_xml_text(chr(10).join(_describe(f) for f in shown))}</system-out>\n"
            cases.append(case)
        return result.input, cases, self._properties(report, result)
