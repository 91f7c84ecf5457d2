"""docs/testing-packs.md runs: its commands (``<!-- doc-test: shell EXIT -->``) with the output shown
after them (``<!-- doc-test: output -->``, ``…`` standing for anything), the weakened-pack output
(``<!-- doc-test: output-of weakened -->``), its Python (``<!-- doc-test: python -->``: the blocks run in
one namespace, then every ``test_*`` function they define), and its table of mutation kinds."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from formaudit.testing import MODELS, mutation_kinds, run_cli

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "testing-packs.md"
BLOCK = re.compile(r"<!-- doc-test: ([\w-]+)\s*([^>]*?)\s*-->\s*\n```(\w+)\n(.*?)\n```", re.S)
BLOCKS = [(m.group(1), m.group(2), m.group(4)) for m in BLOCK.finditer(DOC.read_text(encoding="utf-8"))]


def matches_in_order(shown: str, actual: str) -> None:
    """Every line shown must match a line of the actual output, in order; ``…`` matches anything."""
    lines = actual.splitlines()
    at = 0
    for want in shown.strip("\n").splitlines():
        pattern = re.compile(r"\s*" + r"\s+".join(".*?".join(re.escape(p) for p in word.split("…"))
                                                   for word in want.split()) + r"\s*$")
        for i in range(at, len(lines)):
            if pattern.match(lines[i]):
                at = i + 1
                break
        else:
            raise AssertionError(f"not in the output (after line {at}): {want!r}\n{actual[-3000:]}")


def test_doc_has_runnable_blocks():
    kinds = [k for k, _, _ in BLOCKS]
    assert {"shell", "output", "output-of", "python"} <= set(kinds)


def test_doc_commands_and_their_output(monkeypatch):
    monkeypatch.chdir(ROOT)
    ran = 0
    for i, (kind, args, body) in enumerate(BLOCKS):
        if kind != "shell":
            continue
        argv = shlex.split(body.strip())
        assert argv[0] == "formaudit"
        code, out, err = run_cli(*argv[1:])
        assert code == int(args), out[-2000:] + err
        if i + 1 < len(BLOCKS) and BLOCKS[i + 1][0] == "output":
            matches_in_order(BLOCKS[i + 1][2], out)
        ran += 1
    assert ran


def test_doc_weakened_pack_output(tmp_path):
    text = (ROOT / "rulepacks" / "cn.dept-overall-self-eval" / "pack.yaml").read_text(encoding="utf-8")
    blocks = re.split(r"(?m)^(?=  - id: )", text)
    kept = [b for b in blocks if not b.startswith("  - id: funds.adjustment-rate-undefined\n")]
    weak = tmp_path / "weakened.yaml"
    weak.write_text("".join(kept).replace("pack: cn.dept-overall-self-eval", "pack: test.weakened", 1),
                    encoding="utf-8")
    code, out, err = run_cli("pack", "test", str(weak), "--fuzz", "60")
    assert code == 1
    shown = next(body for kind, args, body in BLOCKS if kind == "output-of" and args == "weakened")
    matches_in_order(shown, out)


def test_doc_python(monkeypatch):
    monkeypatch.chdir(ROOT)
    namespace: dict = {"__name__": "testing_packs_doc"}
    for kind, _, body in BLOCKS:
        if kind == "python":
            exec(compile(body, f"{DOC}:python", "exec"), namespace)  # noqa: S102 - our own documentation
    tests = [f for name, f in namespace.items() if name.startswith("test_") and callable(f)]
    assert len(tests) >= 3
    for test in tests:
        test()


@pytest.mark.parametrize("form_type", sorted(MODELS))
def test_doc_lists_every_mutation_kind(form_type):
    row = next(line for line in DOC.read_text(encoding="utf-8").splitlines() if line.startswith(f"| `{form_type}` |"))
    listed = re.findall(r"`([a-z0-9-]+)`", row.split("|")[2])
    assert listed == list(mutation_kinds(form_type))
