"""The example third-party plugin (examples/plugin-example), installed the way a user would: a fresh
virtual environment (no system or outer site-packages), formaudit installed from a copy of this
repository (not editable), the plugin beside it; then used through entry points only. Broken, duplicate
and badly named plugins must give one clear line and exit status 2.

Slow (a venv and two package builds, ~30 s): deselect with ``-m "not slow"``; CI runs it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "plugin-example"
_IGNORE = shutil.ignore_patterns("__pycache__", "*.egg-info", "build", "dist", ".pytest_cache")


class Env:
    def __init__(self, base: Path):
        self.base = base
        self.bin = base / "venv" / "bin"
        self.demo = base / "demo"
        self.site = Path(self.python("-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout.strip())

    def run(self, *argv: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
        return subprocess.run(argv, cwd=cwd or self.demo, env=env, capture_output=True, text=True, timeout=600)

    def python(self, *argv: str) -> subprocess.CompletedProcess:
        return self.run(str(self.bin / "python"), *argv, cwd=self.base)

    def formaudit(self, *argv: str) -> subprocess.CompletedProcess:
        return self.run(str(self.bin / "formaudit"), *argv)

    def fake_distribution(self, name: str, entry_points: str, module: str, code: str) -> list[Path]:
        """An installed distribution as importlib.metadata sees one: a .dist-info folder and a module."""
        info = self.site / f"{name.replace('-', '_')}-0.1.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n", encoding="utf-8")
        (info / "entry_points.txt").write_text(entry_points, encoding="utf-8")
        py = self.site / f"{module}.py"
        py.write_text(code, encoding="utf-8")
        return [info, py]


def _copy_formaudit_sources(dest: Path) -> None:
    """What building formaudit needs: pyproject.toml, the readme, and the folders it maps to packages."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    dest.mkdir(parents=True)
    shutil.copy2(ROOT / "pyproject.toml", dest)
    readme = config["project"].get("readme")
    if isinstance(readme, str):
        shutil.copy2(ROOT / readme, dest)
    folders = {p.split("/")[0] for p in config["tool"]["setuptools"]["package-dir"].values()}
    for folder in sorted(folders):
        shutil.copytree(ROOT / folder, dest / folder, ignore=_IGNORE)


@pytest.fixture(scope="module")
def env(tmp_path_factory) -> Env:
    base = tmp_path_factory.mktemp("plugin-env")
    _copy_formaudit_sources(base / "src" / "formaudit")
    shutil.copytree(EXAMPLE, base / "src" / "plugin-example", ignore=_IGNORE)
    shutil.copytree(EXAMPLE / "demo", base / "demo")
    subprocess.run([sys.executable, "-m", "venv", str(base / "venv")], check=True, timeout=300)
    install = subprocess.run([str(base / "venv" / "bin" / "python"), "-m", "pip", "install", "-q",
                              "--disable-pip-version-check", str(base / "src" / "formaudit"),
                              str(base / "src" / "plugin-example")], capture_output=True, text=True, timeout=900)
    assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]
    return Env(base)


def test_formaudit_and_the_plugin_are_installed_not_borrowed(env):
    where = env.python("-c", "import formaudit, formaudit_example; print(formaudit.__file__); "
                             "print(formaudit_example.__file__)").stdout.split()
    assert all(Path(p).is_relative_to(env.site) for p in where), where
    assert (env.site / "formaudit" / "py.typed").is_file(), "py.typed ships in the wheel"
    assert (env.site / "formaudit_example" / "example.plugin-demo" / "pack.yaml").is_file()
    leaked = env.python("-c", "import sys; print([p for p in sys.path if p.startswith(%r)])" % str(ROOT))
    assert leaked.stdout.strip() == "[]"


def test_reader_function_reporter_and_pack_work_through_entry_points(env):
    proc = env.formaudit("check", "funds.csv", "--format", "github")
    assert proc.returncode == 1, proc.stderr
    lines = proc.stdout.splitlines()
    # the reader placed each cell (line and column in the CSV) and left the short row unparsed
    assert "::error file=funds.csv,line=6,col=38,title=funds.adjustment-rate::" in proc.stdout
    assert any(l.startswith("::notice file=funds.csv,line=8,title=unparsed::") for l in lines)
    assert lines[-1].startswith("formaudit ") and "cn.dept-overall-self-eval" in lines[-1]
    # the plugin's pack, found by id, calls the plugin's function
    proc = env.formaudit("check", "funds.csv", "--pack", "example.plugin-demo", "--format", "github")
    assert proc.returncode == 1, proc.stderr
    assert "title=funds.adjustment-rate-pct-change::一般公共预算：预算调整率填报 5.91%25，按 pct_change 计算应为 5.19%25" \
        in proc.stdout
    proc = env.formaudit("pack", "test", "example.plugin-demo")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    listed = env.formaudit("packs").stdout
    assert "example.plugin-demo\t0.1.0" in listed


def test_every_builtin_reporter_ships_in_the_wheel(env):
    for fmt in ("table", "json", "jsonl", "sarif", "junit", "markdown", "html", "xlsx"):
        proc = env.formaudit("check", "funds.csv", "--format", fmt, "-o", f"out.{fmt}")
        assert proc.returncode == 1, (fmt, proc.stderr)
        assert (env.demo / f"out.{fmt}").stat().st_size > 200, fmt


def test_a_broken_plugin_fails_only_when_used_and_says_which(env):
    made = env.fake_distribution("broken-plugin", "[formaudit.reporters]\nbroken = broken_plugin:Reporter\n",
                                 "broken_plugin", "raise RuntimeError('boom at import')\n")
    try:
        proc = env.formaudit("check", "funds.csv", "--format", "broken")
        assert proc.returncode == 2 and proc.stdout == ""
        assert proc.stderr.strip() == ("formaudit: plugin-load: plugin 'broken' (formaudit.reporters, from broken-plugin: "
                                       "broken_plugin:Reporter) failed to load: RuntimeError: boom at import")
        assert "Traceback" not in proc.stderr
        assert env.formaudit("check", "funds.csv", "--format", "json").returncode == 1, "others still load"
    finally:
        for path in made:
            shutil.rmtree(path) if path.is_dir() else path.unlink()


def test_a_duplicate_plugin_is_refused_naming_both_distributions(env):
    made = env.fake_distribution("dup-plugin", "[formaudit.reporters]\ngithub = dup_plugin:Reporter\n",
                                 "dup_plugin", "class Reporter:\n    name = 'github'\n")
    try:
        proc = env.formaudit("check", "funds.csv", "--format", "json")
        assert proc.returncode == 2 and proc.stdout == ""
        assert proc.stderr.strip() == ("formaudit: plugin-duplicate: two plugins named 'github' in formaudit.reporters: "
                                       "dup_plugin:Reporter from dup-plugin and formaudit_example.reporter:GithubReporter "
                                       "from formaudit-example-plugin")
    finally:
        for path in made:
            shutil.rmtree(path) if path.is_dir() else path.unlink()


def test_a_badly_named_plugin_is_refused(env):
    made = env.fake_distribution("badname-plugin", "[formaudit.functions]\nBad-Name = badname_plugin:f\n",
                                 "badname_plugin", "def f(x):\n    return x\n")
    try:
        proc = env.formaudit("check", "funds.csv")
        assert proc.returncode == 2
        assert "plugin name 'Bad-Name' in formaudit.functions (from badname-plugin) is not a valid name" in proc.stderr
    finally:
        for path in made:
            shutil.rmtree(path) if path.is_dir() else path.unlink()
