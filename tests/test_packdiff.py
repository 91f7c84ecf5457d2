"""``formaudit pack diff OLD NEW FORMS…``: findings that appear, disappear or change, matched by fingerprint."""

from __future__ import annotations

import json
import textwrap

import pytest
from formaudit.packdiff import diff_packs
from formaudit.testing import run_cli

NEW = """\
pack: test.bureau
version: 1.1.0
form_type: cn.dept-overall-self-eval
extends: [cn.dept-overall-self-eval]
params:
  completion_alarm: 85%
overrides:
  funds.adjustment-high: {severity: info}
rules:
  - id: bureau.has-problems
    title: 必须填写存在问题
    severity: warning
    check: present(problems)
    message: 未填写存在问题
"""

FORM = """\
form_type: cn.dept-overall-self-eval
department: 测试局
funds:
  - {source: 合计, budget_initial: "100", budget_adjustment: "40", actual: "122", completion_rate: "87.14%", adjustment_rate: "40%"}
  - {source: 一般公共预算, budget_initial: "100", budget_adjustment: "40", actual: "112", completion_rate: "80%", adjustment_rate: "40%"}
"""


@pytest.fixture
def files(tmp_path):
    (tmp_path / "new.yaml").write_text(textwrap.dedent(NEW), encoding="utf-8")
    forms = tmp_path / "forms"
    forms.mkdir()
    (forms / "a.yaml").write_text(FORM, encoding="utf-8")
    (forms / "b.yaml").write_text(FORM.replace("department: 测试局", "department: 测试局\nproblems: 进度慢"),
                                  encoding="utf-8")
    return tmp_path


def test_diff_lists_what_appears_disappears_and_changes(files):
    diff = diff_packs("cn.dept-overall-self-eval", files / "new.yaml", [files / "forms"])
    assert [i.rsplit("/", 1)[1] for i in diff.inputs] == ["a.yaml", "b.yaml"]
    kinds = {(c.input.rsplit("/", 1)[1], c.kind, c.finding.rule, c.finding.pointer) for c in diff.changes}
    assert kinds == {
        # 87.14 % no longer below the alarm (85 %); 80 % still is, in both
        ("a.yaml", "-", "funds.completion-low", "/funds/0/completion_rate"),
        ("b.yaml", "-", "funds.completion-low", "/funds/0/completion_rate"),
        # the new rule, only where problems is blank
        ("a.yaml", "+", "bureau.has-problems", ""),
        # 80 % is still below the alarm, but the message now names 85 %
        ("a.yaml", "~", "funds.completion-low", "/funds/1/completion_rate"),
        ("b.yaml", "~", "funds.completion-low", "/funds/1/completion_rate"),
        # the same finding at a new severity
        ("a.yaml", "~", "funds.adjustment-high", "/funds/0/adjustment_rate"),
        ("a.yaml", "~", "funds.adjustment-high", "/funds/1/adjustment_rate"),
        ("b.yaml", "~", "funds.adjustment-high", "/funds/0/adjustment_rate"),
        ("b.yaml", "~", "funds.adjustment-high", "/funds/1/adjustment_rate"),
    }, kinds
    assert diff.count("+") == 1 and diff.count("-") == 2 and diff.count("~") == 6
    assert ("funds.completion-low", 0, 2, 2) in diff.by_rule()
    changed = next(c for c in diff.changes if c.kind == "~" and c.finding.rule == "funds.completion-low")
    assert "低于 90%" in changed.before.message and "低于 85%" in changed.finding.message


def test_diff_command_text_and_json(files):
    code, out, _ = run_cli("pack", "diff", "cn.dept-overall-self-eval", str(files / "new.yaml"),
                           str(files / "forms" / "a.yaml"), str(files / "forms" / "b.yaml"))
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("pack diff: cn.dept-overall-self-eval ") and "→ test.bureau 1.1.0 over 2 form(s)" in lines[0]
    assert any(line.startswith("  + warning bureau.has-problems  /  未填写存在问题") for line in lines), out
    assert any(line.startswith("  - warning funds.completion-low  /funds/0/completion_rate") for line in lines), out
    assert "      (severity was warning)" in lines
    assert "1 appear, 2 disappear, 6 changed" in out
    assert "  funds.completion-low: +0 -2 ~2" in lines
    code, out, _ = run_cli("pack", "diff", "--format", "json", "cn.dept-overall-self-eval", str(files / "new.yaml"),
                           str(files / "forms"))
    doc = json.loads(out)
    assert code == 0 and doc["summary"]["appear"] == 1 and doc["summary"]["disappear"] == 2
    assert doc["new"]["pack"] == "test.bureau" and len(doc["old"]["sha256"]) == 64
    assert {c["change"] for c in doc["changes"]} == {"appears", "disappears", "changed"}


def test_same_pack_no_changes_and_errors(files, tmp_path):
    code, out, _ = run_cli("pack", "diff", "cn.dept-overall-self-eval", "cn.dept-overall-self-eval",
                           str(files / "forms"))
    assert code == 0 and "0 appear, 0 disappear, 0 changed" in out
    assert run_cli("pack", "diff", "cn.dept-overall-self-eval", str(files / "new.yaml"), str(tmp_path / "nope"))[0] == 2
    assert run_cli("pack", "diff", "no.such", str(files / "new.yaml"), str(files / "forms"))[0] == 2
