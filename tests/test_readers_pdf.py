"""The pdf reader: PDFs generated with Chinese text (reportlab, built-in CID font STSong-Light) are read
back through the text readers."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

pytest.importorskip("pdfplumber")
pytest.importorskip("reportlab")

from reportlab.pdfbase import pdfmetrics  # noqa: E402
from reportlab.pdfbase.cidfonts import UnicodeCIDFont  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402

from formaudit import Auditor  # noqa: E402
from formaudit.errors import InputError  # noqa: E402
from formaudit.plugins.readers.pdf import PdfReader, extract_lines  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "documents" / "liwan-duobao-2021.txt"
FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

PROJECT_ROWS = [
    ["2022年度项目支出绩效自评表"],
    ["项目名称", "义务教育营养改善计划专项资金"],
    ["主管部门", "永德县教育体育局", "实施单位", "永德县明朗中学"],
    ["项目资金(元)", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
    ["年度资金总额", "387664.62", "387664.62", "387664.62", "10", "100%", "10"],
    ["其中:当年财政拨款", "387664.62", "387664.62", "387664.62", "—", "100%", "—"],
    ["年度总体目标", "预期目标", "实际完成情况"],
    ["", "确保每一个学生都能享受到国家政策福利", "改善学生体质"],
    ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"],
    ["产出指标", "数量指标", "学生受资助人数", "≥735人次", "735", "10", "10", ""],
    ["产出指标", "时效指标", "资金到位及时率", "≥100%", "100%", "10", "7", ""],
    ["效益指标", "社会效益指标", "政策知晓率", "100%", "98%", "10", "9", "宣传不够"],
    ["总分", "100", "96", "优"],
]


def _table_pdf(path: Path, rows: list[list[str]], pages: int = 1) -> None:
    """A ruled table, every cell a rectangle, as forms are printed."""
    c = canvas.Canvas(str(path))
    for _ in range(pages):
        c.setFont(FONT, 8)
        y = 780
        for row in rows:
            widths = [max(pdfmetrics.stringWidth(t, FONT, 8) + 8, 36) for t in row]
            scale = min(1.0, 540 / sum(widths))
            x = 30
            for text, w in zip(row, widths):
                w *= scale
                c.rect(x, y - 5, w, 16)
                c.drawString(x + 3, y, text)
                x += w
            y -= 16
        c.showPage()
    c.save()


def _text_pdf(path: Path, lines: list[str]) -> None:
    """Text drawn line by line, as a text extraction of the seed prints it (blank lines as gaps)."""
    c = canvas.Canvas(str(path))
    y = 800
    c.setFont(FONT, 9)
    for line in lines:
        if y < 40:
            c.showPage()
            c.setFont(FONT, 9)
            y = 800
        if line.strip():
            c.drawString(30, y, line)
            y -= 12
        else:
            y -= 12  # an empty line: a gap
    c.save()


@pytest.fixture(scope="module")
def project_pdf(tmp_path_factory):
    path = tmp_path_factory.mktemp("pdf") / "project.pdf"
    _table_pdf(path, PROJECT_ROWS)
    return path


def test_table_cells_become_pipe_rows(project_pdf):
    lines = [ln.text for ln in extract_lines(project_pdf)]
    assert "年度资金总额 | 387664.62 | 387664.62 | 387664.62 | 10 | 100% | 10 |" in lines
    assert "其中:当年财政拨款 | 387664.62 | 387664.62 | 387664.62 | — | 100% | — |" in lines


def test_project_pdf_read_back(project_pdf):
    reader = PdfReader()
    assert reader.accepts(project_pdf, project_pdf.read_bytes()[:65536])
    read = reader.read(project_pdf)
    form = read.form
    assert read.reader == "pdf+project-text"
    assert (form["title"], form["year"], form["project"], form["amount_unit"]) == \
        ("2022年度项目支出绩效自评表", 2022, "义务教育营养改善计划专项资金", "元")
    assert form["funds"][0] == {"source": "年度资金总额", "budget_initial": "387664.62", "budget_full_year": "387664.62",
                                "executed": "387664.62", "weight": "10", "execution_rate": "100%", "score": "10"}
    assert form["goals"] == {"planned": "确保每一个学生都能享受到国家政策福利", "achieved": "改善学生体质"}
    got = [(i["level1"], i["level2"], i["name"], i["target"], i["achieved"], i["weight"], i["score"])
           for i in form["indicators"]]
    assert got == [tuple(r[:7]) for r in PROJECT_ROWS[9:12]]
    assert form["indicators"][2]["deviation_reason"] == "宣传不够"
    assert form["total"] == {"weight": "100", "score": "96", "grade": "优"}
    assert form["provenance"]["/indicators/1/score"] == {"file": "project.pdf", "page": 1, "line": 11}
    assert read.unparsed == []


def test_project_pdf_checked_with_page_and_line(project_pdf):
    result = Auditor().check_file(project_pdf)
    assert not result.errors
    missing = [f for f in result.findings if f.rule == "indicators.missing-reason"]
    assert missing and all(f.source["page"] == 1 and f.source["line"] for f in missing)


def test_seed_as_pdf_reads_like_the_text(tmp_path):
    path = tmp_path / "seed.pdf"
    _text_pdf(path, SEED.read_text(encoding="utf-8").split("\n"))
    read = PdfReader().read(path)
    assert read.reader == "pdf+dept-text"
    want = yaml.safe_load((ROOT / "examples" / "forms" / "liwan-duobao-2021.yaml").read_text(encoding="utf-8"))
    for k in ("funds", "title", "year", "department", "amount_unit"):
        assert read.form[k] == want[k], k
    got_tasks = [(t["funds"], [(i["name"], i["target"], i["achieved"]) for i in t["indicators"]])
                 for t in read.form["tasks"]]
    want_tasks = [(t["funds"], [(i["name"], i["target"], i["achieved"]) for i in t["indicators"]])
                  for t in want["tasks"]]
    assert got_tasks == want_tasks
    assert read.form["provenance"]["/funds/1/completion_rate"]["page"] == 1


def test_not_a_form_and_not_a_pdf(tmp_path):
    path = tmp_path / "letter.pdf"
    _text_pdf(path, ["尊敬的各位领导：", "这是一封信。"])
    with pytest.raises(InputError, match="not a self-evaluation form"):
        PdfReader().read(path)
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\n garbage")
    with pytest.raises(InputError):
        PdfReader().read(broken)
