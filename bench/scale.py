"""How the cost grows: with the number of forms, with the number of rules, and across Dask workers.

    python bench/scale.py                       # in-process sizes and rule counts, then a local Dask cluster
    python bench/scale.py --no-dask

- forms: seconds for 1 000, 5 000 and 10 000 forms checked in one process (``Auditor.check_form``);
- rules: per-form time with the department pack's rules repeated ×1, ×2, ×4, ×8 (copies under new ids, in a
  pack written to a temporary folder);
- Dask: forms/s through ``formaudit.distributed.check_forms`` on a LocalCluster of 1 and of 2 worker
  processes (one thread each), against one process.
"""

from __future__ import annotations

import argparse
import copy
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_forms  # noqa: E402
from formaudit import Auditor  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def _per_form(auditor: Auditor, forms: list[dict], repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for form in forms:
            auditor.check_form(form)
        times.append((time.perf_counter() - start) / len(forms))
    return statistics.median(times)


def with_forms(sizes: list[int]) -> list[dict]:
    auditor = Auditor()
    rows = []
    for n in sizes:
        forms = [f for _, f in bench_forms.dept_forms(n, seed=5)]
        start = time.perf_counter()
        for form in forms:
            auditor.check_form(form)
        seconds = time.perf_counter() - start
        rows.append({"forms": n, "seconds": seconds, "forms_per_s": n / seconds})
        print(f"forms {n:>6}: {seconds:6.2f} s  {n / seconds:6.0f} forms/s", flush=True)
    return rows


def with_rules(factors: list[int], n: int) -> list[dict]:
    source = yaml.safe_load((ROOT / "rulepacks" / "cn.dept-overall-self-eval" / "pack.yaml").read_text(encoding="utf-8"))
    forms = [f for _, f in bench_forms.dept_forms(n, seed=6)]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for k in factors:
            pack = copy.deepcopy(source)
            pack["pack"] = f"bench.dept-x{k}"
            pack["rules"] = [dict(rule, id=f"{rule['id']}.copy{c}" if c else rule["id"])
                             for c in range(k) for rule in source["rules"]]
            for rule in pack["rules"]:
                rule.pop("examples", None)
            path = Path(tmp) / f"dept-x{k}.yaml"
            path.write_text(yaml.safe_dump(pack, allow_unicode=True, sort_keys=False), encoding="utf-8")
            auditor = Auditor(packs=[str(path)])
            per_form = _per_form(auditor, forms)
            rows.append({"rules": len(pack["rules"]), "ms_per_form": per_form * 1000})
            print(f"rules {len(pack['rules']):>4}: {per_form * 1000:6.2f} ms/form", flush=True)
    return rows


def with_dask(n: int, worker_counts: list[int]) -> list[dict]:
    import distributed
    from formaudit.distributed import check_forms

    forms = [(f"form-{i}", f) for i, (_, f) in enumerate(bench_forms.dept_forms(n, seed=7))]
    rows = []
    auditor = Auditor()
    start = time.perf_counter()
    for name, form in forms:
        auditor.check_form(form, input_name=name)
    one = n / (time.perf_counter() - start)
    rows.append({"workers": 0, "forms_per_s": one})
    print(f"one process:       {one:6.0f} forms/s", flush=True)
    for workers in worker_counts:
        with distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                      dashboard_address=None) as cluster, distributed.Client(cluster) as client:
            list(check_forms(client, forms[:200]))  # warm up: each worker builds its Auditor
            start = time.perf_counter()
            count = sum(1 for _ in check_forms(client, forms, partition_size=100))
            rate = count / (time.perf_counter() - start)
        rows.append({"workers": workers, "forms_per_s": rate})
        print(f"dask, {workers} worker(s): {rate:6.0f} forms/s", flush=True)
    return rows


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 10000])
    parser.add_argument("--factors", type=int, nargs="+", default=[1, 2, 4, 8])
    parser.add_argument("--rule-forms", type=int, default=1000)
    parser.add_argument("--dask-forms", type=int, default=5000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--no-dask", action="store_true")
    parser.add_argument("--json", metavar="FILE")
    args = parser.parse_args(argv)
    out = {"forms": with_forms(args.sizes), "rules": with_rules(args.factors, args.rule_forms)}
    if not args.no_dask:
        out["dask"] = with_dask(args.dask_forms, args.workers)
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=2), encoding="utf-8")
    return out


if __name__ == "__main__":
    main()
