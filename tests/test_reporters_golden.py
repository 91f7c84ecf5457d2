"""Every reporter's output for one hand-built report, compared byte for byte with tests/golden/reporters/.

The report (tests/fixtures/reporters/build_report.py) does not come from the engine, so these goldens
change only when a reporter does. To accept a deliberate change: FORMAUDIT_UPDATE_GOLDEN=1 pytest …,
then read the diff. Nothing is normalised: the fixture's tool version is fixed, and the outputs hold no
time, absolute path or random value.
"""

from __future__ import annotations

import importlib.util
import io
import json
import os
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import jsonschema
import openpyxl
import pytest

from formaudit.plugins.reporters import open_stream
from formaudit.registry import Registry

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden" / "reporters"
FIXTURES = ROOT / "tests" / "fixtures"
SARIF_SCHEMA = FIXTURES / "sarif-schema-2.1.0.json"
TEXT_FORMATS = {"table": "fixture.table.txt", "json": "fixture.json", "jsonl": "fixture.jsonl",
                "sarif": "fixture.sarif", "junit": "fixture.junit.xml", "markdown": "fixture.md",
                "html": "fixture.html"}


def load_fixture():
    spec = importlib.util.spec_from_file_location("formaudit_test_build_report",
                                                  FIXTURES / "reporters" / "build_report.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


FIXTURE = load_fixture()


@pytest.fixture
def in_root(monkeypatch):
    monkeypatch.chdir(ROOT)  # source lines and paths in the fixture are relative to the repository root


@pytest.fixture(scope="module")
def registry():
    return Registry.discover()


def render(registry, name: str, report=None) -> str | bytes:
    reporter = registry.reporter(name)()
    report = report or FIXTURE.build()
    if getattr(reporter, "binary", False):
        out = io.BytesIO()
        reporter.write(report, out)
        return out.getvalue()
    out = io.StringIO()
    reporter.write(report, out)
    return out.getvalue()


def workbook_dump(data: bytes) -> dict:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return {ws.title: {"autofilter": ws.auto_filter.ref, "freeze": ws.freeze_panes,
                       "rows": [[c.value for c in row] for row in ws.iter_rows()]} for ws in wb}


def check_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("FORMAUDIT_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8", newline="")
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"{name} differs from its golden (FORMAUDIT_UPDATE_GOLDEN=1 to accept, then read the diff)"


@pytest.mark.parametrize("fmt", sorted(TEXT_FORMATS))
def test_golden_text(registry, in_root, fmt):
    check_golden(TEXT_FORMATS[fmt], render(registry, fmt))


def test_golden_xlsx_content(registry, in_root):
    dump = json.dumps(workbook_dump(render(registry, "xlsx")), ensure_ascii=False, indent=1, default=str) + "\n"
    check_golden("fixture.xlsx.json", dump)


@pytest.mark.parametrize("fmt", sorted(TEXT_FORMATS) + ["xlsx"])
def test_output_is_deterministic(registry, in_root, fmt):
    assert render(registry, fmt) == render(registry, fmt)


def test_workbook_carries_no_time_of_writing(registry, in_root, monkeypatch):
    """The zip members and the document properties carry a fixed time (SOURCE_DATE_EPOCH when set)."""
    with zipfile.ZipFile(io.BytesIO(render(registry, "xlsx"))) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode("utf-8")
    assert "1980-01-01T00:00:00Z" in core and "formaudit" in core
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
    with zipfile.ZipFile(io.BytesIO(render(registry, "xlsx"))) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2026, 1, 1, 0, 0, 0)}
        assert "2026-01-01T00:00:00Z" in archive.read("docProps/core.xml").decode("utf-8")


@pytest.mark.parametrize("fmt", sorted(TEXT_FORMATS) + ["xlsx"])
def test_every_output_holds_every_finding_and_the_manifest(registry, in_root, fmt):
    report = FIXTURE.build()
    out = render(registry, fmt, report)
    if fmt == "xlsx":
        out = json.dumps(workbook_dump(out), ensure_ascii=False)
    for result in report.results:
        for f in result.findings:
            assert f.fingerprint in out, (fmt, f.fingerprint)
        if result.sha256:
            assert result.sha256 in out, (fmt, "input sha256")
    assert "ab" * 32 in out and "1.2.3" in out and "demo.pack" in out, (fmt, "pack manifest")
    assert "9.9.9-test" in out, (fmt, "tool version")
    assert report.waivers.sha256 in out, (fmt, "waiver file sha256")
    assert "/abs/not/shown.yaml" not in out, (fmt, "absolute paths of pack files stay out of reports")


def test_streaming_reporters_through_write_and_stream_agree(registry, in_root):
    """``write`` and start/add/finish give the same bytes, for streaming and simple reporters alike."""
    for fmt in sorted(TEXT_FORMATS):
        report = FIXTURE.build()
        out = io.StringIO()
        stream = open_stream(registry.reporter(fmt)(), out)
        for result in report.results:
            stream.add(result)
        stream.finish(report)
        assert out.getvalue() == render(registry, fmt), fmt


def test_jsonl_writes_each_form_as_it_finishes(registry):
    report = FIXTURE.build()
    out = io.StringIO()
    stream = open_stream(registry.reporter("jsonl")(), out)
    stream.add(report.results[0])
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [x["type"] for x in lines] == ["finding"] * 6 + ["input"]
    waived = [x for x in lines if x.get("waiver")]
    assert [x["fingerprint"] for x in waived] == ["2222bbbb3333cccc"]
    assert waived[0]["waiver"]["who"] == "张三（审计科）"
    stream.add(report.results[1])
    stream.add(report.results[2])
    stream.finish(report)
    last = json.loads(out.getvalue().splitlines()[-1])
    assert last["type"] == "summary" and last["tool"]["version"] == "9.9.9-test"
    assert {n["code"] for n in last["waivers"]["notes"]} == {"waiver-expired", "waiver-unmatched"}


# -- SARIF -----------------------------------------------------------------------------------------

def test_sarif_is_valid_against_the_2_1_0_schema(registry, in_root):
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    doc = json.loads(render(registry, "sarif"))
    errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(doc), key=lambda e: list(e.absolute_path))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]


def test_sarif_results_rules_locations_and_suppressions(registry, in_root):
    doc = json.loads(render(registry, "sarif"))
    run = doc["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["partialFingerprints"]["formaudit/v1"]
    by_fp = {r["partialFingerprints"]["formaudit/v1"]: r for r in run["results"]}
    err = by_fp["1111aaaa2222bbbb"]
    assert err["level"] == "error" and err["ruleId"] == "funds.completion-rate"
    loc = err["locations"][0]
    assert loc["logicalLocations"][0] == {"name": "completion_rate", "fullyQualifiedName": "/funds/1/completion_rate",
                                          "kind": "property"}
    assert loc["physicalLocation"] == {"artifactLocation": {"uri": "tests/fixtures/reporters/document.txt"},
                                       "region": {"startLine": 3, "startColumn": 33}}
    assert "suppressions" not in err
    waived = by_fp["2222bbbb3333cccc"]["suppressions"]
    assert waived[0]["kind"] == "external" and waived[0]["status"] == "accepted"
    assert waived[0]["justification"].startswith("财政局复核确认")
    assert waived[0]["location"]["physicalLocation"]["region"]["startLine"] == 3
    assert "suppressions" not in by_fp["3333cccc4444dddd"], "an expired waiver suppresses nothing"
    assert by_fp["4444dddd5555eeee"]["level"] == "note"
    # no source: the input file itself; a pointer token with ~1 and ~0 is unescaped in the name
    assert by_fp["3333cccc4444dddd"]["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "tests/fixtures/reporters/form-a.yaml"}}
    assert by_fp["5555eeee6666ffff"]["locations"][0]["logicalLocations"][0]["name"] == "名称/a~b"
    # rules: described from the packs with help text, the schema rule described by the engine
    described = {r["id"]: r for r in rules}
    assert described["funds.completion-rate"]["help"]["text"].count("财预〔2013〕53号") == 1
    assert described["old.disabled"]["defaultConfiguration"]["enabled"] is False
    assert "schema.required" in described
    # manifest: packs as extensions, inputs as artifacts with sha-256; notes for input errors and waivers
    assert run["tool"]["extensions"] == [{"name": "demo.pack", "version": "1.2.3", "properties": {"sha256": "ab" * 32}}]
    hashes = {a["location"]["uri"]: a.get("hashes", {}).get("sha-256") for a in run["artifacts"]}
    assert hashes["tests/fixtures/reporters/form-a.yaml"] == "11" * 32
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert {n["descriptor"]["id"] for n in notes} == {"input-error", "waiver-expired", "waiver-unmatched"}
    assert run["invocations"][0]["executionSuccessful"] is False


def test_sarif_schema_fixture_is_the_shared_one():
    shared = ROOT.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"
    if not shared.is_file():
        pytest.skip("../shared is not here (a clone of the repository alone)")
    assert SARIF_SCHEMA.read_bytes() == shared.read_bytes()


# -- JUnit -----------------------------------------------------------------------------------------

def test_junit_one_case_per_rule_per_form(registry, in_root):
    root = ET.fromstring(render(registry, "junit"))
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    a = suites["tests/fixtures/reporters/form-a.yaml"]
    cases = {c.get("name"): c for c in a.findall("testcase")}
    assert set(cases) == {"funds.completion-rate", "funds.completion-low", "tasks.has-indicator", "text.escaping",
                          "schema.required"}
    assert cases["funds.completion-rate"].find("failure").get("type") == "error"
    assert "2222bbbb3333cccc" in cases["funds.completion-rate"].find("system-out").text  # waived: listed, not failing
    assert "2222bbbb3333cccc" not in cases["funds.completion-rate"].find("failure").text
    assert cases["tasks.has-indicator"].find("skipped").get("message") == "not applicable"
    assert cases["text.escaping"].find("failure").text.startswith("[warning]")
    b = suites["tests/fixtures/reporters/form-b.json"]
    assert all(not list(c) for c in b.findall("testcase")), "a clean form passes every case"
    missing = suites["missing.yaml"]
    assert missing.find("testcase/error") is not None and missing.get("errors") == "1"
    assert len(suites["waivers"].findall("testcase/failure")) == 2
    props = {p.get("name"): p.get("value") for p in a.find("properties")}
    assert props["input.sha256"] == "11" * 32 and props["formaudit.version"] == "9.9.9-test"
    assert root.get("tests") == str(sum(int(s.get("tests")) for s in suites.values()))


# -- escaping --------------------------------------------------------------------------------------

def test_html_escapes_everything(registry, in_root):
    page = render(registry, "html")
    assert "<script" not in page and "<b>标题" not in page and "<i>标记" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "http-equiv=\"Content-Security-Policy\"" in page
    # the source line is quoted from the document (escaped too)
    assert "一般公共预算 4062.10  210.97  3685.76  87.96%" in page
    assert "&lt;script&gt;alert(&quot;源文件中的标记也要转义&quot;)&lt;/script&gt;" in page


def test_html_quotes_no_source_line_from_outside_the_current_folder(registry, tmp_path, monkeypatch):
    secret = tmp_path / "secret.txt"
    secret.write_text("password=hunter2\n", encoding="utf-8")
    inside = tmp_path / "work"
    inside.mkdir()
    monkeypatch.chdir(inside)
    report = FIXTURE.build()
    f = report.results[0].findings[2]
    report.results[0].findings[2] = type(f)(**{**f.__dict__, "source": {"file": str(secret), "line": 1}})
    assert "hunter2" not in render(registry, "html", report)


def test_markdown_escapes_everything(registry, in_root):
    text = render(registry, "markdown")
    line = next(l for l in text.splitlines() if "alert(1)" in l)
    assert "\\<script\\>" in line and "\\*粗体\\*" in line and "\\[链接\\]" in line and "\\|" in line
    assert "&amp;" in line
    # tables keep their columns: every row of a table has as many cells as its header
    for block in text.split("\n\n"):
        rows = [l for l in block.splitlines() if l.startswith("|")]
        if rows:
            widths = {len([c for c in l.replace("\\|", "").split("|")]) for l in rows}
            assert len(widths) == 1, block


def test_xlsx_holds_every_finding_as_text(registry, in_root):
    report = FIXTURE.build()
    wb = openpyxl.load_workbook(io.BytesIO(render(registry, "xlsx", report)))
    assert wb.sheetnames[:2] == ["问题清单", "汇总"]
    ws = wb["问题清单"]
    headers = [c.value for c in ws[1]]
    assert headers[:4] == ["序号", "输入文件", "表类型", "级别"] and ws.auto_filter.ref == "A1:R7"
    fp = headers.index("指纹")
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert [r[fp] for r in rows] == [f.fingerprint for r in report.results for f in r.findings]
    waived = {r[fp]: r[headers.index("是否豁免")] for r in rows}
    assert waived["2222bbbb3333cccc"] == "是" and waived["1111aaaa2222bbbb"] == "否"
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f", f"{cell.coordinate} became a formula: {cell.value}"
    summary = wb["汇总"]
    assert summary.auto_filter.ref and [c.value for c in summary[1]][:3] == ["输入文件", "表类型", "错误"]
    assert [r[0] for r in summary.iter_rows(min_row=2, values_only=True)] == [r.input for r in report.results]
