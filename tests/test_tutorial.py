"""The tutorials (docs/tutorial.md, docs/zh/tutorial.md) and the Chinese pack reference (docs/zh/packs.md)
are tests:

- every ```console block: each ``$ formaudit …`` line runs (from a copy of examples/bureau-pack, so that
  paths read as in the docs) and prints what the block shows after it. ``...`` alone on a line matches
  any lines; ``...`` inside a line matches any text. A command ending in ``; echo "exit $?"`` shows its
  exit status as the last line; any other command must exit 0.
- ``<!-- tutorial-file: PATH -->`` before a ```yaml block: the block is an excerpt of that file, verbatim.
- every ``<!-- doc-test: pack NAME -->`` block of these pages lints clean (tests/test_docs.py runs its
  examples).
"""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest
from formaudit.lint import lint_pack
from formaudit.testing import run_cli

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "docs" / "tutorial.md", ROOT / "docs" / "zh" / "tutorial.md"]
REFERENCE = ROOT / "docs" / "zh" / "packs.md"
CONSOLE = re.compile(r"^```console\n(.*?)^```", re.S | re.M)
FILE_BLOCK = re.compile(r"<!-- tutorial-file: (\S+) -->\s*\n```yaml\n(.*?)^```", re.S | re.M)
PACK_BLOCK = re.compile(r"<!-- doc-test: pack (\S+) -->\s*\n```yaml\n(.*?)^```", re.S | re.M)
ECHO = '; echo "exit $?"'


def sessions(page: Path) -> list[tuple[str, list[str]]]:
    out: list[tuple[str, list[str]]] = []
    for block in CONSOLE.findall(page.read_text(encoding="utf-8")):
        for line in block.splitlines():
            if line.startswith("$ "):
                out.append((line[2:], []))
            elif out:
                out[-1][1].append(line)
    return out


def matches(expected: list[str], actual: list[str]) -> bool:
    """Doctest-like: ``...`` alone matches any lines, inside a line any text; trailing blanks ignored."""
    expected = [e.rstrip() for e in expected]
    actual = [a.rstrip() for a in actual]
    while expected and not expected[-1]:
        expected.pop()
    while actual and not actual[-1]:
        actual.pop()

    def line_ok(e: str, a: str) -> bool:
        if "..." not in e:
            return e == a
        return re.fullmatch(".*".join(re.escape(part) for part in e.split("...")), a) is not None

    def go(i: int, j: int) -> bool:
        if i == len(expected):
            return j == len(actual)
        if expected[i] == "...":
            return any(go(i + 1, k) for k in range(j, len(actual) + 1))
        return j < len(actual) and line_ok(expected[i], actual[j]) and go(i + 1, j + 1)

    return go(0, 0)


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    shutil.copytree(ROOT / "examples" / "bureau-pack", tmp_path / "examples" / "bureau-pack")
    (tmp_path / "docs").mkdir()
    shutil.copy(ROOT / "docs" / "pack.schema.json", tmp_path / "docs" / "pack.schema.json")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_tutorial_commands_print_what_the_page_shows(page, workdir):
    runs = sessions(page)
    assert len(runs) >= 6, f"{page}: the tutorial has lost its commands"
    for command, expected in runs:
        show_status = command.endswith(ECHO)
        argv = shlex.split(command[: -len(ECHO)] if show_status else command)
        assert argv[0] == "formaudit", command
        code, out, err = run_cli(*argv[1:])
        actual = out.splitlines()
        if show_status:
            actual.append(f"exit {code}")
        else:
            assert code == 0, f"{command}: exit {code}\n{out}{err}"
        assert matches(expected, actual), f"{page.name}: $ {command}\n--- page shows:\n" + "\n".join(expected) + \
            "\n--- it prints:\n" + "\n".join(actual)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_tutorial_yaml_is_the_example_pack(page):
    blocks = FILE_BLOCK.findall(page.read_text(encoding="utf-8"))
    assert blocks, f"{page}: no tutorial-file blocks"
    for path, body in blocks:
        text = (ROOT / path).read_text(encoding="utf-8")
        assert body in text, f"{page.name}: the block for {path} is not an excerpt of it:\n{body}"


@pytest.mark.parametrize("page", PAGES + [REFERENCE], ids=lambda p: str(p.relative_to(ROOT)))
def test_pack_examples_on_the_page_lint_clean(page, tmp_path):
    blocks = PACK_BLOCK.findall(page.read_text(encoding="utf-8"))
    if page == REFERENCE:
        assert len(blocks) >= 3, "docs/zh/packs.md: its examples are tests; keep them marked"
    for name, body in blocks:
        path = tmp_path / f"{name}.yaml"
        path.write_text(body, encoding="utf-8")
        result = lint_pack(path)
        assert result.diagnostics == [], "\n".join(str(d) for d in result.diagnostics)


def test_the_example_pack_passes_its_tests():
    code, out, _ = run_cli("pack", "test", "--require-coverage", str(ROOT / "examples" / "bureau-pack" / "pack.yaml"))
    assert code == 0, out
    assert "form tests: 2 passed, 0 failed" in out
    result = lint_pack(ROOT / "examples" / "bureau-pack" / "pack.yaml")
    assert result.diagnostics == []


def test_matches_helper():
    assert matches(["a", "...", "d"], ["a", "b", "c", "d"])
    assert matches(["a ... d"], ["a b c d"])
    assert not matches(["a", "d"], ["a", "b", "d"])
    assert matches(["a", "..."], ["a"])
