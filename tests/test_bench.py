"""The benchmark (bench/run.py) works at a tiny size: forms generate, the engine, the hand-written baseline
and the naive re-parsing engine give the same verdicts, and every figure is reported. Not a timing test."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench"


def _run_module():
    spec = importlib.util.spec_from_file_location("formaudit_bench_run", BENCH / "run.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["formaudit_bench_run"] = module
    spec.loader.exec_module(module)
    return module


def test_tiny_benchmark_runs_and_verdicts_agree():
    run = _run_module()
    results = run.main(["--forms", "40", "--repeats", "1", "--naive-forms", "8", "--quiet"])
    assert results["packs"], "no pack was benchmarked"
    for entry in results["packs"]:
        for name in ("engine", "engine_no_schema", "hand_written", "naive"):
            assert entry[name]["forms_per_s"] > 0
        assert entry["ratio_engine_vs_hand"] > 0 and entry["ratio_naive_vs_engine"] > 0
        assert entry["streamed_peak_bytes"]["peak"] > 0
        # the generated mutants are caught and the consistent forms are not
        assert entry["caught"]["consistent"] == 0
        assert sum(entry["caught"].values()) > 0


def test_generated_forms_are_deterministic():
    run = _run_module()
    forms = run.bench_forms
    first = list(forms.dept_forms(5, seed=7))
    again = list(forms.dept_forms(5, seed=7))
    assert first == again
