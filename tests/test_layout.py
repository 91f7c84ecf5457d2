"""The package layout of SPEC §1: the folders map to formaudit, formaudit.plugins, formaudit.rulepacks."""

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDER_OF = {"formaudit": "engine", "formaudit.plugins": "plugins", "formaudit.rulepacks": "rulepacks"}


def test_engine_and_plugins_never_imported_by_folder_name():
    code = ("import formaudit, formaudit.cli, formaudit.api, formaudit.plugins.functions.core; import sys; "
            "from formaudit.testing import run_cli; run_cli('packs'); "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('engine', 'plugins')]; print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd="/", check=True).stdout
    assert out.strip() == "[]"


def test_every_package_folder_is_listed():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    found = set()
    for prefix, folder in FOLDER_OF.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            rel = init.parent.relative_to(ROOT / folder)
            found.add(".".join([prefix, *rel.parts]) if rel.parts else prefix)
    assert found == listed


def test_builtins_register_through_entry_points():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    groups = config["project"]["entry-points"]
    assert {"formaudit.rulepacks", "formaudit.functions", "formaudit.reporters", "formaudit.readers"} <= set(groups)
    for pack_id in groups["formaudit.rulepacks"]:
        assert (ROOT / "rulepacks" / pack_id / "pack.yaml").is_file(), pack_id
