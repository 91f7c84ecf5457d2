"""Reading form data files (JSON, YAML) safely: Decimal figures, no NaN, bounded size, positions kept."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from .errors import InputError
from .figures import parse_decimal
from .yamlsource import Positions, load_yaml

MAX_FORM_BYTES = 20 * 1024 * 1024
MAX_JSON_DEPTH = 200


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number a form can print")


def _json_decimal(text: str) -> Decimal:
    return parse_decimal(text)


def _json_int(text: str) -> int:
    if len(text.lstrip("-")) > 30:
        raise ValueError(f"number too long: {text[:40]}…")
    return int(text)


def parse_form_text(text: str, file: str, kind: str) -> tuple[Any, Positions]:
    """Parse form data. ``kind`` is ``json`` or ``yaml``. Raises InputError naming file, line, column."""
    if kind == "json":
        _check_json_depth(text, file)
        try:
            data = json.loads(text, parse_float=_json_decimal, parse_int=_json_int, parse_constant=_no_constant)
        except json.JSONDecodeError as exc:
            raise InputError(f"not valid JSON: {exc.msg}", file=file, line=exc.lineno, column=exc.colno,
                             code="json-syntax") from None
        except ValueError as exc:
            raise InputError(f"not valid form data: {exc}", file=file, code="json-number") from None
        except RecursionError:
            raise InputError("JSON nested too deeply", file=file, code="json-too-deep") from None
        return data, Positions()
    return load_yaml(text, file, error=InputError)


def _check_json_depth(text: str, file: str) -> None:
    depth = 0
    deepest = 0
    in_string = False
    escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
            continue
        if ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_JSON_DEPTH:
                    raise InputError(f"JSON nested more than {MAX_JSON_DEPTH} deep", file=file, code="json-too-deep")
        elif ch in "]}":
            depth -= 1


def read_text(path: Path) -> str:
    file = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FORM_BYTES:
            raise InputError(f"file is {size} bytes; form data is at most {MAX_FORM_BYTES} bytes", file=file,
                             code="input-too-large")
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", file=file, code="input-unreadable") from None
    if not data.strip():
        raise InputError("file is empty", file=file, code="input-empty")
    if b"\x00" in data[:8192]:
        raise InputError("binary file, not form data or a text document", file=file, code="input-binary")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(f"not UTF-8 text (invalid byte at offset {exc.start})", file=file, line=line,
                         code="input-encoding") from None
