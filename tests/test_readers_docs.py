"""docs/readers.md: the xlsx template example runs as written; the table of real forms matches the pins."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from formaudit.plugins.readers.xlsx import Template

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "readers.md"


def _block(text: str, info: str) -> str:
    m = re.search(rf"```{re.escape(info)}\n(.*?)```", text, re.S)
    assert m, info
    return m.group(1)


def test_template_example_runs(tmp_path):
    text = DOC.read_text(encoding="utf-8")
    template = tmp_path / "bureau.yaml"
    template.write_text(_block(text, "yaml template"), encoding="utf-8")
    Template.load(template)  # valid
    code = _block(text, "python")
    exec(compile(code, str(DOC), "exec"), {"BOOK": tmp_path / "book.xlsx", "TEMPLATE": template})


def test_format_reference_is_a_valid_template_shape():
    text = DOC.read_text(encoding="utf-8")
    ref = re.search(r"## xlsx templates\n\n```yaml\n(.*?)```", text, re.S).group(1)
    data = yaml.safe_load(ref.replace("{A1: …}", "{A1: x}"))
    assert set(data) <= {"template", "form_type", "description", "sheet", "match", "labels", "fields", "lists", "trailer"}


def test_real_form_table_matches_what_is_read():
    from formaudit import Auditor

    text = DOC.read_text(encoding="utf-8")
    rows = re.findall(r"^\| ([a-z0-9-]+) \| [^|]+ \| (\d+) \| ([^|]+) \| (\d+) \|$", text, re.M)
    assert len(rows) == 8
    auditor = Auditor()
    for name, total, parts, unparsed in rows:
        path = ROOT / "examples" / "documents" / f"{name}.txt"
        if not path.exists():
            path = ROOT / "tests" / "fixtures" / "readers" / f"{name}.txt"
        read = auditor.read(path)
        indicators = read.form.get("indicators", [])
        assert len(indicators) == int(total), name
        if parts.strip() != "—":
            want = [int(x) for x in parts.split("/")]
            assert [sum(1 for i in indicators if f in i) for f in ("target", "achieved", "weight", "score")] == want, name
        assert len(read.unparsed) == int(unparsed), name


def test_shipped_templates_listed():
    text = DOC.read_text(encoding="utf-8")
    for name in ("dept-text", "project-text", "xlsx", "pdf", "formdata"):
        assert f"| `{name}` |" in text
