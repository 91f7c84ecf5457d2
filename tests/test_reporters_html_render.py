"""The HTML report rendered by a real browser (headless Chromium): every finding is in the page it builds,
and nothing in a form's text turns into markup or script.

Chromium is the Debian package ``chromium`` (.ci/run installs it when missing); the test is skipped, saying
so, only when no Chromium or Chrome can be found at all (set FORMAUDIT_CHROMIUM to point at one).
"""

from __future__ import annotations

import importlib.util
import io
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from formaudit.registry import Registry
from formaudit.testing import run_cli

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "examples" / "forms" / "liwan-duobao-2021.yaml"


def _chromium() -> str | None:
    candidates = [os.environ.get("FORMAUDIT_CHROMIUM", ""), "chromium", "chromium-browser", "google-chrome",
                  "google-chrome-stable", "chrome"]
    for name in candidates:
        if name and (path := shutil.which(name)):
            return path
    return None


CHROMIUM = _chromium()
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium or Chrome found (apt-get install chromium, "
                                                          "or set FORMAUDIT_CHROMIUM)")


def render_dom(page: Path, tmp_path: Path) -> str:
    """The DOM Chromium builds from the page (after parsing and any script — the page has none)."""
    proc = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                           "--disable-extensions", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
                           "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "<body" in proc.stdout, proc.stderr[-2000:]
    return proc.stdout


class _Elements(HTMLParser):
    """Tags, and the text inside each finding article keyed by its id."""

    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.articles: dict[str, str] = {}
        self._open: list[str] = []
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        attrs = dict(attrs)
        if tag == "article" and "finding" in (attrs.get("class") or ""):
            self._open.append(attrs["id"])
            self.articles[attrs["id"]] = ""
            self._depth = 0
        elif self._open and tag == "article":
            self._depth += 1

    def handle_endtag(self, tag):
        if tag == "article" and self._open:
            if self._depth:
                self._depth -= 1
            else:
                self._open.pop()

    def handle_data(self, data):
        for key in self._open:
            self.articles[key] += data


def check_page(report, page: Path, tmp_path: Path) -> _Elements:
    dom = render_dom(page, tmp_path)
    parsed = _Elements()
    parsed.feed(dom)
    findings = [(i, f) for i, r in enumerate(report.results) for f in r.findings]
    assert len(parsed.articles) == len(findings)
    for i, f in findings:
        text = parsed.articles.get(f"f-{i}-{f.fingerprint}")
        assert text is not None, f"finding {f.fingerprint} is not in the rendered page"
        assert f.fingerprint in text and " ".join(f.message.split()) in " ".join(text.split())
        if f.waiver is not None:
            assert f.waiver["reason"] in text
    for r in report.results:
        if r.sha256:
            assert r.sha256 in dom
    assert "script" not in parsed.tags and "iframe" not in parsed.tags
    return parsed


def test_fixture_report_renders_every_finding_and_no_markup_from_data(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    spec = importlib.util.spec_from_file_location("formaudit_test_build_report",
                                                  ROOT / "tests" / "fixtures" / "reporters" / "build_report.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    report = module.build()
    out = io.StringIO()
    Registry.discover().reporter("html")().write(report, out)
    page = tmp_path / "fixture.html"
    page.write_text(out.getvalue(), encoding="utf-8")
    parsed = check_page(report, page, tmp_path)
    nasty = next(text for key, text in parsed.articles.items() if "5555eeee6666ffff" in key)
    assert "<script>alert(1)</script>" in nasty, "the text is shown as text"
    assert not {"b", "i"} & set(parsed.tags), "markup in pack titles stays text"


def test_seed_form_report_renders_every_finding(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    page = tmp_path / "seed.html"
    code, _, err = run_cli("check", str(SEED.relative_to(ROOT)), "--format", "html", "-o", str(page))
    assert code == 1, err
    from formaudit import Auditor

    auditor = Auditor()
    report = auditor.check_paths([str(SEED.relative_to(ROOT))])
    assert report.results[0].findings
    check_page(report, page, tmp_path)
    assert re.search(r"财预〔2013〕53号", page.read_text(encoding="utf-8"))
