"""``formaudit pack test PACK --fuzz N``: the properties hold on the built-in packs, and a weakened pack,
a pack that cries wolf and a rule that raises are each caught and named.

The full ``--fuzz 500`` run on every built-in pack is in ``test_fuzz_500_on_every_builtin_pack``, run
when ``FORMAUDIT_HYPOTHESIS=long`` (it takes about 25 s a pack here; CI runs the 120-case version).
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest

from formaudit.fuzz import fuzz_pack
from formaudit.packs import PackLoader
from formaudit.registry import Registry
from formaudit.testing import MODELS, run_cli

ROOT = Path(__file__).resolve().parents[1]
DEPT = "cn.dept-overall-self-eval"
LONG = os.environ.get("FORMAUDIT_HYPOTHESIS") == "long"
REGISTRY = Registry.discover()
MODELLED = [p for p in REGISTRY.pack_ids() if p in MODELS]


def pack_without(pack_id: str, rule_ids: set[str], tmp_path: Path, new_id: str = "test.weakened") -> Path:
    """A copy of a built-in pack with some rules removed."""
    text = (ROOT / "rulepacks" / pack_id / "pack.yaml").read_text(encoding="utf-8")
    blocks = re.split(r"(?m)^(?=  - id: )", text)
    kept = [b for b in blocks if not any(b.startswith(f"  - id: {r}\n") for r in rule_ids)]
    assert len(kept) == len(blocks) - len(rule_ids), "a rule to remove was not found"
    out = "".join(kept).replace(f"pack: {pack_id}", f"pack: {new_id}", 1)
    path = tmp_path / f"{new_id}.yaml"
    path.write_text(out, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def builtin_reports():
    # 120 cases: with 20 (department) and 30 (project) kinds, enough that every kind is made whichever
    # installation draws them (Hypothesis mixes constants from local modules into its draws)
    return {p: fuzz_pack(PackLoader(REGISTRY).load(p), 120, registry=REGISTRY) for p in MODELLED}


@pytest.mark.parametrize("pack_id", MODELLED)
def test_builtin_pack_passes_fuzz(builtin_reports, pack_id):
    report = builtin_reports[pack_id]
    assert report.ok, [(f.prop, f.subject, f.detail) for f in report.failures.values()]
    assert report.cases == 120 and report.forms["consistent"] == 120
    made = {k for k, s in report.kinds.items() if s.made}
    assert len(made) >= len(report.kinds) - 1, f"kinds never made: {set(report.kinds) - made}"


def test_weakened_pack_is_caught_and_the_missed_kind_named(builtin_reports, tmp_path):
    full = builtin_reports[DEPT]
    weak_file = pack_without(DEPT, {"funds.adjustment-rate-undefined"}, tmp_path)
    weak = fuzz_pack(PackLoader(REGISTRY).load(weak_file), 60, registry=REGISTRY, shrink_seconds=4)
    assert full.kinds["undefined-rate-filled"].score == 100.0
    assert weak.kinds["undefined-rate-filled"].score < 100.0
    assert ("missed", "undefined-rate-filled") in weak.failures
    assert not weak.ok
    # the other kinds are still caught
    assert all(s.score == 100.0 for k, s in weak.kinds.items() if k != "undefined-rate-filled")
    shrunk = weak.failures[("missed", "undefined-rate-filled")].shrunk
    assert shrunk is not None and shrunk.kind == "undefined-rate-filled"


def test_cli_fuzz_prints_scores_and_exits_1_naming_the_missed_kind(tmp_path):
    weak_file = pack_without(DEPT, {"tasks.has-indicator"}, tmp_path)
    code, out, err = run_cli("pack", "test", str(weak_file), "--fuzz", "25")
    assert code == 1, out + err
    assert "mutation score" in out
    assert re.search(r"!! indicators-unfilled\s+\d+/\d+\s+0\.0%", out)
    assert "FAIL mutation kind 'indicators-unfilled'" in out and "shrunk counterexample:" in out
    assert out.splitlines()[-1] == "fuzz test.weakened: FAILED: mutation kind 'indicators-unfilled' missed"


def test_cli_fuzz_on_builtin_pack_exits_0():
    code, out, err = run_cli("pack", "test", DEPT, "--fuzz", "20")
    assert code == 0, out + err
    assert out.splitlines()[-1] == f"fuzz {DEPT}: ok"
    assert "no rule raised" in out and "no rule failed on a consistent form" in out


def test_cli_fuzz_needs_a_positive_number():
    code, out, err = run_cli("pack", "test", DEPT, "--fuzz", "0")
    assert code == 2 and "positive" in err


def test_a_rule_that_cries_wolf_is_shrunk_to_a_yaml_counterexample(tmp_path):
    pack = tmp_path / "strict.yaml"
    pack.write_text(
        "pack: test.strict\nversion: 1.0.0\nform_type: cn.dept-overall-self-eval\nextends: [cn.dept-overall-self-eval]\n"
        "params: {strict: 95%}\nrules:\n"
        "  - id: funds.completion-95\n    title: 完成率不低于 95%\n    severity: error\n    for_each: funds\n"
        "    when: present(completion_rate)\n    check: completion_rate >= params.strict\n"
        "    message: \"{source}：{completion_rate}\"\n", encoding="utf-8")
    code, out, err = run_cli("pack", "test", str(pack), "--fuzz", "15")
    assert code == 1
    assert "FAIL rules failed on consistent forms: funds.completion-95" in out
    block = out.split("FAIL rule funds.completion-95 failed on a consistent form", 1)[1]
    assert "shrunk counterexample:" in block and "completion_rate:" in block


def test_a_rule_that_raises_is_named(tmp_path):
    def boom(x):
        raise RuntimeError("plugin bug")

    registry = Registry.discover(extra=[("formaudit.functions", "boom", boom)])
    pack = tmp_path / "boom.yaml"
    pack.write_text(
        "pack: test.boom\nversion: 1.0.0\nform_type: cn.dept-overall-self-eval\n"
        "rules:\n"
        "  - id: funds.boom\n    title: boom\n    severity: error\n    for_each: funds\n"
        "    check: boom(actual)\n    message: boom\n", encoding="utf-8")
    report = fuzz_pack(PackLoader(registry).load(pack), 10, registry=registry, shrink=False)
    failure = report.failures[("raises", "funds.boom")]
    assert "RuntimeError: plugin bug" in failure.detail
    assert not report.ok


@pytest.mark.skipif(not LONG, reason="long run: FORMAUDIT_HYPOTHESIS=long")
@pytest.mark.parametrize("pack_id", REGISTRY.pack_ids())
def test_fuzz_500_on_every_builtin_pack(pack_id):
    start = time.perf_counter()
    code, out, err = run_cli("pack", "test", pack_id, "--fuzz", "500")
    seconds = time.perf_counter() - start
    assert code == 0, out[-3000:] + err
    assert seconds < 90, f"--fuzz 500 took {seconds:.0f} s"
