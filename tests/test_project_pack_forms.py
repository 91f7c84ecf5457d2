"""The built-in pack cn.project-self-eval on every real project-layout transcription in examples/forms/.

Each finding below was reviewed by hand against the source text in examples/documents/ (the comment says
why it is right). The sets are exact: a new finding, or a missing one, fails the test and must be reviewed.
Robustness: cutting a form short or leaving fields out (what truncation and unreadable OCR do to a
transcription) never adds an error.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from formaudit.api import Auditor

ROOT = Path(__file__).resolve().parents[1]
FORMS = ROOT / "examples" / "forms"

# form → {(rule, pointer): severity}; the comment on each line is the reviewer's reason.
EXPECTED: dict[str, dict[tuple[str, str], str]] = {
    "yongde-minglang-school-2022-project": {
        # 产出 40 / 效益 30 / 满意度 20 + 执行 10 (source line 15-33): not the default 50/30/10, no reason given.
        ("structure.level1-weights", "/indicators"): "warning",
        # 预期目标 and 实际完成情况 print the same sentence (line 15): the achievement is not reported.
        ("goals.copied", "/goals/achieved"): "warning",
        # 资金到位及时率: ≧100 %, achieved 100 % (met), scored 7 of 10 (line 17), the deviation cell is empty.
        ("indicators.met-but-deducted", "/indicators/2/score"): "warning",
        ("indicators.missing-reason", "/indicators/2/deviation_reason"): "error",
        # 减轻贫困学生家庭经济负担: target 有效, achieved 有效 (lines 19-21): qualitative, cannot be judged.
        ("indicators.not-judgeable", "/indicators/4/achieved"): "info",
        # 政策知晓率: ═100 %, achieved 98 % (missed), score 9 (line 22): 10 × 98 ÷ 100 = 9.8, not 9; no reason.
        ("indicators.partial-score", "/indicators/5/score"): "error",
        ("indicators.missing-reason", "/indicators/5/deviation_reason"): "error",
    },
    "lijiang-guchengqu-2020-project": {
        # 预期目标 and 实际完成情况 both only name the fund (自然資源衛片執法補助經費).
        ("goals.copied", "/goals/achieved"): "warning",
        # Four indicators reach their targets exactly (72890 = 72890 元, 100 = 100 %, 100 = 100 %, 95 ≥ 95 %) yet
        # score 9.00/10.00, 19/20, 19.00/20.00, 27.00/30.00; every deviation cell is empty ("| 9.00 | ||").
        ("indicators.met-but-deducted", "/indicators/0/score"): "warning",
        ("indicators.missing-reason", "/indicators/0/deviation_reason"): "error",
        ("indicators.met-but-deducted", "/indicators/1/score"): "warning",
        ("indicators.missing-reason", "/indicators/1/deviation_reason"): "error",
        ("indicators.met-but-deducted", "/indicators/2/score"): "warning",
        ("indicators.missing-reason", "/indicators/2/deviation_reason"): "error",
        ("indicators.met-but-deducted", "/indicators/3/score"): "warning",
        ("indicators.missing-reason", "/indicators/3/deviation_reason"): "error",
        # Not found, rightly: the 满意度 row is cut off after its 分值 and there is no 总分 row (truncated file);
        # weights 10 + 20 + 20 + 30 + 10 + execution 10 are the defaults.
    },
    "anhui-jinzhai-chagu-2023-department": {
        # 产出 weights visible before the cut already total 10 × 4 + 5 × 2 + 5 × 2 = 60 > 50.
        ("structure.level1-weights", "/indicators"): "warning",
        # 338.31 ÷ 329.77 = 102.59 % (reproduced): spending above the full-year budget.
        ("funds.overspent", "/funds/0/execution_rate"): "warning",
        # 指标1:开展精品示范村建设数量 ≤4: a "not more than" target on an output to be achieved.
        ("indicators.direction-implausible", "/indicators/0/target"): "warning",
        # 指标3: 3061 against ≥2000 = 153 %, no explanation (the target may have been set too low).
        ("indicators.far-above-target", "/indicators/2/achieved"): "info",
        # 年度资金总额 得分: line 6 prints an empty cell after 102.59% although 分值 is 10.
        ("funds.score-missing", "/funds/0/score"): "error",
    },
    "chizhou-tangxi-2022-project": {
        # 年度资金总额 printed 0 / 0 / 0 while its only part 本年财政拨款 prints 90 / 89.974 / 89.974.
        ("funds.total-budget-initial", "/funds/0/budget_initial"): "error",
        ("funds.total-budget-full-year", "/funds/0/budget_full_year"): "error",
        ("funds.total-executed", "/funds/0/executed"): "error",
        # Five qualitative targets answered only "达成预期指标": cannot be judged (info, never error). Their
        # scores (full) are within the 达成 band, so qualitative-band passes.
        ("indicators.not-judgeable", "/indicators/2/achieved"): "info",
        ("indicators.not-judgeable", "/indicators/3/achieved"): "info",
        ("indicators.not-judgeable", "/indicators/5/achieved"): "info",
        ("indicators.not-judgeable", "/indicators/6/achieved"): "info",
        ("indicators.not-judgeable", "/indicators/7/achieved"): "info",
        ("indicators.not-judgeable", "/indicators/8/achieved"): "info",
        # Not found, rightly: 产出(50分) = 8 × 5 + 10 and 效益(30分) = 10 × 3 match; the 满意度 block is cut off, so
        # the missing 10 points of weight are not an error.
    },
    "sichuan-zhongjiang-water-2022-project": {
        # 产出指标(70分) / 效益指标(20分) / 满意度指标(10分), against the form's own note (50/30/10 + 10).
        ("structure.level1-weights", "/indicators"): "warning",
        # "总分100100": indicator scores 10+10+20+10+10+10+10+10+10 = 100 plus execution 10 = 110, printed 100.
        ("total.score-sum", "/total/score"): "error",
        # Weights 100 + execution 10 = 110, printed total weight 100.
        ("total.weight-sum", "/total/weight"): "error",
        # Achieved values repeat the target with its comparator (≥266米≥266米, ≥90%≥90%, …): no actual value.
        ("indicators.achieved-copies-target", "/indicators/0/achieved"): "warning",
        ("indicators.achieved-copies-target", "/indicators/1/achieved"): "warning",
        ("indicators.achieved-copies-target", "/indicators/3/achieved"): "warning",
        ("indicators.achieved-copies-target", "/indicators/4/achieved"): "warning",
        ("indicators.achieved-copies-target", "/indicators/7/achieved"): "warning",
        ("indicators.achieved-copies-target", "/indicators/9/achieved"): "warning",
        # 群众生产生活条件改善状况: 显著提升 / 显著提升 — qualitative.
        ("indicators.not-judgeable", "/indicators/8/achieved"): "info",
    },
    "sichuan-dyrmt-railway-environment-2020-project-tail": {
        # 铁路沿线环境及安全整治管理机制健全性: target is the template's option list "优良中低差".
        ("indicators.placeholder", "/indicators/6"): "warning",
        ("indicators.not-judgeable", "/indicators/6/achieved"): "info",
        # Not found, rightly: only the tail is visible (no funds, no first indicators), so the visible weights
        # 60 of 合计 100 are no error; no 得分 column was transcribed (placement inferred), so nothing is scored.
    },
    "ningxia-yuanzhou-potato-2022-project": {
        # 产出指标(40分) and 效益指标(40分) printed (OCR text): not the default 50/30; no execution points.
        ("structure.level1-weights", "/indicators"): "warning",
        # 259.45 ÷ 300 = 86.48 % (printed 86.5 %), below 90 %; the form's 项目总得分 is 99.
        ("funds.execution-low", "/funds/0/execution_rate"): "warning",
        # 持续完善…: target 是, achieved 基本达到 (a partial result, at most 80 %) scored 7 of 8 = 87.5 %.
        ("indicators.qualitative-band", "/indicators/10/score"): "error",
        ("indicators.not-judgeable", "/indicators/10/achieved"): "info",
        # Not found, rightly: values the OCR damaged are left out of the transcription (not errors), and the
        # 满意度 block is cut off, so Σ visible scores 87 < 总得分 99 is no error.
    },
}


@pytest.fixture(scope="module")
def auditor() -> Auditor:
    return Auditor()


def _findings(auditor: Auditor, form: dict, name: str = "<form>"):
    result = auditor.check_form(form, input_name=name)
    assert not result.errors, result.errors
    return result.findings


def _load(name: str) -> dict:
    return yaml.safe_load((FORMS / f"{name}.yaml").read_text(encoding="utf-8"))


def test_every_project_form_is_pinned():
    project_forms = sorted(p.stem for p in FORMS.glob("*.yaml")
                           if yaml.safe_load(p.read_text(encoding="utf-8")).get("form_type") == "cn.project-self-eval")
    assert project_forms == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_findings_are_the_reviewed_ones(auditor, name):
    result = auditor.check_file(FORMS / f"{name}.yaml")
    assert not result.errors, result.errors
    got = {(f.rule, f.pointer): f.severity for f in result.findings}
    assert got == EXPECTED[name]


def test_yongde_total_and_grade_are_right(auditor):
    """总分 96 = execution 10 + Σ indicator scores 86, weights 10 + 90 = 100, grade 优: no finding at all on /total."""
    result = auditor.check_file(FORMS / "yongde-minglang-school-2022-project.yaml")
    assert [f for f in result.findings if f.pointer.startswith("/total") or f.rule.startswith("total.")] == []
    counts = result.outcomes
    for rule in ("total.score-sum", "total.weight-sum", "total.grade", "funds.execution-score", "funds.execution-rate"):
        assert counts[rule].passed >= 1 and counts[rule].failed == 0, rule


def test_anhui_blank_execution_score():
    """The source prints 年度资金总额 | … | 10 | 102.59% | (empty 得分 cell). Written as a printed blank, as
    docs/form-data.md asks, it is an error; left out (cut off or unreadable) it is not judged."""
    auditor = Auditor()
    form = _load("anhui-jinzhai-chagu-2023-department")
    assert form["funds"][0]["score"] == ""
    got = {(f.rule, f.pointer): f.severity for f in _findings(auditor, form)}
    assert got[("funds.score-missing", "/funds/0/score")] == "error"
    del form["funds"][0]["score"]
    got = {(f.rule, f.pointer): f.severity for f in _findings(auditor, form)}
    assert ("funds.score-missing", "/funds/0/score") not in got


def _errors(findings) -> set[tuple[str, str]]:
    return {(f.rule, f.pointer) for f in findings if f.severity == "error"}


@pytest.mark.parametrize("name", ["yongde-minglang-school-2022-project", "sichuan-zhongjiang-water-2022-project",
                                  "lijiang-guchengqu-2020-project"])
def test_truncation_adds_no_error(auditor, name):
    """Cut the form after k indicators (and lose the 总分 row, as a cut-off document does): no new error."""
    form = _load(name)
    baseline = _errors(_findings(auditor, form))
    for k in range(len(form.get("indicators", []))):
        cut = copy.deepcopy(form)
        cut["indicators"] = cut["indicators"][:k]
        cut.pop("total", None)
        cut.pop("provenance", None)
        assert _errors(_findings(auditor, cut)) <= baseline, k
        # the last visible row cut in the middle too: only its first cells survive
        if k:
            row = cut["indicators"][k - 1]
            for field in ("score", "weight", "achieved"):
                row.pop(field, None)
                assert _errors(_findings(auditor, cut)) <= baseline, (k, field)


@pytest.mark.parametrize("name", ["yongde-minglang-school-2022-project", "sichuan-zhongjiang-water-2022-project",
                                  "lijiang-guchengqu-2020-project"])
def test_unreadable_cells_add_no_error(auditor, name):
    """Leave out any one cell (what a transcription does with an unreadable value): no new error."""
    form = _load(name)
    baseline = _errors(_findings(auditor, form))
    for i, row in enumerate(form.get("indicators", [])):
        for field in list(row):
            if field in ("level1", "level2"):
                continue
            damaged = copy.deepcopy(form)
            del damaged["indicators"][i][field]
            assert _errors(_findings(auditor, damaged)) <= baseline, (i, field)
    for i, row in enumerate(form.get("funds", [])):
        for field in list(row):
            if field == "source":
                continue
            damaged = copy.deepcopy(form)
            del damaged["funds"][i][field]
            assert _errors(_findings(auditor, damaged)) <= baseline, ("funds", i, field)
