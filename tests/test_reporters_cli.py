"""Every reporter through ``formaudit check`` on a real form: each output holds every finding and the
manifest, SARIF is valid, the workbook opens, jsonl is written as forms finish."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import openpyxl
import pytest

from formaudit import Auditor
from formaudit.api import Auditor as ApiAuditor
from formaudit.testing import run_cli

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "forms" / "liwan-duobao-2021.yaml"
FORMATS = ["table", "json", "jsonl", "sarif", "junit", "markdown", "html", "xlsx"]


@pytest.fixture(scope="module")
def seed_report():
    return Auditor().check_paths([SEED])


def read(path: Path, fmt: str) -> str:
    if fmt == "xlsx":
        wb = openpyxl.load_workbook(path)
        return json.dumps([row for ws in wb for row in ws.iter_rows(values_only=True)], ensure_ascii=False, default=str)
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_format_holds_every_finding_and_the_manifest(seed_report, tmp_path, fmt):
    out = tmp_path / f"report.{fmt}"
    code, stdout, err = run_cli("check", str(SEED), "--format", fmt, "-o", str(out))
    assert code == 1 and stdout == "", err
    text = read(out, fmt)
    result = seed_report.results[0]
    for f in result.findings:
        assert f.fingerprint in text, (fmt, f.rule, f.pointer)
    assert result.sha256 and result.sha256 in text, "input sha256"
    for p in seed_report.packs:
        assert p["pack"] in text and p["version"] in text and p["sha256"] in text, "pack manifest"
    assert seed_report.tool["version"] in text


def test_sarif_from_a_real_run_is_valid(tmp_path):
    schema = json.loads((ROOT / "tests" / "fixtures" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    code, out, err = run_cli("check", str(SEED), "--format", "sarif")
    assert code == 1, err
    doc = json.loads(out)
    jsonschema.Draft4Validator(schema).validate(doc)
    run = doc["runs"][0]
    assert run["results"] and all(r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in run["results"])
    described = {r["id"] for r in run["tool"]["driver"]["rules"]}
    assert {r["ruleId"] for r in run["results"]} <= described


def test_xlsx_from_a_real_run_holds_every_finding(seed_report, tmp_path):
    out = tmp_path / "r.xlsx"
    assert run_cli("check", str(SEED), "--format", "xlsx", "-o", str(out))[0] == 1
    wb = openpyxl.load_workbook(out)
    ws = wb["问题清单"]
    headers = [c.value for c in ws[1]]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert sorted(r[headers.index("指纹")] for r in rows) == sorted(f.fingerprint for f in seed_report.results[0].findings)
    assert ws.auto_filter.ref == f"A1:R{len(rows) + 1}" and wb["汇总"].auto_filter.ref


def test_binary_format_needs_a_file_when_stdout_is_text_only():
    code, out, err = run_cli("check", str(SEED), "--format", "xlsx")
    assert code == 2 and "binary" in err and "-o FILE" in err


def test_unknown_format_names_the_known_ones():
    code, _, err = run_cli("check", str(SEED), "--format", "pdf")
    assert code == 2 and "no reporter named 'pdf'" in err
    for name in FORMATS:
        assert name in err


def test_jsonl_is_written_as_each_form_finishes(tmp_path, monkeypatch):
    forms = tmp_path / "forms"
    forms.mkdir()
    for name in ("a.yaml", "b.yaml", "c.yaml"):
        shutil.copy(SEED, forms / name)
    out = tmp_path / "out.jsonl"
    seen: list[list[str]] = []
    original = ApiAuditor.check_file

    def spying(self, path, reader=None):
        seen.append([json.loads(line)["type"] for line in out.read_text(encoding="utf-8").splitlines()])
        return original(self, path, reader)

    monkeypatch.setattr(ApiAuditor, "check_file", spying)
    code, _, err = run_cli("check", str(forms), "--format", "jsonl", "-o", str(out))
    assert code == 1, err
    # before checking the 2nd and 3rd form, the earlier forms' lines are already in the file
    assert [s.count("input") for s in seen] == [0, 1, 2]
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert lines[-1]["type"] == "summary" and lines[-1]["summary"]["inputs"] == 3
    assert all(x["input_sha256"] for x in lines if x["type"] == "finding")
