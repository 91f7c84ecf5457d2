"""The xlsx reader: shipped templates round-trip real forms; figures come back as printed; provenance
is sheet and cell; what the template does not place is reported."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
import yaml

from formaudit import Auditor
from formaudit.errors import InputError
from formaudit.plugins.readers.xlsx import TEMPLATES, Template, XlsxReader, cell_text, shipped_templates, write_workbook

ROOT = Path(__file__).resolve().parents[1]
FORMS = ROOT / "examples" / "forms"

ROUND_TRIPS = [
    ("cn.dept-overall-self-eval", "liwan-duobao-2021"),
    ("cn.project-self-eval", "yongde-minglang-school-2022-project"),
    ("cn.project-self-eval", "chizhou-tangxi-2022-project"),
    ("cn.project-self-eval", "anhui-jinzhai-chagu-2023-department"),
]


def _data(form):
    """The form without provenance, and without values printed blank ("" — an empty cell reads as absent)."""
    def strip(v):
        if isinstance(v, dict):
            return {k: strip(x) for k, x in v.items() if x != ""}
        if isinstance(v, list):
            return [strip(x) for x in v]
        return v
    return strip({k: v for k, v in form.items() if k != "provenance"})


def _same(a, b):
    """Equal as printed: every leaf compared as its string."""
    if isinstance(a, dict):
        return isinstance(b, dict) and set(a) == set(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return str(a) == str(b)


def test_every_form_type_has_a_template():
    assert {t.form_type for t in shipped_templates()} == {"cn.dept-overall-self-eval", "cn.project-self-eval"}


@pytest.mark.parametrize("template_id,name", ROUND_TRIPS)
def test_round_trip(tmp_path, template_id, name):
    form = yaml.safe_load((FORMS / f"{name}.yaml").read_text(encoding="utf-8"))
    template = Template.load(TEMPLATES / f"{template_id}.yaml")
    book = tmp_path / f"{name}.xlsx"
    write_workbook(form, template, book)
    reader = XlsxReader()
    assert reader.accepts(book, book.read_bytes()[:65536])
    read = reader.read(book)
    assert read.unparsed == []
    assert _same(_data(form), _data(read.form))
    # figures are numeric cells in the workbook, read back as printed
    ws = openpyxl.load_workbook(book).active
    numeric = [c for row in ws.iter_rows() for c in row if isinstance(c.value, (int, float))]
    assert numeric


def test_figures_as_printed(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"], ws["A1"].number_format = 4062.1, "0.00"
    ws["A2"], ws["A2"].number_format = 0.8818, "0.00%"
    ws["A3"], ws["A3"].number_format = 1026.38, "#,##0.00"
    ws["A4"] = 446
    ws["A5"] = 0.1 + 0.2
    ws["A6"] = "≥95%"
    wb.save(tmp_path / "f.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "f.xlsx").active
    assert [cell_text(ws[f"A{i}"]) for i in range(1, 7)] == ["4062.10", "88.18%", "1026.38", "446",
                                                                 "0.3", "≥95%"]


def test_provenance_is_sheet_and_cell(tmp_path):
    form = yaml.safe_load((FORMS / "liwan-duobao-2021.yaml").read_text(encoding="utf-8"))
    book = tmp_path / "seed.xlsx"
    write_workbook(form, Template.load(TEMPLATES / "cn.dept-overall-self-eval.yaml"), book)
    prov = XlsxReader().read(book).form["provenance"]
    assert prov["/funds/1/completion_rate"] == {"file": "seed.xlsx", "sheet": "Sheet", "cell": "E6"}
    assert prov["/tasks/2/indicators/1/target"]["cell"] == "F23"
    # findings carry the cell
    result = Auditor().check_file(book)
    rate = next(f for f in result.findings if f.rule == "funds.completion-rate" and f.pointer == "/funds/1/completion_rate")
    assert rate.source["cell"] == "E6" and rate.source["sheet"] == "Sheet"


def test_merged_level_cells_fill_down(tmp_path):
    form = yaml.safe_load((FORMS / "yongde-minglang-school-2022-project.yaml").read_text(encoding="utf-8"))
    template = Template.load(TEMPLATES / "cn.project-self-eval.yaml")
    book = tmp_path / "merged.xlsx"
    write_workbook(form, template, book)
    wb = openpyxl.load_workbook(book)
    ws = wb.active
    # print the first-level label once over its rows, as real forms do
    for r in range(14, 17):
        ws[f"A{r}"] = None
    ws.merge_cells("A13:A16")
    wb.save(book)
    read = XlsxReader().read(book)
    assert [i["level1"] for i in read.form["indicators"][:4]] == ["产出指标"] * 4
    assert read.form["provenance"]["/indicators/3/level1"]["cell"] == "A13"


def test_cells_outside_the_template_are_unparsed(tmp_path):
    form = yaml.safe_load((FORMS / "liwan-duobao-2021.yaml").read_text(encoding="utf-8"))
    book = tmp_path / "extra.xlsx"
    write_workbook(form, Template.load(TEMPLATES / "cn.dept-overall-self-eval.yaml"), book)
    wb = openpyxl.load_workbook(book)
    wb.active["K2"] = "填表人：张三"
    wb.save(book)
    read = XlsxReader().read(book)
    assert [(u.text, u.reason) for u in read.unparsed] == [("Sheet!K2: 填表人：张三", "模板未定义此单元格")]


def test_no_template_fits(tmp_path):
    wb = openpyxl.Workbook()
    wb.active["A1"] = "something else"
    wb.save(tmp_path / "other.xlsx")
    with pytest.raises(InputError, match="no xlsx template fits"):
        XlsxReader().read(tmp_path / "other.xlsx")


def test_template_validated(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("template: x\nform_type: y\nfields: {title: Z0}\n", encoding="utf-8")
    with pytest.raises(InputError, match="not a cell reference"):
        Template.load(bad)
    bad.write_text("template: x\nform_type: y\nlists: {funds: {columns: {source: 1}}}\n", encoding="utf-8")
    with pytest.raises(InputError, match="not a column letter"):
        Template.load(bad)


def test_not_a_workbook_rejected(tmp_path):
    fake = tmp_path / "fake.xlsx"
    fake.write_bytes(b"PK\x03\x04 not really")
    reader = XlsxReader()
    with pytest.raises(InputError):
        reader.read(fake)
    assert not reader.accepts(tmp_path / "x.txt", b"plain text")


def test_an_empty_cell_in_a_printed_trailer_row_is_a_printed_blank(tmp_path):
    """存在问题 printed with nothing beside it reads "", so structure.problems-none judges it; 改进措施, whose
    row the sheet does not have, stays absent."""
    form = yaml.safe_load((FORMS / "yongde-minglang-school-2022-project.yaml").read_text(encoding="utf-8"))
    form.pop("provenance", None)
    form["problems"] = "无"
    template = Template.load(TEMPLATES / "cn.project-self-eval.yaml")
    book = tmp_path / "form.xlsx"
    write_workbook(form, template, book)
    ws = openpyxl.load_workbook(book)
    sheet = ws.active
    (label,) = [c for row in sheet.iter_rows() for c in row if c.value == "存在问题"]
    sheet.cell(row=label.row, column=2).value = None   # the reviewer's copy: the 存在问题 cell left empty
    ws.save(book)
    read = XlsxReader().read(book)
    assert read.form["problems"] == "" and "measures" not in read.form
    result = Auditor().check_form(read.form)
    assert [(f.rule, f.pointer) for f in result.findings if f.rule == "structure.problems-none"] == \
        [("structure.problems-none", "/problems")]   # 永德 lost points (资金到位及时率 7/10)
