"""Form data itself: a JSON or YAML document with a ``form_type``."""

from __future__ import annotations

import re
from pathlib import Path

from formaudit.errors import InputError
from formaudit.forms import parse_form_text, read_text
from formaudit.reading import ReadResult

_EXTENSIONS = {".json": "json", ".yaml": "yaml", ".yml": "yaml"}
# form data has form_type at its top level; a rule pack (pack:, rules:) or a pack's tests file merely
# mentions form types, indented or under another key
_YAML_FORM = re.compile(rb"^form_type\s*:", re.M)
_YAML_PACK = re.compile(rb"^(pack|rules|extends)\s*:", re.M)
_JSON_FORM = re.compile(rb'"form_type"\s*:')


class FormDataReader:
    name = "formdata"

    def accepts(self, path: Path, head: bytes) -> bool:
        kind = _EXTENSIONS.get(path.suffix.lower())
        if kind is None:
            return False
        if not head.strip():
            return True  # an empty file: reading it says so
        if kind == "json":
            return bool(_JSON_FORM.search(head))
        return bool(_YAML_FORM.search(head)) and not _YAML_PACK.search(head)

    def read(self, path: Path) -> ReadResult:
        kind = _EXTENSIONS.get(path.suffix.lower(), "yaml")
        file = str(path)
        data, positions = parse_form_text(read_text(path), file, kind)
        if not isinstance(data, dict):
            raise InputError("form data is a mapping (JSON object) with a form_type", file=file, line=1,
                             code="input-not-a-form")
        return ReadResult(form=data, reader=self.name, positions=dict(positions))
