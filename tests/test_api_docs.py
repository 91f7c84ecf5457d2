"""docs/api.md's ```python blocks run, in order, in one namespace, from the repository root; and the
public API is what the page says it is, typed."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import formaudit

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "api.md"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def test_every_python_block_of_api_md_runs(monkeypatch, capsys):
    text = DOC.read_text(encoding="utf-8")
    blocks = BLOCK.findall(text)
    assert len(blocks) >= 8
    monkeypatch.chdir(ROOT)
    namespace: dict = {"__name__": "api_md"}
    for i, block in enumerate(blocks, start=1):
        line = text[:text.index(block)].count("\n") + 1
        try:
            exec(compile(block, f"{DOC}:{line}", "exec"), namespace)
        except Exception as exc:  # name the block that failed
            raise AssertionError(f"docs/api.md block {i} (line {line}) failed: {type(exc).__name__}: {exc}") from exc


def test_the_table_lists_the_public_api():
    text = DOC.read_text(encoding="utf-8")
    table = text.split("## Check a file")[0]
    for name in formaudit.__all__:
        if name != "__version__":
            assert f"`{name}" in table, f"{name} is exported but not in docs/api.md's table"
    for name in re.findall(r"^\| `(\w+)", table, re.M):
        assert name in formaudit.__all__, f"docs/api.md lists {name}, which formaudit does not export"


def test_public_api_is_typed_and_ships_py_typed():
    assert (Path(formaudit.__file__).parent / "py.typed").is_file()
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "py.typed" in config["tool"]["setuptools"]["package-data"]["formaudit"]
    for name in ("Auditor", "Waivers", "Registry"):
        obj = getattr(formaudit, name)
        for attr, fn in vars(obj).items():
            fn = getattr(fn, "__func__", fn)
            if callable(fn) and not attr.startswith("_") and hasattr(fn, "__annotations__"):
                assert "return" in fn.__annotations__, f"{name}.{attr} has no return annotation"


def test_plugins_md_documents_every_plugin_group():
    from formaudit.registry import GROUPS

    text = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    for group in GROUPS:
        assert f"(`{group}`)" in text, f"docs/plugins.md has no section for {group}"


def test_reporters_md_documents_every_builtin_reporter():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    text = (ROOT / "docs" / "reporters.md").read_text(encoding="utf-8")
    for name in config["project"]["entry-points"]["formaudit.reporters"]:
        assert f"| `{name}`" in text, f"docs/reporters.md does not list the {name} reporter"
