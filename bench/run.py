"""formaudit benchmark: the built-in packs against the same checks written by hand, and against a naive engine.

    python bench/run.py                 # 1 000 forms of each type, 5 repeats
    python bench/run.py --forms 10000   # the full size (docs/performance.md)

For each pack with a generator (bench_forms.py) it generates N forms (about half consistent, half
single-fault mutants; the project pack's come from ``formaudit.testing``'s Hypothesis models, drawn from
``--seed``), then, in this one process:

- engine: ``Auditor().check_form(form)`` on each form — schema validation, reading the figures, every
  rule, findings with messages and evidence (what ``formaudit check`` does after parsing the file);
- hand-written: ``verdicts(form)`` on each form — the pack's checks as plain Python (BASELINES:
  bench_handwritten.py for the department pack, bench_handwritten_project.py for the project pack);
- naive: the same checker with every expression re-parsed by simpleeval on every evaluation
  (bench_naive.py), on the first ``--naive-forms`` forms (it is slow).

It asserts that all three give the same verdicts (outcome counts per rule, and which rule fails or cannot
be evaluated where) and that the naive engine gives exactly the engine's findings; then prints forms/s
(median over ``--repeats``), the ratios, and peak memory: the process's peak RSS, and the peak of memory
allocated while checking forms generated one at a time and dropped (tracemalloc, a separate untimed pass).
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any, Callable, Iterable

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_forms  # noqa: E402
import bench_handwritten  # noqa: E402
import bench_handwritten_project  # noqa: E402
import bench_naive  # noqa: E402
from formaudit import Auditor  # noqa: E402
from formaudit.checking import Checker  # noqa: E402
from formaudit.findings import FormResult  # noqa: E402

BASELINES: dict[str, Callable[[dict], dict]] = {bench_forms.DEPT: bench_handwritten.verdicts}
BASELINES[bench_forms.PROJECT] = bench_handwritten_project.verdicts


def engine_verdicts(result: FormResult) -> dict[str, Any]:
    """The engine's verdicts in the baseline's shape."""
    counts = {rule: (c.passed, c.failed, c.not_applicable, c.not_evaluable)
              for rule, c in sorted(result.outcomes.items()) if c.passed + c.failed + c.not_applicable + c.not_evaluable}
    marks = sorted((f.rule, f.pointer, f.outcome) for f in result.findings if f.outcome in ("failed", "not-evaluable"))
    return {"counts": counts, "marks": marks}


def _time(fn: Callable[[], None], repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def bench_pack(auditor: Auditor, form_type: str, n: int, repeats: int, naive_n: int, seed: int,
               log: Callable[[str], None]) -> dict[str, Any]:
    pack = auditor.packs_for(form_type)[0]
    forms = list(bench_forms.GENERATORS[form_type](n, seed))
    kinds: dict[str, int] = {}
    for kind, _ in forms:
        kinds[kind] = kinds.get(kind, 0) + 1
    data = [f for _, f in forms]
    baseline = BASELINES.get(form_type)

    # verdicts first: the three must agree before any timing means anything
    engine_results = [auditor.check_form(f) for f in data]
    for i, (form, result) in enumerate(zip(data, engine_results)):
        if baseline is not None:
            expected = baseline(form)
            got = engine_verdicts(result)
            if got != expected:
                raise AssertionError(f"{form_type} form {i} ({forms[i][0]}): engine {got} != hand-written {expected}")
        if result.errors or any(f.outcome == "schema" for f in result.findings):
            raise AssertionError(f"{form_type} form {i}: generated form breaks the schema: {result.findings[:1]}")
    caught = {k: 0 for k in kinds}
    for (kind, _), result in zip(forms, engine_results):
        if any(f.outcome == "failed" for f in result.findings):
            caught[kind] += 1
    naive = bench_naive.naive_checker(pack, auditor.schema(form_type), auditor.loader.functions)
    naive_data = data[:naive_n]
    for i, form in enumerate(naive_data):
        result = FormResult(input="<form>")
        naive.check(form, result, input_file="<form>")
        result.findings.sort(key=lambda f: f.sort_key())
        if [f.to_dict() for f in result.findings] != [f.to_dict() for f in engine_results[i].findings]:
            raise AssertionError(f"{form_type} form {i}: the naive engine's findings differ from the engine's")
    del engine_results
    log(f"{form_type}: {n} forms, verdicts agree (engine = {'hand-written = ' if baseline else ''}naive on "
        f"{len(naive_data)}{'' if baseline else '; no hand-written baseline for this pack'})")

    def run_engine() -> None:
        for f in data:
            auditor.check_form(f)

    def run_rules_only() -> None:
        checker = Checker(pack, None)
        for f in data:
            checker.check(f, FormResult(input="<form>"))

    def run_hand() -> None:
        for f in data:
            baseline(f)  # type: ignore[misc]

    def run_naive() -> None:
        for f in naive_data:
            naive.check(f, FormResult(input="<form>"))

    out: dict[str, Any] = {"pack": pack.id, "forms": n, "kinds": kinds, "caught": caught, "repeats": repeats}
    variants = (("engine", run_engine, n), ("engine_no_schema", run_rules_only, n),
                ("hand_written", run_hand, n), ("naive", run_naive, len(naive_data)))
    if baseline is None:
        variants = tuple(v for v in variants if v[0] != "hand_written")
    # interleaved: each repeat runs every variant in turn, so that load from elsewhere on the machine falls
    # on all of them alike; per-repeat ratios, then medians
    per_form: dict[str, list[float]] = {name: [] for name, _, _ in variants}
    for _ in range(repeats):
        for name, fn, count in variants:
            per_form[name].append(_time(fn, 1)[0] / count)
    for name, _, count in variants:
        times = per_form[name]
        out[name] = {"forms": count, "seconds_per_form": times, "forms_per_s": 1 / statistics.median(times)}
        log(f"  {name:<17} {out[name]['forms_per_s']:>10.0f} forms/s  (median of {len(times)})")

    def ratio(slow: str, fast: str) -> float | None:
        if slow not in per_form or fast not in per_form:
            return None
        return statistics.median(a / b for a, b in zip(per_form[slow], per_form[fast]))
    out["ratio_engine_vs_hand"] = ratio("engine", "hand_written")
    out["ratio_rules_vs_hand"] = ratio("engine_no_schema", "hand_written")
    out["ratio_naive_vs_engine"] = ratio("naive", "engine")
    out["ratio_naive_vs_hand"] = ratio("naive", "hand_written")
    return out


def streamed_peak(auditor: Auditor, form_type: str, n: int, seed: int) -> int:
    """Peak bytes allocated while checking ``n`` forms generated one at a time, each result dropped."""
    forms = bench_forms.GENERATORS[form_type](n, seed)
    if getattr(bench_forms.GENERATORS[form_type], "materialized", False):
        forms = iter(list(forms))  # drawn all at once (Hypothesis): made before tracing, counted out
    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    for _, form in forms:
        auditor.check_form(form)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def main(argv: Iterable[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--forms", type=int, default=1000, help="forms of each type (default 1000)")
    parser.add_argument("--repeats", type=int, default=5, help="timed repeats; medians are reported (default 5)")
    parser.add_argument("--naive-forms", type=int, default=500,
                        help="forms the naive engine checks (default 500; it is slow)")
    parser.add_argument("--memory-forms", type=int, default=None,
                        help="forms for the streamed-memory pass (default: --forms)")
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    parser.add_argument("--quiet", action="store_true")
    parser.add_argument("--form-type", dest="form_types", action="append", default=[],
                        help="only this form type (repeatable; default: every one with a generator)")
    args = parser.parse_args(list(argv) if argv is not None else None)
    log = (lambda s: None) if args.quiet else (lambda s: print(s, flush=True))

    auditor = Auditor()
    results: dict[str, Any] = {"python": sys.version.split()[0], "packs": []}
    for form_type in [t for t in bench_forms.GENERATORS if t in args.form_types or not args.form_types]:
        if not auditor.packs_for(form_type):
            log(f"{form_type}: no built-in pack; skipped")
            continue
        entry = bench_pack(auditor, form_type, args.forms, args.repeats, min(args.naive_forms, args.forms),
                           args.seed, log)
        mem_n = args.memory_forms or args.forms
        entry["streamed_peak_bytes"] = {"forms": mem_n, "peak": streamed_peak(auditor, form_type, mem_n, args.seed + 1)}
        results["packs"].append(entry)
    results["peak_rss_bytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

    log("")
    log(f"{'pack':<28}{'engine':>10}{'rules':>10}{'hand':>10}{'naive':>9}  {'eng/hand':>8}{'rules/hand':>11}"
        f"{'naive/eng':>10}{'naive/hand':>11}")
    def num(value: float | None, width: int, digits: int) -> str:
        return f"{'—':>{width}}" if value is None else f"{value:>{width}.{digits}f}"
    for e in results["packs"]:
        hand = e.get("hand_written", {}).get("forms_per_s")
        log(f"{e['pack']:<28}{num(e['engine']['forms_per_s'], 10, 0)}{num(e['engine_no_schema']['forms_per_s'], 10, 0)}"
            f"{num(hand, 10, 0)}{num(e['naive']['forms_per_s'], 9, 0)}  {num(e['ratio_engine_vs_hand'], 8, 2)}"
            f"{num(e['ratio_rules_vs_hand'], 11, 2)}{num(e['ratio_naive_vs_engine'], 10, 1)}"
            f"{num(e['ratio_naive_vs_hand'], 11, 1)}")
    log("(forms/s: medians; 'rules': the engine without schema validation; a ratio: how many times slower, the median "
        "of the ratios of interleaved repeats)")
    for e in results["packs"]:
        m = e["streamed_peak_bytes"]
        log(f"{e['pack']}: peak allocated while checking {m['forms']} streamed forms: {m['peak'] / 2**20:.1f} MiB")
    log(f"peak RSS of this process: {results['peak_rss_bytes'] / 2**20:.0f} MiB")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    return results


if __name__ == "__main__":
    main()
