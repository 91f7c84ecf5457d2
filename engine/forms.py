"""Reading form data files (JSON, YAML) safely: Decimal figures, no NaN, bounded size, positions kept."""

from __future__ import annotations

import json
import re
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


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return out


class _DuplicateKey(ValueError):
    pass


_SURROGATE = re.compile("[\ud800-\udfff]")


def _check_text(data: Any, file: str) -> None:
    """Refuse unpaired surrogates (``"\\ud800"`` in JSON): not Unicode, they cannot be printed or hashed."""
    stack = [("", data)]
    while stack:
        pointer, node = stack.pop()
        if isinstance(node, dict):
            for k, v in node.items():
                child = f"{pointer}/{k}"
                if not k.isascii() and _SURROGATE.search(k):
                    raise InputError(f"a key at {pointer or '/'} holds an unpaired surrogate: not valid Unicode",
                                     file=file, code="input-encoding")
                stack.append((child, v))
        elif isinstance(node, list):
            stack.extend((f"{pointer}/{i}", v) for i, v in enumerate(node))
        elif isinstance(node, str) and not node.isascii() and _SURROGATE.search(node):
            raise InputError(f"the text at {pointer or '/'} holds an unpaired surrogate (an escape such as "
                             f"\\ud800): not valid Unicode", file=file, code="input-encoding")


def parse_form_text(text: str, file: str, kind: str) -> tuple[Any, Positions]:
    """Parse form data. ``kind`` is ``json`` or ``yaml``. Raises InputError naming file, line, column."""
    if kind == "json":
        _check_json_depth(text, file)
        try:
            data = json.loads(text, parse_float=_json_decimal, parse_int=_json_int, parse_constant=_no_constant,
                              object_pairs_hook=_no_duplicates)
        except _DuplicateKey as exc:
            raise InputError(f"duplicate key '{exc}' (the value before it would be lost)", file=file,
                             code="json-duplicate-key") from None
        except json.JSONDecodeError as exc:
            raise InputError(f"not valid JSON: {exc.msg}", file=file, line=exc.lineno, column=exc.colno,
                             code="json-syntax") from None
        except ValueError as exc:
            raise InputError(f"not valid form data: {exc}", file=file, code="json-number") from None
        except RecursionError:
            raise InputError("JSON nested too deeply", file=file, code="json-too-deep") from None
        _check_text(data, file)
        return data, Positions()
    return load_yaml(text, file, error=InputError)


_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?|[\[\]{}]')  # a whole string in one step


def _check_json_depth(text: str, file: str) -> None:
    """Refuse JSON nested more than MAX_JSON_DEPTH deep before parsing it (strings skipped in one step each)."""
    depth = 0
    for m in _JSON_TOKEN.finditer(text):
        ch = m.group()
        if ch in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
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
