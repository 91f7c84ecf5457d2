"""formaudit.distributed on a local Dask cluster of two worker processes: the same findings as one process."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed", reason="the dask extra is not installed: pip install '.[dask]'")

from formaudit import Auditor  # noqa: E402
from formaudit.distributed import check_forms, check_paths  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "forms"


def _bench_forms():
    spec = importlib.util.spec_from_file_location("formaudit_bench_forms_d", ROOT / "bench" / "bench_forms.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["formaudit_bench_forms_d"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    client = distributed.Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()


def _plain(results):
    return [json.dumps(r.to_dict(), ensure_ascii=False, sort_keys=True, default=str) for r in results]


def test_two_workers_give_the_single_process_findings(client, tmp_path):
    for i, (_, form) in enumerate(_bench_forms().dept_forms(150, seed=12)):
        (tmp_path / f"gen-{i:03d}.json").write_text(json.dumps(form, ensure_ascii=False), encoding="utf-8")
    paths = sorted(EXAMPLES.glob("*.yaml")) + sorted(tmp_path.glob("*.json")) + [tmp_path / "missing.json"]
    auditor = Auditor()
    expected = [auditor.check_file(p) for p in paths]
    got = list(check_paths(client, paths, partition_size=16))
    assert [r.input for r in got] == [str(p) for p in paths]
    assert _plain(got) == _plain(expected)
    assert sum(len(r.findings) for r in got) > 50
    used = {w for w, tasks in client.run(lambda: None).items()}
    assert len(used) == 2


def test_forms_sent_as_data(client):
    forms = [(f"form-{i}", form) for i, (_, form) in enumerate(_bench_forms().dept_forms(40, seed=13))]
    auditor = Auditor()
    expected = [auditor.check_form(form, input_name=name) for name, form in forms]
    got = list(check_forms(client, forms, partition_size=7, window=1))
    assert _plain(got) == _plain(expected)


def test_an_explicit_pack_reaches_the_workers(client):
    pack = str(ROOT / "rulepacks" / "cn.dept-overall-self-eval" / "pack.yaml")
    path = EXAMPLES / "liwan-duobao-2021.yaml"
    got = list(check_paths(client, [path], packs=[pack]))
    assert _plain(got) == _plain([Auditor(packs=[pack]).check_file(path)])
