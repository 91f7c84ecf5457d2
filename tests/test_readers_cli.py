"""``formaudit read`` and ``formaudit check`` on documents."""

from __future__ import annotations

import io
import json
from pathlib import Path

import yaml

from formaudit import Auditor
from formaudit.cli import main

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "documents" / "liwan-duobao-2021.txt"


def _run(*argv):
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_read_to_stdout_paths_as_given(monkeypatch):
    monkeypatch.chdir(ROOT)
    code, out, err = _run("read", "examples/documents/liwan-duobao-2021.txt")
    assert code == 0, err
    form = yaml.safe_load(out)
    assert form["form_type"] == "cn.dept-overall-self-eval"
    assert form["funds"][1]["completion_rate"] == "87.96%"
    assert form["provenance"]["/funds/1/completion_rate"] == {
        "file": "examples/documents/liwan-duobao-2021.txt", "line": 15, "column": 31}
    assert out.startswith("# Read from liwan-duobao-2021.txt")


def test_read_json_and_output_file_relative_to_it(tmp_path):
    target = tmp_path / "forms" / "seed.json"
    target.parent.mkdir()
    code, out, err = _run("read", str(SEED), "--format", "json", "-o", str(target))
    assert code == 0 and out == ""
    form = json.loads(target.read_text(encoding="utf-8"))
    where = form["provenance"]["/tasks/2/funds"]
    assert (target.parent / where["file"]).resolve() == SEED
    assert where["line"] == 278


def test_read_output_checks_like_the_document(tmp_path):
    target = tmp_path / "seed.yaml"
    assert _run("read", str(SEED), "-o", str(target))[0] == 0
    auditor = Auditor()
    a, b = auditor.check_file(target), auditor.check_file(SEED)
    key = lambda f: (f.rule, f.pointer, f.message, Path(f.source["file"]).resolve(), f.source["line"])
    assert sorted(map(key, a.findings)) == sorted(map(key, b.findings))


def test_read_reports_unparsed_on_stderr():
    doc = ROOT / "examples" / "documents" / "yongde-minglang-school-2022-project.txt"
    code, out, err = _run("read", str(doc))
    assert code == 0
    assert f"{doc}:6: unparsed: 公开14表" in err
    assert "# Not placed (4):" in out


def test_read_errors():
    assert _run("read", "no/such/file.txt")[0] == 2
    code, _, err = _run("read", str(SEED), "--reader", "nosuch")
    assert code == 2 and "no reader named 'nosuch'" in err
    code, _, err = _run("read", str(ROOT / "pyproject.toml"))
    assert code == 2 and "no reader accepts" in err


def test_check_folder_mixes_documents_and_form_data(tmp_path):
    import shutil
    shutil.copy(SEED, tmp_path / "seed.txt")
    shutil.copy(ROOT / "examples" / "forms" / "liwan-duobao-2021.yaml", tmp_path / "seed.yaml")
    (tmp_path / "notes.txt").write_text("nothing to see", encoding="utf-8")
    code, out, err = _run("check", str(tmp_path), "--format", "json")
    report = json.loads(out)
    inputs = sorted(Path(r["input"]).name for r in report["results"])
    assert inputs == ["seed.txt", "seed.yaml"]
    assert "notes.txt: skipped" in err
    assert code == 1
