"""``formaudit check --jobs N``: the same output as one process, in input order; streamed reports keep running
totals only; the progress line appears on a terminal (or when asked) and never in redirected output."""

from __future__ import annotations

import importlib.util
import io
import json
import shutil
import sys
from pathlib import Path

import pytest
from formaudit.batch import RunningReport, check_in_processes
from formaudit.findings import FormResult, Report
from formaudit.testing import run_cli

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "forms"


def _bench_forms():
    spec = importlib.util.spec_from_file_location("formaudit_bench_forms", ROOT / "bench" / "bench_forms.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["formaudit_bench_forms"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> Path:
    """A folder of 60 generated forms (consistent and mutants), the example forms, and an unreadable file."""
    folder = tmp_path_factory.mktemp("batch")
    for i, (_, form) in enumerate(_bench_forms().dept_forms(60, seed=4)):
        (folder / f"gen-{i:03d}.json").write_text(json.dumps(form, ensure_ascii=False), encoding="utf-8")
    for example in sorted(EXAMPLES.glob("*.yaml")):
        shutil.copy(example, folder / example.name)
    (folder / "zz-broken.json").write_text('{"form_type": "cn.dept-overall-self-eval", "funds": [', encoding="utf-8")
    return folder


@pytest.mark.parametrize("fmt", ["jsonl", "json", "sarif"])
def test_jobs_2_gives_the_same_output_as_one_process(batch, fmt):
    one = run_cli("check", str(batch), "--format", fmt, "--jobs", "1")
    two = run_cli("check", str(batch), "--format", fmt, "--jobs", "2")
    assert one[0] == two[0] == 2  # the broken file could not be checked
    assert one[1] == two[1]
    assert one[2] == two[2]


def test_results_come_back_in_input_order(batch):
    paths = sorted(str(p) for p in batch.glob("gen-*.json"))
    results = list(check_in_processes(paths, 2, chunk=3, window=2))
    assert [r.input for r in results] == paths
    assert all(r.form_type == "cn.dept-overall-self-eval" and not r.errors for r in results)


def test_streamed_report_keeps_totals_not_results(batch):
    from formaudit import Auditor

    auditor = Auditor()
    full, running = Report(tool={"name": "formaudit"}), RunningReport({"name": "formaudit"})
    for path in sorted(batch.iterdir()):
        result = auditor.check_file(path)
        full.results.append(result)
        running.count(result)
    assert running.results == []
    assert running.summary() == full.summary()
    assert running.packs == full.packs
    assert running.worst() == full.worst()
    assert "inputs" not in running.manifest()


def test_jsonl_summary_line_counts_every_input(batch):
    code, out, _ = run_cli("check", str(batch), "--format", "jsonl", "--jobs", "2")
    lines = [json.loads(line) for line in out.splitlines()]
    inputs = [x for x in lines if x["type"] == "input"]
    summary = lines[-1]
    assert summary["type"] == "summary"
    assert summary["summary"]["inputs"] == len(inputs) == len(list(batch.iterdir()))
    assert summary["summary"]["error"] == sum(x["counts"]["error"] for x in inputs)
    assert summary["summary"]["input_errors"] == 1


def test_progress_only_on_a_terminal_or_when_asked(batch):
    _, _, err = run_cli("check", str(batch), "--format", "jsonl")
    assert "\r" not in err and "forms/s" not in err
    _, _, err = run_cli("check", str(batch), "--format", "jsonl", "--progress", "always")
    assert "forms/s" in err and "\r" in err
    files = sorted(str(p) for p in batch.glob("gen-00*.json"))
    _, _, err = run_cli("check", *files, "--format", "jsonl", "--progress", "always")
    assert f"{len(files)}/{len(files)}" in err  # every argument a file: the total is known


def test_progress_auto_follows_isatty(batch, monkeypatch):
    from formaudit.cli import main

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    err = Tty()
    main(["check", str(batch / "gen-000.json"), "--format", "jsonl"], stdout=io.StringIO(), stderr=err)
    assert "forms/s" in err.getvalue()


def test_jobs_0_means_one_per_core(batch):
    code, out, _ = run_cli("check", str(batch / "gen-001.json"), "--format", "jsonl", "--jobs", "0")
    assert json.loads(out.splitlines()[-1])["summary"]["inputs"] == 1


def test_a_worker_result_is_plain_data():
    import pickle

    from formaudit import Auditor

    result = Auditor().check_file(EXAMPLES / "liwan-duobao-2021.yaml")
    again = pickle.loads(pickle.dumps(result))
    assert isinstance(again, FormResult) and again.to_dict() == result.to_dict()
