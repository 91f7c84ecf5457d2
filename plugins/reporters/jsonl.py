"""``--format jsonl``: one JSON object a line, written as each form finishes (for pipes and log tools).

Every line has a ``type``:

- ``finding``: one finding — the fields of ``--format json`` plus ``input``, ``form_type`` and
  ``input_sha256``, and ``waiver`` when it is waived;
- ``input``: after an input's findings — ``input``, ``form_type``, ``sha256``, ``packs`` (id, version,
  sha256), ``errors``, ``counts`` and per-rule ``outcomes``;
- ``summary``: the last line — ``tool``, ``packs``, ``summary``, and ``waivers`` when waivers were applied
  (entries with their status, and the notes about expired or unmatched ones).

``grep '"type": "finding"'`` or ``jq 'select(.type == "finding")'`` gives the findings alone.
"""

from __future__ import annotations

import json
from typing import Any

from formaudit.findings import FormResult, Report

from . import StreamingReporter, _common


class JsonLinesReporter(StreamingReporter):
    name = "jsonl"

    def _line(self, obj: dict[str, Any]) -> None:
        self.out.write(json.dumps(_common.jsonable(obj), ensure_ascii=False, sort_keys=False) + "\n")

    def add(self, result: FormResult) -> None:
        for finding in result.findings:
            self._line({"type": "finding", "input": result.input, "form_type": result.form_type,
                        "input_sha256": result.sha256, **finding.to_dict()})
        counts = result.counts()
        if any(f.waiver is not None for f in result.findings):
            counts["waived"] = result.waived()
        self._line({"type": "input", "input": result.input, "form_type": result.form_type, "sha256": result.sha256,
                    "packs": result.packs, "errors": result.errors, "counts": counts,
                    "outcomes": {k: v.to_dict() for k, v in result.outcomes.items()}})
        self.out.flush()

    def finish(self, report: Report) -> None:
        line: dict[str, Any] = {"type": "summary", "tool": report.tool, "packs": report.packs,
                                "summary": report.summary()}
        if report.waivers is not None:
            line["waivers"] = report.waivers.to_dict()
        self._line(line)
        self.out.flush()
