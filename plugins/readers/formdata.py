"""Form data itself: a JSON or YAML document with a ``form_type``."""

from __future__ import annotations

from pathlib import Path

from formaudit.errors import InputError
from formaudit.forms import parse_form_text, read_text
from formaudit.reading import ReadResult

_EXTENSIONS = {".json": "json", ".yaml": "yaml", ".yml": "yaml"}


class FormDataReader:
    name = "formdata"

    def accepts(self, path: Path, head: bytes) -> bool:
        if path.suffix.lower() not in _EXTENSIONS:
            return False
        return b"form_type" in head or not head.strip()

    def read(self, path: Path) -> ReadResult:
        kind = _EXTENSIONS.get(path.suffix.lower(), "yaml")
        file = str(path)
        data, positions = parse_form_text(read_text(path), file, kind)
        if not isinstance(data, dict):
            raise InputError("form data is a mapping (JSON object) with a form_type", file=file, line=1,
                             code="input-not-a-form")
        return ReadResult(form=data, reader=self.name, positions=dict(positions))
