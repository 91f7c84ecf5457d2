"""``--format sarif``: SARIF 2.1.0, for code-scanning dashboards and CI annotations.

One run. ``tool.driver`` is formaudit with every rule of the packs used (``rules[]``: title, description,
help text, default level, refs); the packs themselves are ``tool.extensions`` (id, version, sha256). Each
finding is a ``result``: ``ruleId``, ``level``, ``message``, a logical location naming the JSON Pointer
into the form, a physical location from the finding's source (the document the figure was printed in,
else the form data file), and ``partialFingerprints["formaudit/v1"]``. A waived finding carries a
``suppressions`` entry (external, accepted) with the waiver's reason as justification. Inputs are
``artifacts`` with their sha256; input errors and waiver notes are tool execution notifications.
"""

from __future__ import annotations

import json
from typing import IO, Any
from urllib.parse import quote

from formaudit.findings import Finding, FormResult, Report

from . import _common

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVEL = {"error": "error", "warning": "warning", "info": "note"}
FINGERPRINT_KEY = "formaudit/v1"


def uri(path: str) -> str:
    """A relative (or absolute) file path as a URI reference: forward slashes, percent-encoded."""
    return quote(path.replace("\\", "/"), safe="/:")


def _pointer_location(finding: Finding, result: FormResult) -> dict[str, Any]:
    tokens = finding.pointer.split("/")[1:] if finding.pointer else []
    name = tokens[-1].replace("~1", "/").replace("~0", "~") if tokens else (result.form_type or "form")
    kind = "object" if not tokens else ("element" if tokens[-1].isdigit() else "property")
    return {"name": name, "fullyQualifiedName": finding.pointer, "kind": kind}


def _physical(finding: Finding, result: FormResult) -> dict[str, Any] | None:
    source = finding.source or {}
    file = source.get("file") or (result.input if not result.input.startswith("<") else None)
    if not file:
        return None
    physical: dict[str, Any] = {"artifactLocation": {"uri": uri(str(file))}}
    region: dict[str, Any] = {}
    if isinstance(source.get("line"), int) and source["line"] >= 1:
        region["startLine"] = source["line"]
        if isinstance(source.get("column"), int) and source["column"] >= 1:
            region["startColumn"] = source["column"]
        if source.get("text"):
            region["snippet"] = {"text": str(source["text"])}
        physical["region"] = region
    # where a region cannot say it (a page, a sheet's cell, printed text without a line): properties
    extra = {k: source[k] for k in ("page", "sheet", "cell", "text") if source.get(k) is not None and k not in region
             and not (k == "text" and "snippet" in region)}
    if extra:
        physical["properties"] = _common.jsonable(extra)
    return physical


def _help(info: dict[str, Any], rule: str) -> dict[str, str]:
    lines = [info["title"]]
    if info["description"]:
        lines += ["", info["description"]]
    if info["refs"]:
        lines += ["", "依据 references: " + "；".join(info["refs"])]
    lines += ["", f"规则包 pack: {info['pack']}  规则 rule: {rule}"]
    text = "\n".join(lines)
    md = [f"**{info['title']}**"]
    if info["description"]:
        md += ["", info["description"]]
    if info["refs"]:
        md += ["", "依据 references: " + "；".join(info["refs"])]
    md += ["", f"规则包 pack: `{info['pack']}` · 规则 rule: `{rule}`"]
    return {"text": text, "markdown": "\n".join(md)}


class SarifReporter:
    name = "sarif"

    def write(self, report: Report, out: IO[str]) -> None:
        json.dump(self.document(report), out, ensure_ascii=False, indent=2)
        out.write("\n")

    def document(self, report: Report) -> dict[str, Any]:
        rules, index = self._rules(report)
        artifacts = []
        for r in report.results:
            artifact: dict[str, Any] = {"location": {"uri": uri(r.input)}, "roles": ["analysisTarget"]}
            if r.sha256:
                artifact["hashes"] = {"sha-256": r.sha256}
            artifacts.append(artifact)
        if report.waivers is not None and report.waivers.file:
            waiver_file: dict[str, Any] = {"location": {"uri": uri(report.waivers.file)},
                                           "roles": ["userSpecifiedConfiguration"]}
            if report.waivers.sha256:
                waiver_file["hashes"] = {"sha-256": report.waivers.sha256}
            artifacts.append(waiver_file)
        results = [self._result(r, f, index[(f.pack, f.rule)], rules[index[(f.pack, f.rule)]]["id"])
                   for r in report.results for f in r.findings]
        notifications = []
        for r in report.results:
            for err in r.errors:
                notifications.append({"level": "error", "message": {"text": err},
                                      "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri(r.input)}}}],
                                      "descriptor": {"id": "input-error"}})
        for note in _common.waiver_notes(report):
            notification: dict[str, Any] = {"level": "warning", "message": {"text": note.message},
                                            "descriptor": {"id": note.code}}
            if note.waiver.file:
                loc: dict[str, Any] = {"artifactLocation": {"uri": uri(note.waiver.file)}}
                if note.waiver.line:
                    loc["region"] = {"startLine": note.waiver.line}
                notification["locations"] = [{"physicalLocation": loc}]
            notifications.append(notification)
        invocation: dict[str, Any] = {"executionSuccessful": not any(r.errors for r in report.results)}
        if notifications:
            invocation["toolExecutionNotifications"] = notifications
        tool = report.tool
        driver: dict[str, Any] = {"name": tool.get("name", "formaudit"), "version": tool.get("version", ""),
                                  "semanticVersion": tool.get("version", ""), "rules": rules}
        extensions = [{"name": p["pack"], "version": p["version"], "properties": {"sha256": p["sha256"]}}
                      for p in report.packs]
        run: dict[str, Any] = {"tool": {"driver": driver}, "columnKind": "unicodeCodePoints",
                               "artifacts": artifacts, "invocations": [invocation], "results": results,
                               "properties": {"manifest": _common.jsonable(report.manifest()),
                                              "summary": report.summary()}}
        if extensions:
            run["tool"]["extensions"] = extensions
        return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}

    def _rules(self, report: Report) -> tuple[list[dict[str, Any]], dict[tuple[str, str], int]]:
        """Every rule of the packs, then the engine's own rules that fired; rule ids qualified with the
        pack (``pack/rule``) only where two packs use one id."""
        keys: list[tuple[str, str]] = [(pack, rule) for pack in sorted(report.rules) for rule in report.rules[pack]]
        for r in report.results:
            for f in r.findings:
                if (f.pack, f.rule) not in keys:
                    keys.append((f.pack, f.rule))
        counts: dict[str, int] = {}
        for _, rule in keys:
            counts[rule] = counts.get(rule, 0) + 1
        rules: list[dict[str, Any]] = []
        index: dict[tuple[str, str], int] = {}
        for pack, rule in keys:
            info = _common.rule_info(report, pack, rule)
            descriptor: dict[str, Any] = {
                "id": rule if counts[rule] == 1 else f"{pack}/{rule}",
                "shortDescription": {"text": info["title"]},
                "fullDescription": {"text": info["description"] or info["title"]},
                "help": _help(info, rule),
                "defaultConfiguration": {"level": LEVEL.get(info["severity"], "warning"),
                                         "enabled": bool(info["enabled"])},
                "properties": {"pack": pack, "refs": info["refs"], "tags": [pack]}}
            index[(pack, rule)] = len(rules)
            rules.append(descriptor)
        return rules, index

    def _result(self, result: FormResult, finding: Finding, i: int, rule_id: str) -> dict[str, Any]:
        location: dict[str, Any] = {"logicalLocations": [_pointer_location(finding, result)]}
        physical = _physical(finding, result)
        if physical is not None:
            location["physicalLocation"] = physical
        out: dict[str, Any] = {
            "ruleId": rule_id, "ruleIndex": i, "level": LEVEL.get(finding.severity, "warning"),
            "message": {"text": finding.message}, "locations": [location],
            "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
            "properties": {"pack": finding.pack, "input": result.input, "inputSha256": result.sha256,
                           "pointer": finding.pointer, "outcome": finding.outcome,
                           "values": _common.jsonable(finding.values)}}
        if finding.waiver is not None:
            w = finding.waiver
            suppression: dict[str, Any] = {"kind": "external", "status": "accepted",
                                           "justification": str(w.get("reason", "")),
                                           "properties": _common.jsonable({k: w[k] for k in ("who", "until",
                                                                            "fingerprint") if k in w})}
            if w.get("file"):
                loc: dict[str, Any] = {"artifactLocation": {"uri": uri(str(w["file"]))}}
                if w.get("line"):
                    loc["region"] = {"startLine": w["line"]}
                suppression["location"] = {"physicalLocation": loc}
            out["suppressions"] = [suppression]
        return out
