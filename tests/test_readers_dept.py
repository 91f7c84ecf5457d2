"""The department text reader on the seed: equal to the hand transcription, field by field."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from formaudit import Auditor
from formaudit.plugins.readers.depttext import DeptTextReader

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "documents" / "liwan-duobao-2021.txt"
TRANSCRIPTION = ROOT / "examples" / "forms" / "liwan-duobao-2021.yaml"


@pytest.fixture(scope="module")
def read():
    return DeptTextReader().read(SEED)


@pytest.fixture(scope="module")
def expected():
    return yaml.safe_load(TRANSCRIPTION.read_text(encoding="utf-8"))


def _leaves(value, pointer=""):
    if isinstance(value, dict):
        for k, v in value.items():
            if k != "provenance":
                yield from _leaves(v, f"{pointer}/{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _leaves(v, f"{pointer}/{i}")
    else:
        yield pointer, value


def _get(form, pointer):
    for part in pointer.strip("/").split("/"):
        form = form[int(part)] if isinstance(form, list) else form[part]
    return form


def test_seed_accepted_by_content():
    head = SEED.read_bytes()[:65536]
    assert DeptTextReader().accepts(SEED, head)
    assert not DeptTextReader().accepts(Path("x.txt"), "项目支出绩效自评表 年度资金总额".encode())


def test_seed_equals_transcription_field_by_field(read, expected):
    got = dict(_leaves(read.form))
    want = dict(_leaves(expected))
    assert sorted(got) == sorted(want)
    for pointer, value in want.items():
        assert str(got[pointer]) == str(value), pointer


def test_seed_counts(read):
    form = read.form
    assert [f["source"] for f in form["funds"]] == ["合计", "一般公共预算", "政府性基金"]
    assert [len(t["indicators"]) for t in form["tasks"]] == [4, 5, 3, 4, 4]
    assert [t["funds"] for t in form["tasks"]] == ["446", "233", "2286", "1241", "281"]
    assert read.unparsed == []


def test_seed_provenance_lines_equal_transcription(read, expected):
    prov = read.form["provenance"]
    for pointer, where in expected["provenance"].items():
        assert prov[pointer]["line"] == where["line"], pointer
        if "column" in where:
            assert prov[pointer]["column"] == where["column"], pointer
        assert prov[pointer]["file"] == SEED.name
    # every extracted value has its line
    for pointer, _ in _leaves(read.form):
        if pointer != "/form_type":
            assert pointer in prov, pointer


def test_check_seed_text_same_findings_as_transcription():
    auditor = Auditor()
    from_text = auditor.check_file(SEED)
    from_form = auditor.check_file(TRANSCRIPTION)
    assert not from_text.errors and not from_form.errors

    def key(f):
        return (f.rule, f.pointer, f.severity, f.message)

    assert sorted(map(key, from_text.findings)) == sorted(map(key, from_form.findings))
    for f in from_text.findings:
        assert f.source and f.source["line"], f
        assert Path(f.source["file"]) == SEED.relative_to(ROOT) or Path(f.source["file"]).resolve() == SEED
