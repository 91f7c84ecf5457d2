"""The example profile examples/profiles/province-execution-20.yaml extends cn.project-self-eval with a
province's scheme (预算执行 20 分; grades 80/70/60). The same forms give different verdicts under the two
packs, and only where the changed params say they should."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from formaudit.api import Auditor
from formaudit.packs import PackLoader
from formaudit.packtest import default_tests_file, load_tests, run_form_test
from formaudit.registry import Registry

ROOT = Path(__file__).resolve().parents[1]
PROFILE = ROOT / "examples" / "profiles" / "province-execution-20.yaml"
TESTS = yaml.safe_load(default_tests_file(PROFILE).read_text(encoding="utf-8"))["tests"]
FORM_85 = TESTS[0]["form"]   # 执行 20 分, 产出 40 / 效益 30 / 满意度 10, 总分 87.95, 优
FORM_75 = TESTS[1]["form"]   # 总分 75, 良


def findings(packs, form) -> dict[tuple[str, str], str]:
    result = Auditor(packs=packs).check_form(copy.deepcopy(form))
    assert not result.errors, result.errors
    return {(f.rule, f.pointer): f.severity for f in result.findings}


@pytest.fixture(scope="module")
def profile():
    return PackLoader(Registry.discover()).load(PROFILE)


def test_profile_extends_the_builtin_pack_and_changes_only_params(profile):
    base = PackLoader(Registry.discover()).load("cn.project-self-eval")
    assert profile.extends == ("cn.project-self-eval",)
    assert [r.id for r in profile.rules] == [r.id for r in base.rules]
    changed = {k for k in profile.params if profile.params[k] != base.params[k]}
    assert changed == {"weight_execution", "weight_output", "grade_excellent", "grade_good"}  # grade_pass stays 60
    assert profile.param_origin["weight_execution"] == profile.id
    assert profile.param_origin["far_above"] == "cn.project-self-eval"


def test_twenty_point_execution_and_grade_85(profile):
    base = findings(["cn.project-self-eval"], FORM_85)
    assert base == {
        ("structure.level1-weights", "/indicators"): "warning",   # 40/30/10 + 20 is not 50/30/10 + 10
        ("total.grade", "/total/grade"): "error",       # 87.95 < 90: 良, not 优
    }
    assert findings([str(PROFILE)], FORM_85) == {}      # the province's own scheme: both right


def test_grade_75(profile):
    base = findings(["cn.project-self-eval"], FORM_75)
    prov = findings([str(PROFILE)], FORM_75)
    assert base[("total.grade", "/total/grade")] == "error"      # 60 ≤ 75 < 80: 中 by default
    assert ("total.grade", "/total/grade") not in prov             # 70 ≤ 75 < 80: 良 in the province
    # what the profile does not change behaves the same
    assert base[("indicators.partial-score", "/indicators/2/score")] == "error"
    assert prov[("indicators.partial-score", "/indicators/2/score")] == "error"
    assert {k: v for k, v in base.items() if k[0] not in ("total.grade", "structure.level1-weights")} == \
        {k: v for k, v in prov.items() if k[0] not in ("total.grade", "structure.level1-weights")}


def test_a_ten_point_form_is_flagged_by_the_profile_only(profile):
    form = copy.deepcopy(FORM_85)
    form["funds"][0].update(weight="10", score="9.5")
    form["indicators"][0].update(weight="30", score="30")       # 产出 50 / 效益 30 / 满意度 10 + 执行 10
    form["total"].update(score="88.45", grade="良")
    assert findings(["cn.project-self-eval"], form) == {}
    assert findings([str(PROFILE)], form) == {
        ("structure.level1-weights", "/indicators"): "warning",   # not the province's 40/30/10 + 20
        ("total.grade", "/total/grade"): "error",       # 88.45 ≥ 80: 优 in the province
    }


def test_profile_tests_file_passes(profile):
    results = [run_form_test(profile, t, None, Registry.discover()) for t in load_tests(default_tests_file(PROFILE))]
    assert results and all(r.ok for r in results)
