"""``--format xlsx``: an Excel workbook for the auditor's working papers (``-o report.xlsx``).

Sheets, each with Chinese headers, the header row frozen and an autofilter on:

- 问题清单 (findings): one row per finding — input, form type, severity, pack, rule, rule title, message,
  JSON Pointer, source, evidence, fingerprint, waiver (reason, who, until), input sha256;
- 汇总 (summary): one row per form — counts per severity, waived, whether it could be checked, sha256;
- 按规则 (per rule): outcomes and findings per rule over all forms;
- 运行信息 (manifest): tool version, packs with sha256, inputs with sha256, waiver file and waiver notes.

Text is always stored as text (a message starting with ``=`` is not a formula). The file is the same
bytes for the same report: fixed document dates (``SOURCE_DATE_EPOCH`` when set) and zip timestamps.
"""

from __future__ import annotations

import datetime
import io
import os
import zipfile
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from formaudit.findings import Report

from . import _common

_EPOCH = datetime.datetime(1980, 1, 1)
_HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")
_SEVERITY_FILL = {"error": PatternFill("solid", fgColor="F8D7DA"), "warning": PatternFill("solid", fgColor="FFF3CD")}

FINDING_HEADERS = ["序号", "输入文件", "表类型", "级别", "规则包", "规则", "规则名称", "问题说明", "位置（JSON Pointer）",
                   "来源", "依据", "指纹", "是否豁免", "豁免理由", "豁免人", "豁免有效至", "结果类型", "输入 sha256"]
SUMMARY_HEADERS = ["输入文件", "表类型", "错误", "警告", "提示", "已豁免", "状态", "无法检查的原因", "输入 sha256"]
RULE_HEADERS = ["规则包", "规则", "规则名称", "级别", "检查表数", "通过", "不通过", "不适用", "无法判断", "问题数", "已豁免"]


def _fixed_time() -> datetime.datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), tz=datetime.timezone.utc).replace(tzinfo=None)
    return _EPOCH


class _FixedZip(zipfile.ZipFile):
    """A zip whose members all carry one fixed timestamp and mode, so the same workbook is the same bytes
    (openpyxl writes members with ``writestr(name)`` and worksheets from temporary files with ``write``)."""

    def writestr(self, zinfo_or_arcname: Any, data: Any, compress_type: Any = None, compresslevel: Any = None) -> None:
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            zinfo_or_arcname = zipfile.ZipInfo(zinfo_or_arcname, date_time=max(_fixed_time(), _EPOCH).timetuple()[:6])
            zinfo_or_arcname.compress_type = zipfile.ZIP_DEFLATED
            zinfo_or_arcname.external_attr = 0o600 << 16
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename: Any, arcname: Any = None, compress_type: Any = None, compresslevel: Any = None) -> None:
        with open(filename, "rb") as fh:
            self.writestr(arcname or os.path.basename(filename), fh.read())


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _sheet(wb: Workbook, title: str, headers: list[str], rows: list[list[Any]], widths: list[int],
           first: bool = False) -> Any:
    ws = wb.active if first else wb.create_sheet()
    ws.title = title
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    for row in rows:
        ws.append([_clean(v) for v in row])
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str) and cell.data_type == "f":
                cell.data_type = "s"  # text that looks like a formula stays text
            cell.alignment = Alignment(vertical="top", wrap_text=True)
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(1, ws.max_row)}"
    return ws


class XlsxReporter:
    name = "xlsx"
    binary = True

    def write(self, report: Report, out: IO[bytes]) -> None:
        out.write(self.render(report))

    def workbook(self, report: Report) -> Workbook:
        wb = Workbook()
        rows: list[list[Any]] = []
        levels: list[str] = []
        for r in report.results:
            for f in r.findings:
                info = _common.rule_info(report, f.pack, f.rule)
                w = f.waiver or {}
                rows.append([len(rows) + 1, r.input, r.form_type or "", _common.SEVERITY_ZH.get(f.severity, f.severity),
                             f.pack, f.rule, info["title"], f.message, f.pointer or "/",
                             _common.location(f.source), "；".join(f"{k}={v}" for k, v in _common.evidence(f)),
                             f.fingerprint, "是" if f.waiver is not None else "否", w.get("reason", ""),
                             w.get("who", ""), w.get("until", ""),
                             _common.OUTCOME_ZH.get(f.outcome, f.outcome), r.sha256 or ""])
                levels.append(f.severity)
        ws = _sheet(wb, "问题清单", FINDING_HEADERS, rows,
                    [6, 30, 22, 6, 22, 26, 30, 60, 26, 30, 40, 18, 8, 30, 12, 12, 10, 20], first=True)
        for row, level in zip(ws.iter_rows(min_row=2, max_col=4), levels):
            if level in _SEVERITY_FILL:
                row[3].fill = _SEVERITY_FILL[level]

        rows = []
        for r in report.results:
            c = r.counts()
            state = "无法检查" if r.errors else ("有问题" if any(c.values()) else "通过")
            rows.append([r.input, r.form_type or "", c["error"], c["warning"], c["info"], r.waived(), state,
                         "\n".join(r.errors), r.sha256 or ""])
        _sheet(wb, "汇总", SUMMARY_HEADERS, rows, [36, 24, 8, 8, 8, 8, 10, 50, 66])

        rows = []
        for t in _common.rule_totals(report):
            info = _common.rule_info(report, t.pack, t.rule)
            rows.append([t.pack, t.rule, info["title"], _common.SEVERITY_ZH.get(info["severity"], info["severity"]),
                         t.forms, t.passed, t.failed, t.not_applicable, t.not_evaluable, t.findings, t.waived])
        _sheet(wb, "按规则", RULE_HEADERS, rows, [24, 30, 44, 6, 9, 7, 7, 7, 9, 7, 7])

        rows = [[k, v] for k, v in _common.manifest_rows(report)]
        if report.waivers is not None:
            for entry in report.waivers.to_dict()["entries"]:
                rows.append(["豁免 waiver", f"{entry['fingerprint']} {entry.get('rule') or ''} {entry['status']} "
                                            f"命中 {entry['matched']}：{entry['reason']}（{entry['who']}，有效至 "
                                            f"{entry['until']}）"])
            for note in _common.waiver_notes(report):
                rows.append(["豁免提示 waiver note", str(note)])
        _sheet(wb, "运行信息", ["项目", "内容"], rows, [22, 120])

        when = _fixed_time()
        wb.properties.creator = "formaudit"
        wb.properties.title = "formaudit 检查报告"
        wb.properties.created = when
        wb.properties.modified = when
        return wb

    def render(self, report: Report) -> bytes:
        wb = self.workbook(report)
        buffer = io.BytesIO()
        with _FixedZip(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            ExcelWriter(wb, archive).write_data()
        return buffer.getvalue()
