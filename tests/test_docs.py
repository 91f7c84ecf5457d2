"""The examples in docs/ are tests. Markers (HTML comments) say what a block is:

- ``<!-- doc-test: pack NAME -->`` then a ```yaml block: a pack; its examples must all behave;
- ``<!-- doc-test: form NAME -->`` then a ```yaml block: form data;
- ``<!-- doc-test: findings PACK FORM -->`` then a ```json list: the findings (each listed key must
  match) of checking that form with that pack, in order;
- ``<!-- doc-test: expressions -->`` then a Markdown table ``| expression | item | result |``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from formaudit import Auditor
from formaudit.errors import NotEvaluable
from formaudit.expressions import Scope, compile_expression
from formaudit.figures import Figure, Truth
from formaudit.packtest import describe, run_examples
from formaudit.registry import Registry
from formaudit.values import convert

DOCS = Path(__file__).resolve().parents[1] / "docs"
MARKER = re.compile(r"<!-- doc-test: (\w+)\s*([^>]*?)\s*-->\s*\n(```(\w+)\n(.*?)\n```|((?:\|[^\n]*\|\n?)+))", re.S)


def doc_blocks():
    out = []
    for path in sorted(DOCS.rglob("*.md")):
        for m in MARKER.finditer(path.read_text(encoding="utf-8")):
            kind, args = m.group(1), m.group(2).split()
            body = m.group(5) if m.group(5) is not None else m.group(6)
            out.append((path, kind, args, body))
    return out


BLOCKS = doc_blocks()


def test_docs_have_examples():
    kinds = {k for _, k, _, _ in BLOCKS}
    assert {"pack", "form", "findings", "expressions"} <= kinds


def _named(path: Path, kind: str, name: str) -> str:
    for p, k, args, body in BLOCKS:
        if p == path and k == kind and args and args[0] == name:
            return body
    raise AssertionError(f"{path}: no {kind} block named {name}")


@pytest.mark.parametrize("path, name, body", [(p, a[0], b) for p, k, a, b in BLOCKS if k == "pack"],
                         ids=lambda v: v if isinstance(v, str) and len(v) < 40 else "")
def test_doc_pack_examples_behave(tmp_path, path, name, body):
    pack_file = tmp_path / f"{name}.yaml"
    pack_file.write_text(body, encoding="utf-8")
    pack = Auditor().load_pack(pack_file)
    results = run_examples(pack)
    assert results, f"{path}: pack {name} has no examples"
    assert all(r.ok for r in results), [describe(r) for r in results if not r.ok]


@pytest.mark.parametrize("path, args, body", [(p, a, b) for p, k, a, b in BLOCKS if k == "findings"],
                         ids=lambda v: " ".join(v) if isinstance(v, list) else "")
def test_doc_findings(tmp_path, path, args, body):
    pack_name, form_name = args
    pack_file = tmp_path / "pack.yaml"
    pack_file.write_text(_named(path, "pack", pack_name), encoding="utf-8")
    form = yaml.safe_load(_named(path, "form", form_name))
    result = Auditor(packs=[pack_file]).check_form(form)
    expected = json.loads(body)
    got = [f.to_dict() for f in result.findings]
    assert len(got) == len(expected), got
    for want, have in zip(expected, got):
        assert {k: have.get(k) for k in want} == want


def _expression_rows():
    rows = []
    for path, kind, _, body in BLOCKS:
        if kind != "expressions":
            continue
        for line in body.strip().splitlines()[2:]:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            rows.append((path.name, cells[0].strip("`"), cells[1].strip("`"), cells[2]))
    return rows


@pytest.mark.parametrize("doc, source, item, result", _expression_rows())
def test_doc_expressions(doc, source, item, result):
    functions = Registry.discover().functions()
    record = convert(json.loads(item), "")
    expr = compile_expression(source, functions)
    if result.startswith("not evaluable"):
        with pytest.raises(NotEvaluable) as info:
            expr(Scope(item=record, form=record))
        assert result.split(":", 1)[1].strip() in info.value.reason
        return
    value = expr(Scope(item=record, form=record))
    shown = value.name if isinstance(value, Truth) else str(value) if isinstance(value, Figure) else value
    assert shown == result
