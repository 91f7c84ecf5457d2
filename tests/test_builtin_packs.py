"""Every built-in pack is held to full coverage: it loads, lints clean, every example (and every form of
its tests file) behaves as it says, every rule has a passing and a failing example; its generated
documentation in docs/rules/ is current; it carries the line that lets an editor validate it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from formaudit.lint import lint_pack
from formaudit.packdoc import write_docs
from formaudit.packs import PackLoader
from formaudit.packtest import (
    coverage_gaps,
    default_tests_file,
    describe,
    describe_form_test,
    load_tests,
    run_examples,
    run_form_test,
)
from formaudit.registry import Registry
from formaudit.testing import run_cli

ROOT = Path(__file__).resolve().parents[1]
REGISTRY = Registry.discover()
PACK_IDS = REGISTRY.pack_ids()
SCHEMA_LINE = "# yaml-language-server: $schema=../../engine/pack.schema.json"


@pytest.fixture(scope="module")
def loader():
    return PackLoader(REGISTRY)


def test_there_are_builtin_packs():
    assert "cn.dept-overall-self-eval" in PACK_IDS


@pytest.mark.parametrize("pack_id", PACK_IDS)
def test_examples_behave(loader, pack_id):
    pack = loader.load(pack_id)
    results = run_examples(pack)
    assert results, f"{pack_id} has no examples"
    assert all(r.ok for r in results), [describe(r) for r in results if not r.ok]


@pytest.mark.parametrize("pack_id", PACK_IDS)
def test_every_rule_has_a_passing_and_a_failing_example(loader, pack_id):
    assert coverage_gaps(loader.load(pack_id)) == []


@pytest.mark.parametrize("pack_id", PACK_IDS)
def test_tests_file_behaves(loader, pack_id):
    pack = loader.load(pack_id)
    path = default_tests_file(pack.file)
    if not path.is_file():
        pytest.skip(f"{pack_id} has no tests file")
    results = [run_form_test(pack, t, None, REGISTRY) for t in load_tests(path)]
    assert all(r.ok for r in results), [describe_form_test(r) for r in results if not r.ok]


@pytest.mark.parametrize("pack_id", PACK_IDS)
def test_lints_clean(pack_id):
    result = lint_pack(pack_id, REGISTRY)
    assert result.diagnostics == [], "\n".join(str(d) for d in result.diagnostics)


@pytest.mark.parametrize("pack_id", PACK_IDS)
def test_pack_test_command_passes(pack_id):
    code, out, _ = run_cli("pack", "test", "--require-coverage", pack_id)
    assert code == 0, out


@pytest.mark.parametrize("pack_id", PACK_IDS)
def test_editor_schema_line(pack_id):
    # the line is for editors working in the repository, so it is resolved from the repository's copy
    # (in an installed wheel the pack schema sits elsewhere)
    pack_file = ROOT / "rulepacks" / pack_id / "pack.yaml"
    first = pack_file.read_text(encoding="utf-8").splitlines()[0]
    assert first == SCHEMA_LINE, f"{pack_id}: the first line should be {SCHEMA_LINE!r} (see docs/zh/packs.md)"
    target = (pack_file.parent / SCHEMA_LINE.split("=", 1)[1]).resolve()
    assert target == (ROOT / "engine" / "pack.schema.json").resolve()


def test_published_pack_schema_is_current():
    published = json.loads((ROOT / "docs" / "pack.schema.json").read_text(encoding="utf-8"))
    shipped = json.loads((ROOT / "engine" / "pack.schema.json").read_text(encoding="utf-8"))
    assert published == shipped, "docs/pack.schema.json is stale: formaudit pack schema -o docs/pack.schema.json"
    code, out, _ = run_cli("pack", "schema")
    assert code == 0 and json.loads(out) == shipped


def test_docs_rules_are_current(loader, tmp_path):
    written = write_docs([loader.load(p) for p in PACK_IDS], tmp_path)
    expected = {p.name: p.read_text(encoding="utf-8") for p in written}
    current = {p.name: p.read_text(encoding="utf-8") for p in (ROOT / "docs" / "rules").glob("*.md")}
    stale = sorted(name for name in expected.keys() | current.keys() if expected.get(name) != current.get(name))
    assert not stale, f"docs/rules/ is stale ({', '.join(stale)}): run formaudit pack doc --all -o docs/rules/"
