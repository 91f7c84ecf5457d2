"""``--format json``: the findings document of SPEC §4."""

from __future__ import annotations

import json
from typing import IO

from formaudit.findings import Report


class JsonReporter:
    name = "json"

    def write(self, report: Report, out: IO[str]) -> None:
        json.dump(report.to_dict(), out, ensure_ascii=False, indent=2, default=str)
        out.write("\n")
