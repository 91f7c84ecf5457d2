"""``formaudit pack test``: examples per rule, todo semantics, coverage gaps, tests files of whole forms."""

from __future__ import annotations

import textwrap

import pytest
from formaudit.errors import PackError
from formaudit.packs import PackLoader
from formaudit.packtest import default_tests_file, load_tests, run_form_test
from formaudit.registry import Registry
from formaudit.testing import run_cli

PACK = """\
pack: test.bureau
version: 1.0.0
form_type: cn.dept-overall-self-eval
extends: [cn.dept-overall-self-eval]
params:
  completion_alarm: 85%
rules:
  - id: bureau.problems-explained
    title: 完成率低于警戒值时须填写存在问题
    severity: warning
    when: len(where(funds, 'source', '合计')) == 1
    check: present(problems) or first(where(funds, 'source', '合计')).completion_rate >= params.completion_alarm
    message: 完成率低而未说明问题
    examples:
      - {name: 已说明, form: {funds: [{source: 合计, completion_rate: 80%}], problems: 执行慢}, expect: pass}
      - {name: 未说明, form: {funds: [{source: 合计, completion_rate: 80%}]}, expect: fail}
"""

FORM = """\
form_type: cn.dept-overall-self-eval
department: 测试局
funds:
  - {source: 合计, budget_initial: "100", budget_adjustment: "0", actual: "80", completion_rate: "80%"}
"""


def write(path, text):
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture
def pack_dir(tmp_path):
    write(tmp_path / "pack.yaml", PACK)
    write(tmp_path / "form.yaml", FORM)
    return tmp_path


def test_examples_are_reported_per_rule(pack_dir):
    code, out, _ = run_cli("pack", "test", str(pack_dir / "pack.yaml"))
    assert code == 0, out
    lines = out.splitlines()
    assert lines[0].startswith("test.bureau 1.0.0")
    assert any(line.split()[:2] == ["ok", "bureau.problems-explained"] for line in lines), out
    # inherited rules are the extended pack's to test, unless asked
    assert "funds.completion-rate" not in out
    code, out, _ = run_cli("pack", "test", "--inherited", str(pack_dir / "pack.yaml"))
    assert code == 0 and "funds.completion-rate" in out and "from cn.dept-overall-self-eval" in out
    base = PackLoader(Registry.discover()).load("cn.dept-overall-self-eval")
    assert f"examples of {len(base.rules) + 1} rules)" in out.splitlines()[-1]


def test_a_misbehaving_example_fails_with_its_line(pack_dir):
    write(pack_dir / "pack.yaml", PACK.replace("problems: 执行慢}, expect: pass", "problems: 执行慢}, expect: fail"))
    code, out, _ = run_cli("pack", "test", str(pack_dir / "pack.yaml"))
    assert code == 1
    assert "FAIL  bureau.problems-explained" in out
    assert f"{pack_dir / 'pack.yaml'}:15: bureau.problems-explained: 已说明: FAILED: expected fail, got pass" in out


def test_todo_marks_a_known_gap_and_asks_to_be_removed_once_fixed(pack_dir):
    gap = PACK.replace("expect: fail}\n", "expect: fail}\n      - {name: 空白完成率也应提醒, form: {funds: [{source: 合计, "
                       "completion_rate: —}]}, expect: fail, todo: 空白完成率无法比较}\n")
    write(pack_dir / "pack.yaml", gap)
    code, out, _ = run_cli("pack", "test", str(pack_dir / "pack.yaml"))
    assert code == 0 and "todo (空白完成率无法比较)" in out and "1 todo" in out
    fixed = gap.replace("expect: fail, todo: 空白完成率无法比较", "expect: not-evaluable, todo: 已修好")
    write(pack_dir / "pack.yaml", fixed)
    code, out, _ = run_cli("pack", "test", str(pack_dir / "pack.yaml"))
    assert code == 1 and "remove the todo mark" in out


def test_coverage_gaps_are_reported(pack_dir):
    write(pack_dir / "pack.yaml", PACK.split("      - {name: 未说明")[0])
    code, out, _ = run_cli("pack", "test", str(pack_dir / "pack.yaml"))
    assert code == 0 and "no fail example" in out and "1 rule without both a passing and a failing example" in out
    assert run_cli("pack", "test", "--require-coverage", str(pack_dir / "pack.yaml"))[0] == 1


TESTS = """\
tests:
  - name: 低完成率未说明
    form: form.yaml
    expect:
      funds.completion-low: [/funds/0/completion_rate]
      bureau.problems-explained: [""]
      funds.overspent: []
  - name: 阈值改为 75% 后不再提醒
    form: form.yaml
    params: {completion_alarm: 75%}
    expect:
      funds.completion-low: []
      bureau.problems-explained: []
  - name: 已说明问题
    form: {form_type: cn.dept-overall-self-eval, problems: 执行慢, funds: [{source: 合计, completion_rate: 80%}]}
    expect: {bureau.problems-explained: []}
"""


def test_tests_file_beside_the_pack(pack_dir):
    write(pack_dir / "tests.yaml", TESTS)
    assert default_tests_file(pack_dir / "pack.yaml") == pack_dir / "tests.yaml"
    assert default_tests_file(pack_dir / "bureau.yaml") == pack_dir / "bureau.tests.yaml"
    code, out, _ = run_cli("pack", "test", "-v", str(pack_dir / "pack.yaml"))
    assert code == 0, out
    assert "form tests: 3 passed, 0 failed" in out
    assert f"{pack_dir / 'tests.yaml'}:2: 低完成率未说明: ok" in out
    assert "(2 examples; 3 form tests)" in out


def test_tests_file_failures_name_what_is_missing_and_unexpected(pack_dir):
    write(pack_dir / "tests.yaml", TESTS.replace("[/funds/0/completion_rate]", "[/funds/0/actual]"))
    code, out, _ = run_cli("pack", "test", str(pack_dir / "pack.yaml"))
    assert code == 1
    assert "missing fail funds.completion-low at /funds/0/actual" in out
    assert "unexpected fail funds.completion-low at /funds/0/completion_rate" in out


def test_exhaustive_and_todo_in_tests_file(pack_dir):
    registry = Registry.discover()
    pack = PackLoader(registry).load(pack_dir / "pack.yaml")
    write(pack_dir / "tests.yaml", """\
        tests:
          - name: nothing else may fire
            form: form.yaml
            exhaustive: true
            expect: {funds.completion-low: [/funds/0/completion_rate]}
          - name: known gap
            form: form.yaml
            todo: the bureau rule should point at problems
            expect: {bureau.problems-explained: [/problems]}
          - name: unknown rule
            form: form.yaml
            expect: {bureau.nosuch: []}
        """)
    exhaustive, todo, unknown = [run_form_test(pack, t, None, registry) for t in load_tests(pack_dir / "tests.yaml")]
    assert not exhaustive.ok and ("bureau.problems-explained", "", "fail") in exhaustive.unexpected
    assert todo.ok and not todo.behaves
    assert not unknown.ok and "no rule bureau.nosuch" in unknown.error


def test_tests_file_mistakes_are_reported_where_they_are(pack_dir):
    write(pack_dir / "tests.yaml", "tests:\n  - name: x\n    form: form.yaml\n    expekt: {}\n")
    with pytest.raises(PackError) as info:
        load_tests(pack_dir / "tests.yaml")
    assert info.value.code == "tests-schema" and info.value.line == 2
    code, _, err = run_cli("pack", "test", str(pack_dir / "pack.yaml"))
    assert code == 2 and "tests-schema" in err
    assert run_cli("pack", "test", "--tests", str(pack_dir / "none.yaml"), str(pack_dir / "pack.yaml"))[0] == 2


def test_pack_without_action_and_unloadable_pack(pack_dir):
    assert run_cli("pack")[0] == 2
    write(pack_dir / "broken.yaml", "pack: [\n")
    code, _, err = run_cli("pack", "test", str(pack_dir / "broken.yaml"))
    assert code == 2 and "yaml-syntax" in err
