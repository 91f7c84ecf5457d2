"""The benchmark (bench/run.py) works at a tiny size: forms generate, the engine, the hand-written baselines
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
    assert {e["pack"] for e in results["packs"]} >= {"cn.dept-overall-self-eval", "cn.project-self-eval"}
    for entry in results["packs"]:
        for name in ("engine", "engine_no_schema", "naive"):
            assert entry[name]["forms_per_s"] > 0
        assert entry["ratio_naive_vs_engine"] > 0
        # both packs have a hand-written baseline (bench_handwritten.py, bench_handwritten_project.py)
        assert entry["hand_written"]["forms_per_s"] > 0 and entry["ratio_engine_vs_hand"] > 0
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


# -- the compiled schema validator is only a fast path: findings are jsonschema's ----------------------------

def _mutations(rng, form):
    """Forms that break the schema in many small ways, and a few that do not."""
    import copy
    from decimal import Decimal

    values = ["", "—", "abc", "４０６２.１０", "\u30004062.10\u3000", "88.18%", "1e5", "-", 0, -1, 2021, 10 ** 40,
              Decimal("2021"), Decimal("2021.5"), Decimal("NaN"), 1.5, 2021.0, True, None, [], {}, ["x"], {"a": 1}]
    paths = []

    def walk(node, path):
        if isinstance(node, dict):
            for k, v in node.items():
                paths.append(path + [k])
                walk(v, path + [k])
        elif isinstance(node, list):
            for i, v in enumerate(node):
                paths.append(path + [i])
                walk(v, path + [i])
    walk(form, [])
    for _ in range(120):
        broken = copy.deepcopy(form)
        path = rng.choice(paths)
        parent = broken
        for step in path[:-1]:
            parent = parent[step]
        if rng.random() < 0.15 and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = rng.choice(values)
        yield broken


def test_fast_schema_path_gives_jsonschemas_errors():
    import random

    import jsonschema
    from formaudit import Auditor
    from formaudit.checking import Checker

    run = _run_module()
    auditor = Auditor()
    rng = random.Random(5)
    examples = Path(__file__).resolve().parent.parent / "examples" / "forms"
    forms = [auditor.read(p).form for p in sorted(examples.glob("*.yaml"))]
    forms += [f for _, f in run.bench_forms.dept_forms(3, seed=11)]
    checked = 0
    for form in forms:
        schema = auditor.schema(form["form_type"])
        pack = auditor.packs_for(form["form_type"])[0]
        checker = Checker(pack, schema)
        reference = jsonschema.Draft202012Validator(schema)
        for candidate in [form, *_mutations(rng, form)]:
            def key(e):
                return (list(map(str, e.absolute_path)), e.validator, e.message)
            try:
                expected = sorted(map(key, reference.iter_errors(candidate)))
            except Exception:  # jsonschema itself cannot compare this value (NaN with minimum)
                continue
            assert sorted(map(key, checker.schema_errors(candidate))) == expected
            checked += 1
    assert checked > 500


# -- generated expression code: same results as the reference closures, and only our own tokens --------------

def _outcome(fn, scope):
    from formaudit.errors import NotEvaluable
    try:
        value = fn(scope)
    except NotEvaluable as exc:
        return ("not evaluable", exc.reason)
    return ("value", repr(value), type(value).__name__)


def test_generated_expressions_agree_with_the_reference_closures():
    from formaudit import Auditor
    from formaudit.checking import items
    from formaudit.expressions import Scope, _Compiler
    from formaudit.values import convert

    auditor = Auditor()
    run = _run_module()
    examples = Path(__file__).resolve().parent.parent / "examples" / "forms"
    forms = [auditor.read(p).form for p in sorted(examples.glob("*.yaml"))]
    forms += [f for _, f in run.bench_forms.dept_forms(24, seed=3)]
    compared = 0
    for raw in forms:
        for pack in auditor.packs_for(raw["form_type"]):
            functions = auditor.loader.functions
            form = convert(dict(raw), "")
            for rule in pack.enabled_rules:
                lets = frozenset(rule.let_defs)
                for expr in rule.expressions:
                    assert expr.run.__name__ == "_expr", f"{rule.id}: {expr.source} was not generated"
                    reference = _Compiler(expr.source, functions, lets, 0, False).compile(expr.tree)
                    for it in items(form, rule.for_each, rule.key):
                        def scope():
                            return Scope(item=it.record, parent=it.parent, form=form, index=it.index,
                                         params=pack.param_values, let_defs=rule.let_defs)
                        assert _outcome(expr.run, scope()) == _outcome(reference, scope()), (rule.id, expr.source)
                        compared += 1
    assert compared > 1000


def test_generated_source_holds_only_our_tokens():
    from formaudit.expressions import _only_templates, compile_expression

    assert _only_templates("def _expr(_s):\n    return _compare(_k0, _s.item.get(_k1), _k2)\n")
    for bad in ("def _expr(_s):\n    return __import__\n", "def _expr(_s):\n    return 'x'\n",
                "def _expr(_s):\n    return 1\n", "def _expr(_s):\n    return _s.item.__class__\n",
                "def _expr(_s):\n    return (lambda: 0)\n", "def _expr(_s):\n    return _k0[0]\n"):
        assert not _only_templates(bad), bad
    # pack text with quotes, dunders or code never reaches the generated source: it is a bound constant
    expr = compile_expression("name == '__import__(\"os\")' or 'a' in name", {})
    assert expr.run.__name__ == "_expr"
    assert all(n.startswith("_") or n in ("item", "get") for n in expr.run.__code__.co_names)
