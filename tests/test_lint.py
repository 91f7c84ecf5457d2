"""``formaudit pack lint``: each kind of mistake gives its code at the right line and column, every
problem of a pack is reported in one run, warnings do not fail unless --strict."""

from __future__ import annotations

import json
import textwrap

import pytest
from formaudit.lint import LINT_CODES, lint_pack
from formaudit.packs import PackLoader
from formaudit.registry import Registry
from formaudit.testing import run_cli

HEAD = """\
pack: test.lint
version: 1.0.0
form_type: cn.dept-overall-self-eval
"""

RULE = """\
  - id: funds.rate
    title: rate
    severity: error
    for_each: funds
    check: completion_rate == actual / budget_initial
    message: "{source} wrong"
"""


@pytest.fixture(scope="module")
def registry():
    return Registry.discover()


def lint(tmp_path, registry, text, name="pack.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path, lint_pack(path, registry, PackLoader(registry))


def position(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    """1-based line and column of the ``nth`` occurrence of ``needle`` in ``text``."""
    index = -1
    for _ in range(nth + 1):
        index = text.index(needle, index + 1)
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


# (code, pack text, the text the diagnostic points at, which occurrence of it)
CASES = [
    ("yaml-syntax", HEAD + "rules: [\n", None, 0),
    ("pack-schema", HEAD + "rules:\n" + RULE.replace("severity: error", "severity: fatal"), "fatal", 0),
    ("expression-syntax", HEAD + "rules:\n" + RULE.replace("actual / budget_initial", "actual / / x"), "/ x", 0),
    ("expression-forbidden", HEAD + "rules:\n" + RULE.replace("actual / budget_initial", "actual ** 2"), "actual **", 0),
    ("unknown-function", HEAD + "rules:\n" + RULE.replace("actual / budget_initial", "nosuch(actual)"), "nosuch", 0),
    ("function-arguments", HEAD + "rules:\n" + RULE.replace("actual / budget_initial", "blank(actual, 1)"), "blank", 0),
    ("unknown-param", HEAD + "rules:\n" + RULE.replace("actual / budget_initial", "params.nosuch"), "params.nosuch", 0),
    ("duplicate-rule-id", HEAD + "rules:\n" + RULE + RULE, "funds.rate", 1),
    ("override-unknown-rule", HEAD + "extends: [cn.dept-overall-self-eval]\noverrides:\n  funds.nosuch: {enabled: false}\n"
     "rules: []\n", "funds.nosuch", 0),
    ("let-shadows", HEAD + "rules:\n" + RULE.replace("    check:", "    let: {form: 1}\n    check:"), "form: 1", 0),
    ("message-placeholder", HEAD + "rules:\n" + RULE.replace("{source} wrong", "{source +} wrong"), "} wrong", 0),
    ("pack-not-found", HEAD + "extends: [no.such.pack]\nrules: []\n", "no.such.pack", 0),
    ("unknown-name", HEAD + "rules:\n" + RULE.replace("actual / budget_initial", "actul / budget_initial"), "actul", 0),
    ("message-unknown-name", HEAD + "rules:\n" + RULE.replace("{source} wrong", "{source} {sorce} wrong"), "sorce", 0),
    ("unknown-for-each-path", HEAD + "rules:\n" + RULE.replace("for_each: funds", "for_each: tasks[*].indicatorz"),
     "indicatorz", 0),
    ("unused-let", HEAD + "rules:\n" + RULE.replace("    check:", "    let: {spare: actual + 1}\n    check:"), "spare", 0),
    ("unused-param", HEAD + "params:\n  alarm: 90%\nrules:\n" + RULE, "alarm", 0),
    ("example-unknown-field", HEAD + "rules:\n" + RULE + "    examples:\n      - {item: {source: 合计, actul: '1'}, "
     "expect: pass}\n", "actul", 0),
    ("no-form-schema", HEAD.replace("cn.dept-overall-self-eval", "no.such.form") + "rules:\n" + RULE, "no.such.form", 0),
    ("pack-extends", HEAD + "extends: [other.yaml]\nrules: []\n", "other.yaml", 0),
]


def test_every_lint_code_has_a_case():
    tested = {c[0] for c in CASES}
    untested = set(LINT_CODES) - tested - {"expression-literal", "expression-too-long", "expression-too-complex",
                                           "pack-extends-cycle", "pack-param"}  # pinned in test_pack_loader
    assert not untested, untested


@pytest.mark.parametrize("code, text, needle, nth", CASES, ids=[c[0] for c in CASES])
def test_code_at_its_line_and_column(tmp_path, registry, code, text, needle, nth):
    if code == "pack-extends":
        (tmp_path / "other.yaml").write_text(HEAD.replace("test.lint", "other").replace(
            "cn.dept-overall-self-eval", "another.form") + "rules: []\n", encoding="utf-8")
    path, result = lint(tmp_path, registry, text)
    hits = [d for d in result.diagnostics if d.code == code]
    assert hits, [str(d) for d in result.diagnostics]
    d = hits[0]
    if needle is None:  # YAML syntax: where the parser gave up
        assert d.line == text.count("\n") + 1
    else:
        assert (d.line, d.column) == position(text, needle, nth), [str(x) for x in result.diagnostics]
    assert d.severity == LINT_CODES[code]
    assert str(d).startswith(f"{path}:{d.line}:{d.column}: {code}: ")


def test_all_problems_in_one_run(tmp_path, registry):
    text = HEAD + """\
extends: [cn.dept-overall-self-eval]
params:
  spare_param: 5%
overrides:
  funds.nosuch: {severity: info}
rules:
  - id: a.one
    title: t
    severity: error
    for_each: funds
    let:
      spare: 1
      b: budget_initial + budgt
    check: "nosuch(b) == other(actal) + params.nope"
    message: "{source} {sorce:%}"
  - id: a.one
    title: t
    severity: fatal
    check: len(funds, 2) > 0
    message: x
"""
    _, result = lint(tmp_path, registry, text)
    codes = [d.code for d in result.diagnostics]
    assert sorted(codes) == sorted([
        "unused-param", "override-unknown-rule", "unused-let", "unknown-name", "unknown-function",
        "unknown-function", "unknown-name", "unknown-param", "message-unknown-name", "duplicate-rule-id",
        "pack-schema", "function-arguments"]), [str(d) for d in result.diagnostics]
    # in file order, each where it is, with a hint where one helps
    assert [(d.line, d.column) for d in result.diagnostics] == sorted((d.line, d.column) for d in result.diagnostics)
    by_code = {d.code: d for d in result.diagnostics}
    assert (by_code["unknown-param"].line, by_code["unknown-param"].column) == position(text, "params.nope")
    assert by_code["message-unknown-name"].hint == "did you mean 'source'?"
    assert [d.column for d in result.diagnostics if d.code == "unknown-function"] == \
        [position(text, "nosuch(")[1], position(text, "other(")[1]]


def test_columns_inside_quoted_folded_and_chinese_scalars(tmp_path, registry):
    text = HEAD + """\
rules:
  - id: funds.rate
    title: rate
    severity: error
    for_each: funds
    when: "source != '合计' and nosuch(actual)"
    check: >-
      completion_rate ==
      actual / budgt
    message: '{source}：it''s {actul}'
"""
    _, result = lint(tmp_path, registry, text)
    got = {d.code: (d.line, d.column) for d in result.diagnostics}
    assert got["unknown-function"] == position(text, "nosuch")
    assert got["unknown-name"] == position(text, "budgt")
    assert got["message-unknown-name"] == position(text, "actul")


def test_scope_names_and_nested_for_each(tmp_path, registry):
    text = HEAD + """\
rules:
  - id: tasks.indicator
    title: t
    severity: warning
    for_each: tasks[*].indicators
    check: present(target) and present(parent.name) and present(form.department) and index >= 0
    message: "{name} {parent.nme} {form.departmnt}"
"""
    _, result = lint(tmp_path, registry, text)
    assert [(d.code, d.line, d.column) for d in result.diagnostics] == [
        ("message-unknown-name", *position(text, "nme")), ("message-unknown-name", *position(text, "departmnt"))]


def test_let_used_before_it_is_defined(tmp_path, registry):
    text = HEAD + "rules:\n" + RULE.replace("    check:", "    let:\n      a: b + 1\n      b: actual\n    check:") \
        .replace("actual / budget_initial", "a")
    _, result = lint(tmp_path, registry, text)
    (d,) = [d for d in result.diagnostics if d.code == "unknown-name"]
    assert "defined after" in d.hint


def test_builtin_packs_lint_clean(registry):
    for pack_id in registry.pack_ids():
        try:
            registry.pack_file(pack_id)
        except Exception:  # noqa: BLE001 - a pack being written: test_builtin_packs says so
            continue
        result = lint_pack(pack_id, registry)
        assert not result.diagnostics, [str(d) for d in result.diagnostics]


def test_cli_exit_codes_and_json(tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text(HEAD + "rules:\n" + RULE, encoding="utf-8")
    warn = tmp_path / "warn.yaml"
    warn.write_text(HEAD + "params: {alarm: 90%}\nrules:\n" + RULE, encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(HEAD + "rules:\n" + RULE.replace("actual /", "actul /"), encoding="utf-8")
    code, out, _ = run_cli("pack", "lint", str(good))
    assert code == 0 and "no problems" in out
    code, out, _ = run_cli("pack", "lint", str(warn))
    assert code == 0 and "unused-param" in out and "hint:" in out
    assert run_cli("pack", "lint", "--strict", str(warn))[0] == 2
    code, out, _ = run_cli("pack", "lint", str(bad))
    assert code == 2 and out.splitlines()[0].startswith(f"{bad}:9:") and ": unknown-name: " in out
    code, out, _ = run_cli("pack", "lint", "--format", "json", str(bad), str(good))
    doc = json.loads(out)
    assert code == 2 and doc[0]["diagnostics"][0]["code"] == "unknown-name" and doc[1]["diagnostics"] == []
    assert run_cli("pack", "lint", str(tmp_path / "missing.yaml"))[0] == 2


def test_strict_loading_is_unchanged(tmp_path, registry):
    """The loader outside lint still stops at the first error, as a PackError."""
    from formaudit.errors import PackError

    path = tmp_path / "p.yaml"
    path.write_text(HEAD + "rules:\n" + RULE.replace("actual / budget_initial", "nosuch(a) + other(b)"),
                    encoding="utf-8")
    with pytest.raises(PackError) as info:
        PackLoader(registry).load(path)
    assert info.value.code == "unknown-function" and "'nosuch'" in info.value.message


PROJECT_HEAD = HEAD.replace("cn.dept-overall-self-eval", "cn.project-self-eval")
FORM_RULE = """\
  - id: goals.x
    title: x
    severity: warning
    pointer: {pointer}
    check: present(goals.achieved)
    message: x
"""


def test_a_dotted_pointer_is_followed_through_the_schema(tmp_path, registry):
    _, good = lint(tmp_path, registry, PROJECT_HEAD + "rules:\n" + FORM_RULE.format(pointer="goals.achieved"))
    assert [d.code for d in good.diagnostics] == []
    text = PROJECT_HEAD + "rules:\n" + FORM_RULE.format(pointer="goals.achievd")
    _, bad = lint(tmp_path, registry, text, name="bad.yaml")
    (d,) = [d for d in bad.diagnostics if d.code == "unknown-name"]
    assert "goals.achievd" in d.message and d.hint == "did you mean 'achieved'?"
    assert (d.line, d.column) == position(text, "goals.achievd")
