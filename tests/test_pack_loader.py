"""Loading packs: every error kind is reported with file:line:col and a stable code; extends,
overrides and params behave as documented."""

import textwrap

import pytest

from formaudit.errors import PackError
from formaudit.packs import PackLoader
from formaudit.packtest import run_examples
from formaudit.registry import Registry

HEAD = """\
pack: test.pack
version: 1.0.0
form_type: cn.dept-overall-self-eval
"""

GOOD_RULE = """\
  - id: funds.rate
    title: rate
    severity: error
    for_each: funds
    check: completion_rate == actual / budget_initial
    message: "{source} wrong"
"""


@pytest.fixture
def loader():
    return PackLoader(Registry.discover())


def write(tmp_path, text, name="pack.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def load_error(loader, tmp_path, text) -> PackError:
    with pytest.raises(PackError) as info:
        loader.load(write(tmp_path, text))
    return info.value


def test_good_pack_loads(loader, tmp_path):
    pack = loader.load(write(tmp_path, HEAD + "rules:\n" + GOOD_RULE))
    assert [r.id for r in pack.rules] == ["funds.rate"]
    assert len(pack.sha256) == 64


CASES = [
    # (name, pack text, code, line, column)
    ("yaml syntax", HEAD + "rules: [\n", "yaml-syntax", 5, 1),
    ("unknown key", HEAD + "rulez: []\nrules: []\n", "pack-schema", 4, 1),
    ("missing required", "pack: x\nversion: 1.0.0\nrules: []\n", "pack-schema", 1, 1),
    ("bad severity", HEAD + "rules:\n" + GOOD_RULE.replace("severity: error", "severity: fatal"),
     "pack-schema", 7, 15),
    ("bad rule id", HEAD + "rules:\n" + GOOD_RULE.replace("funds.rate", "Funds Rate"), "pack-schema", 5, 9),
    ("duplicate id", HEAD + "rules:\n" + GOOD_RULE + GOOD_RULE, "duplicate-rule-id", 11, 9),
    ("expression syntax", HEAD + "rules:\n" + GOOD_RULE.replace("actual / budget_initial", "actual / / x"),
     "expression-syntax", 9, 40),
    ("forbidden attribute", HEAD + "rules:\n" + GOOD_RULE.replace("actual / budget_initial", "actual.__class__"),
     "expression-forbidden", 9, 31),
    ("unknown function", HEAD + "rules:\n" + GOOD_RULE.replace("actual / budget_initial", "nosuch(actual)"),
     "unknown-function", 9, 31),
    ("wrong argument count", HEAD + "rules:\n" + GOOD_RULE.replace("actual / budget_initial", "blank(actual, 1)"),
     "function-arguments", 9, 31),
    ("unknown param", HEAD + "rules:\n" + GOOD_RULE.replace("actual / budget_initial", "params.nosuch"),
     "unknown-param", 9, 31),
    ("bad placeholder", HEAD + "rules:\n" + GOOD_RULE.replace("{source} wrong", "{source.__class__}"),
     "message-placeholder", 10, 16),
    ("override unknown rule", HEAD + "extends: [cn.dept-overall-self-eval]\noverrides:\n  funds.nosuch: {severity: info}\nrules: []\n",
     "override-unknown-rule", 6, 3),
    ("redefined inherited rule", HEAD + "extends: [cn.dept-overall-self-eval]\nrules:\n"
     + GOOD_RULE.replace("funds.rate", "funds.completion-rate"), "duplicate-rule-id", 6, 9),
    ("python tag", HEAD + "params: {x: !!python/object/apply:os.system [id]}\nrules: []\n", "yaml-tag", 4, 13),
    ("duplicate yaml key", HEAD + "version: 2.0.0\nrules: []\n", "yaml-duplicate-key", 4, 1),
    ("let hides a scope name", HEAD + "rules:\n" + GOOD_RULE.replace("    check:", "    let: {form: 1}\n    check:"),
     "let-shadows", 9, 11),
    ("not a mapping", "- just\n- a list\n", "pack-schema", 1, 1),
]


@pytest.mark.parametrize("name, text, code, line, column", CASES, ids=[c[0] for c in CASES])
def test_load_errors(loader, tmp_path, name, text, code, line, column):
    err = load_error(loader, tmp_path, text)
    assert err.code == code, str(err)
    assert (err.line, err.column) == (line, column), str(err)
    assert str(err).startswith(f"{tmp_path / 'pack.yaml'}:{line}:{column}: {code}: ")


def test_alias_bomb_is_refused_quickly(loader, tmp_path):
    bomb = HEAD + 'a: &a ["x","x","x","x","x","x","x","x","x","x"]\n'
    for i in range(1, 9):
        bomb += f"{chr(97 + i)}: &{chr(97 + i)} [" + ",".join([f"*{chr(96 + i)}"] * 10) + "]\n"
    bomb += "rules: []\n"
    err = load_error(loader, tmp_path, bomb)
    assert err.code == "yaml-too-large"


def test_extends_cycle(loader, tmp_path):
    write(tmp_path, HEAD.replace("test.pack", "a") + "extends: [b.yaml]\nrules: []\n", "a.yaml")
    write(tmp_path, HEAD.replace("test.pack", "b") + "extends: [a.yaml]\nrules: []\n", "b.yaml")
    with pytest.raises(PackError) as info:
        loader.load(tmp_path / "a.yaml")
    assert info.value.code == "pack-extends-cycle"


def test_extends_other_form_type(loader, tmp_path):
    write(tmp_path, HEAD.replace("test.pack", "b").replace("cn.dept-overall-self-eval", "other") + "rules: []\n",
          "b.yaml")
    err = load_error(loader, tmp_path, HEAD + "extends: [b.yaml]\nrules: []\n")
    assert err.code == "pack-extends" and err.line == 4


def test_extends_overrides_and_params(loader, tmp_path):
    path = write(tmp_path, HEAD + """\
extends: [cn.dept-overall-self-eval]
params:
  completion_alarm: 85%
overrides:
  funds.adjustment-high: {severity: info}
  funds.overspent: {enabled: false}
rules:
""" + GOOD_RULE.replace("funds.rate", "bureau.rate"))
    pack = loader.load(path)
    base = loader.load("cn.dept-overall-self-eval")
    ids = [r.id for r in pack.rules]
    assert ids[: len(base.rules)] == [r.id for r in base.rules] and ids[-1] == "bureau.rate"
    assert pack.rule("funds.adjustment-high").severity == "info"
    assert pack.rule("funds.adjustment-high").overridden_by == ("test.pack",)
    assert not pack.rule("funds.overspent").enabled
    assert "funds.overspent" not in [r.id for r in pack.enabled_rules]
    assert str(pack.params["completion_alarm"]) == "85%"
    base_params = ("adjustment_alarm", "overspend_limit", "full_completion_words", "full_completion_negations")
    assert pack.param_origin == {"completion_alarm": "test.pack", **{p: "cn.dept-overall-self-eval" for p in base_params}}
    # the inherited rule reads the new threshold: 87.96 % passes at 85 %, failed at 90 %
    assert base.rule("funds.completion-low").examples[1].expect == "fail"
    results = {(r.rule.id, r.example.name): r.actual for r in run_examples(pack)}
    assert results[("funds.completion-low", "种子表 一般公共预算 87.96%")] == "pass"
    assert [m["pack"] for m in pack.manifest()] == ["test.pack", "cn.dept-overall-self-eval"]


def test_pack_by_unknown_id(loader):
    with pytest.raises(PackError) as info:
        loader.load("no.such.pack")
    assert info.value.code == "pack-not-found" and "cn.dept-overall-self-eval" in str(info.value)
