"""Checking forms end to end: the seed's defects, outcomes, schema violations, fingerprints, exit codes."""

import copy
import json

import pytest
import yaml

from pathlib import Path

from formaudit import Auditor
from formaudit.testing import run_cli

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SEED_FORM = EXAMPLES / "forms" / "liwan-duobao-2021.yaml"


@pytest.fixture(scope="module")
def auditor():
    return Auditor()


@pytest.fixture(scope="module")
def seed():
    return yaml.safe_load(SEED_FORM.read_text(encoding="utf-8"))


def by_rule(result):
    return {(f.rule, f.pointer): f for f in result.findings}


def test_seed_findings(auditor):
    result = auditor.check_file(SEED_FORM)
    errors = sorted((f.rule, f.pointer) for f in result.findings if f.severity == "error")
    assert errors == [("funds.adjustment-rate-undefined", "/funds/2/adjustment_rate"),
                      ("funds.completion-rate", "/funds/1/completion_rate"),
                      ("funds.completion-rate", "/funds/2/completion_rate")]
    f = by_rule(result)[("funds.completion-rate", "/funds/1/completion_rate")]
    assert f.values["completion_rate"] == "87.96%" and f.values["computed"] == "86.26%"
    assert f.values["consistent"] == "86.26%"
    assert f.message == "一般公共预算：预算完成率填报 87.96%，按 3685.76 ÷ (4062.10 + 210.97) 计算应为 86.26%"
    assert f.source["file"].endswith("examples/documents/liwan-duobao-2021.txt") and f.source["line"] == 15
    assert by_rule(result)[("funds.completion-rate", "/funds/2/completion_rate")].values["computed"] == "98.27%"
    # no error on the 合计 row or on any task
    assert not [f for f in result.findings if f.severity == "error" and
                (f.pointer.startswith("/funds/0") or f.pointer.startswith("/tasks"))]
    # outcomes are counted per rule: 3 fund rows
    assert result.outcomes["funds.completion-rate"].to_dict() == {"passed": 1, "failed": 2, "not_applicable": 0,
                                                                  "not_evaluable": 0}
    assert result.outcomes["tasks.has-indicator"].passed == 5


def test_every_rule_item_ends_in_exactly_one_outcome(auditor, seed):
    result = auditor.check_form(seed)
    pack = auditor.load_pack("cn.dept-overall-self-eval")
    sizes = {None: 1, "funds": len(seed["funds"]), "tasks": len(seed["tasks"]),
             "tasks[*].indicators": sum(len(t["indicators"]) for t in seed["tasks"])}
    for rule in pack.enabled_rules:
        counts = result.outcomes[rule.id].to_dict()
        assert sum(counts.values()) == sizes[rule.for_each], rule.id


def test_fingerprints_survive_reordering(auditor, seed):
    before = {f.fingerprint: (f.rule, f.values.get("source")) for f in auditor.check_form(seed).findings}
    shuffled = copy.deepcopy(seed)
    shuffled["funds"].reverse()
    shuffled["tasks"].reverse()
    shuffled.pop("provenance")
    after = {f.fingerprint: (f.rule, f.values.get("source")) for f in auditor.check_form(shuffled).findings}
    assert before == after and len(before) == 5


def test_schema_violation_is_a_finding_and_makes_rules_not_evaluable(auditor, seed):
    form = copy.deepcopy(seed)
    form["funds"][1]["actual"] = "abc"
    result = auditor.check_form(form)
    schema = [f for f in result.findings if f.outcome == "schema"]
    assert [f.pointer for f in schema] == ["/funds/1/actual"]
    ne = by_rule(result)[("funds.completion-rate", "/funds/1")]
    assert ne.severity == "info" and ne.outcome == "not-evaluable"
    assert "invalid value at /funds/1/actual" in ne.values["reason"]


def test_not_evaluable_has_its_reason(auditor, seed):
    form = copy.deepcopy(seed)
    del form["funds"][1]["actual"]
    result = auditor.check_form(form)
    ne = by_rule(result)[("funds.completion-rate", "/funds/1")]
    assert ne.values["reason"] == "no value at /funds/1/actual"
    assert result.outcomes["funds.completion-rate"].not_evaluable == 1


def test_unknown_and_missing_form_type(auditor):
    assert "unknown form type 'nope'" in auditor.check_form({"form_type": "nope"}).errors[0]
    assert "no form_type" in auditor.check_form({"title": "x"}).errors[0]


# -- command line --------------------------------------------------------------------------------

def test_cli_seed_exits_1_with_json(tmp_path):
    code, out, err = run_cli("check", str(SEED_FORM), "--format", "json")
    assert code == 1
    doc = json.loads(out)
    assert set(doc) == {"tool", "packs", "results", "summary"}
    assert doc["tool"]["name"] == "formaudit" and doc["tool"]["version"]
    assert doc["packs"][0]["pack"] == "cn.dept-overall-self-eval" and len(doc["packs"][0]["sha256"]) == 64
    result = doc["results"][0]
    assert result["form_type"] == "cn.dept-overall-self-eval" and result["errors"] == []
    finding = next(f for f in result["findings"] if f["pointer"] == "/funds/1/completion_rate")
    assert set(finding) >= {"pack", "rule", "severity", "message", "pointer", "values", "source", "fingerprint"}
    assert doc["summary"] == {"inputs": 1, "error": 3, "warning": 2, "info": 0, "input_errors": 0}


def test_cli_exit_codes(tmp_path):
    clean = yaml.safe_load(SEED_FORM.read_text(encoding="utf-8"))
    clean["funds"][1]["completion_rate"] = "86.26%"
    clean["funds"][2]["completion_rate"] = "98.27%"
    clean["funds"][2]["adjustment_rate"] = "—"
    path = tmp_path / "clean.yaml"
    path.write_text(yaml.safe_dump(clean, allow_unicode=True), encoding="utf-8")
    assert run_cli("check", str(path))[0] == 0                          # only warnings
    assert run_cli("check", str(path), "--fail-on", "warning")[0] == 1
    assert run_cli("check", str(SEED_FORM), "--fail-on", "never")[0] == 0
    assert run_cli("check", str(tmp_path / "missing.yaml"))[0] == 2
    assert run_cli("check", str(SEED_FORM), "--format", "nope")[0] == 2
    assert run_cli("check", str(SEED_FORM), "--pack", "no.such")[0] == 2
    assert run_cli("check")[0] == 2
    assert run_cli("frobnicate")[0] == 2


def test_cli_folder_keeps_going_past_a_bad_form(tmp_path):
    (tmp_path / "a.yaml").write_text(SEED_FORM.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "b.yaml").write_text("form_type: cn.dept-overall-self-eval\nfunds: [\n", encoding="utf-8")
    (tmp_path / "c.json").write_text('{"form_type": "cn.dept-overall-self-eval", "funds": [{"source": "合计", '
                                     '"budget_initial": NaN}]}', encoding="utf-8")
    (tmp_path / "d.yaml").write_text(SEED_FORM.read_text(encoding="utf-8"), encoding="utf-8")
    code, out, err = run_cli("check", str(tmp_path), "--format", "json")
    assert code == 2
    doc = json.loads(out)
    inputs = [r["input"].rsplit("/", 1)[1] for r in doc["results"]]
    assert inputs == ["a.yaml", "b.yaml", "c.json", "d.yaml"]
    assert len(doc["results"][0]["findings"]) == len(doc["results"][3]["findings"]) == 5
    assert "b.yaml:3:1: yaml-syntax" in doc["results"][1]["errors"][0]
    assert "NaN" in doc["results"][2]["errors"][0]
    assert "b.yaml:3:1" in err and "Traceback" not in err


def test_cli_table_aligns_chinese():
    code, out, _ = run_cli("check", str(SEED_FORM))
    lines = [l for l in out.splitlines() if l.startswith(("+", "|"))]
    from wcwidth import wcswidth
    assert len({wcswidth(l) for l in lines}) == 1, "every table line has the same display width"
    assert "funds.completion-rate" in out and "liwan-duobao-2021.txt:15" in out


def test_cli_packs_and_schema():
    code, out, _ = run_cli("packs")
    assert code == 0 and "cn.dept-overall-self-eval\t1.0.0" in out
    code, out, _ = run_cli("schema", "cn.dept-overall-self-eval")
    assert code == 0 and json.loads(out)["properties"]["funds"]
    assert run_cli("schema", "nope")[0] == 2


def test_seed_indicators_reach_their_targets(auditor):
    result = auditor.check_file(SEED_FORM)
    # 20 indicators: 19 judged and reached; 职称或以上 (a misprint of 称职或以上) is qualitative
    assert result.outcomes["indicators.reaches-target"].to_dict() == {
        "passed": 19, "failed": 0, "not_applicable": 1, "not_evaluable": 0}
    assert result.outcomes["indicators.achieved-has-figure"].failed == 0
    assert not [f for f in result.findings if f.pointer.startswith("/tasks") and f.severity != "info"]


def test_a_missed_indicator_is_an_error_at_its_achieved_value(auditor, seed):
    form = copy.deepcopy(seed)
    form["tasks"][1]["indicators"][4]["achieved"] = "信访案件办结率达90%"   # target 95%
    result = auditor.check_form(form)
    f = by_rule(result)[("indicators.reaches-target", "/tasks/1/indicators/4/achieved")]
    assert f.severity == "error" and "信访案件办结率" in f.message


def test_api_takes_paths_as_text_and_digests_dict_forms(auditor, seed):
    assert auditor.check_file(str(SEED_FORM)).sha256 == __import__("hashlib").sha256(SEED_FORM.read_bytes()).hexdigest()
    first, again = auditor.check_form(seed).sha256, auditor.check_form(copy.deepcopy(seed)).sha256
    assert first == again and len(first) == 64
    changed = copy.deepcopy(seed)
    changed["year"] = 2022
    assert auditor.check_form(changed).sha256 != first


def test_a_folder_walk_checks_forms_not_packs(tmp_path):
    (tmp_path / "form.yaml").write_text(SEED_FORM.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "pack.yaml").write_text("pack: a.b\nversion: 1.0.0\nform_type: cn.dept-overall-self-eval\nrules: []\n",
                                        encoding="utf-8")
    (tmp_path / "tests.yaml").write_text("forms:\n  - form:\n      form_type: cn.dept-overall-self-eval\n",
                                         encoding="utf-8")
    code, out, err = run_cli("check", str(tmp_path), "--format", "json")
    assert [r["input"].rsplit("/", 1)[1] for r in json.loads(out)["results"]] == ["form.yaml"]
    assert "pack.yaml: skipped" in err and "tests.yaml: skipped" in err
