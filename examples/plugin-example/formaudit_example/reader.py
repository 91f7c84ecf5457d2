"""Reader ``fundscsv``: the 部门资金情况 table of a 部门整体支出绩效自评表 exported as CSV.

    # 部门: 某区某局
    # 年度: 2021
    资金来源,年初预算数,预算调整数,实际支出数,预算完成率,预算调整率
    合计,4062.10,1026.38,4487.07,88.18%,25.27%

Lines starting with ``#`` before the header give header fields. Every cell keeps its printed text
(``4062.10`` stays a string, so its two decimals are known). Each value's provenance is its line and
column in the CSV; a row with the wrong number of cells is not guessed at: it goes to ``unparsed``.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from formaudit.errors import InputError
from formaudit.reading import ReadResult, Unparsed

HEADER = {"资金来源": "source", "年初预算数": "budget_initial", "预算调整数": "budget_adjustment",
          "实际支出数": "actual", "预算完成率": "completion_rate", "预算调整率": "adjustment_rate"}
META = {"部门": "department", "年度": "year", "单位": "amount_unit", "标题": "title"}


class FundsCsvReader:
    name = "fundscsv"

    def accepts(self, path: Path, head: bytes) -> bool:
        return path.suffix.lower() == ".csv" and "资金来源" in head.decode("utf-8", errors="ignore")

    def read(self, path: Path) -> ReadResult:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read CSV: {exc}", file=str(path)) from None
        form: dict = {"form_type": "cn.dept-overall-self-eval", "funds": []}
        provenance: dict = {}
        unparsed: list[Unparsed] = []
        columns: list[str] | None = None
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            if columns is None and line.startswith("#"):
                key, _, value = line[1:].partition(":")
                if key.strip() in META and value.strip():
                    form[META[key.strip()]] = value.strip()
                else:
                    unparsed.append(Unparsed(number, line, "unknown header line"))
                continue
            cells = next(csv.reader(io.StringIO(line)))
            if columns is None:
                unknown = [c for c in cells if c.strip() not in HEADER]
                if unknown:
                    raise InputError(f"unknown column(s): {', '.join(unknown)}", file=str(path), line=number)
                columns = [HEADER[c.strip()] for c in cells]
                continue
            if len(cells) != len(columns):
                unparsed.append(Unparsed(number, line, f"{len(cells)} cells, expected {len(columns)}"))
                continue
            row = len(form["funds"])
            form["funds"].append({field: cell.strip() for field, cell in zip(columns, cells)})
            column = 1
            for field, cell in zip(columns, cells):
                provenance[f"/funds/{row}/{field}"] = {"file": path.name, "line": number, "column": column}
                column += len(cell) + 1  # exact for unquoted cells, which is what this format writes
        if columns is None:
            raise InputError("no header row (资金来源,年初预算数,…)", file=str(path), line=1)
        form["provenance"] = provenance
        return ReadResult(form=form, unparsed=unparsed, reader=self.name)
