"""YAML (and JSON) read safely, keeping where every value was in the file.

PyYAML's safe composer builds the node tree; we construct values ourselves so that
- every mapping, sequence and scalar is remembered with its 1-based line and column (``Positions``);
- numbers keep their printed digits (``4062.10`` stays the string ``"4062.10"`` when asked), so a form
  written in YAML without quotes loses no precision;
- only the standard tags are accepted (``!!python/…`` and every other tag is refused with its line);
- alias expansion is bounded (a "billion laughs" document is refused, not expanded).
"""

from __future__ import annotations

import bisect
import functools
import re
from typing import Any

import yaml

from .errors import FormauditError
from .figures import MAX_DIGITS, parse_decimal
from .values import escape as _escape

MAX_NODES = 200_000
MAX_DEPTH = 200
MAX_CHARS = 20 * 1024 * 1024
_PLAIN_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_PLAIN_FLOAT = re.compile(r"[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
_SURROGATE = re.compile("[\ud800-\udfff]")
_STANDARD = {
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:timestamp",
}


class Positions(dict):
    """JSON Pointer → (line, column) of the value, both 1-based; ``key_positions`` holds where each mapping
    key itself is written (for errors about a key rather than its value); ``scalars`` holds each
    scalar's style (``None`` plain, ``'``, ``"``, ``|``, ``>``) and its span in ``text``, so that
    ``char_at`` can name the line and column of one character inside a value (an expression's error)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.key_positions: dict[str, tuple[int, int]] = {}
        self.scalars: dict[str, tuple[str | None, int, int]] = {}
        self.text = ""
        self._places: dict[str, list[tuple[int, int]]] = {}

    def key_at(self, pointer: str) -> tuple[int | None, int | None]:
        return self.key_positions.get(pointer) or self.at(pointer)

    def char_at(self, pointer: str, offset: int) -> tuple[int | None, int | None]:
        """Line and column of character ``offset`` of the scalar value at ``pointer``: past the quote of
        a quoted scalar, on the right line of a block or folded scalar. Falls back to ``at(pointer)``."""
        span = self.scalars.get(pointer)
        if span is None or not self.text:
            line, col = self.at(pointer)
            return (line, col + offset) if line is not None and col is not None and pointer in self else (line, col)
        places = self._places.get(pointer)
        if places is None:  # once per value: a message with 5 000 placeholders asks 5 000 times
            places = self._places[pointer] = _value_places(self.text, *span)
        if not places:
            return self.at(pointer)
        return places[max(0, min(offset, len(places) - 1))]

    def at(self, pointer: str) -> tuple[int | None, int | None]:
        while True:
            if pointer in self:
                return self[pointer]
            if not pointer:
                return (None, None)
            pointer = pointer.rsplit("/", 1)[0]




@functools.lru_cache(maxsize=8)
def _newlines(text: str) -> list[int]:
    return [m.start() for m in re.finditer("\n", text)]


def _line_col(text: str, index: int) -> tuple[int, int]:
    # by bisection over the text's line breaks: counting them for every character made naming a column
    # inside a 300 000-character expression take 17 s
    breaks = _newlines(text)
    line = bisect.bisect_left(breaks, index)
    start = breaks[line - 1] + 1 if line else 0
    return line + 1, index - start + 1


def _value_places(text: str, style: str | None, start: int, end: int) -> list[tuple[int, int]]:
    """(line, column) of each character of a scalar's value, as YAML builds the value from the source
    between ``start`` and ``end``: quotes and escapes skipped, a line break folded into one character.
    Exact for one-line scalars and block scalars; close for multi-line flow scalars."""
    places: list[tuple[int, int]] = []
    raw_start, raw_end = start, end
    if style in ('"', "'"):
        raw_start, raw_end = start + 1, end - 1
    elif style in ("|", ">"):
        newline = text.find("\n", start, end)
        if newline < 0:
            return []
        raw_start = newline + 1
        lines = text[raw_start:end].split("\n")
        indents = [len(ln) - len(ln.lstrip(" ")) for ln in lines if ln.strip()]
        indent = min(indents) if indents else 0
        index = raw_start
        for ln in lines:
            body = index + min(indent, len(ln))
            for i in range(body, index + len(ln)):
                places.append(_line_col(text, i))
            places.append(_line_col(text, index + len(ln)))  # the line break, or the folding space
            index += len(ln) + 1
        return places
    i = raw_start
    while i < raw_end:
        ch = text[i]
        if ch == "\n":
            places.append(_line_col(text, i))
            i += 1
            while i < raw_end and text[i] in " \t":
                i += 1
            continue
        places.append(_line_col(text, i))
        if style == '"' and ch == "\\" and i + 1 < raw_end:
            width = {"x": 4, "u": 6, "U": 10}.get(text[i + 1], 2)
            i += width
        elif style == "'" and ch == "'" and i + 1 < raw_end and text[i + 1] == "'":
            i += 2
        else:
            i += 1
    places.append(_line_col(text, raw_end))  # one past the end: where a missing part would go
    return places


class _TooLarge(Exception):
    def __init__(self, mark: Any):
        super().__init__("too many nodes")
        self.mark = mark


class _CountingLoader(yaml.SafeLoader):
    """PyYAML's safe loader composing at most ``MAX_NODES`` nodes: a document of very many small values is
    refused while it is read, not after (a 12 MB list of 200 000 rows took 55 s and 1 GB to compose)."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self._nodes = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise _TooLarge(self.peek_event().start_mark)
        return super().compose_node(parent, index)


def load_yaml(text: str, file: str, *, numbers_as_text: bool = False,
              error: type[FormauditError] = FormauditError) -> tuple[Any, Positions]:
    """Parse one YAML document. Returns (data, positions). Raises ``error`` with file:line:col."""
    if len(text) > MAX_CHARS:
        raise error(f"document is {len(text)} characters long; at most {MAX_CHARS} are read", file=file,
                    code="yaml-too-large")
    try:
        node = yaml.compose(text, Loader=_CountingLoader)
    except _TooLarge as exc:
        raise error(f"document has more than {MAX_NODES} values", file=file, line=exc.mark.line + 1,
                    column=exc.mark.column + 1, code="yaml-too-large") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise error(f"not valid YAML: {exc.problem or exc.context}", file=file,
                    line=mark.line + 1 if mark else None, column=mark.column + 1 if mark else None,
                    code="yaml-syntax") from None
    except yaml.YAMLError as exc:
        raise error(f"not valid YAML: {exc}", file=file, code="yaml-syntax") from None
    except RecursionError:
        raise error("YAML nested too deeply", file=file, code="yaml-too-deep") from None
    positions = Positions()
    positions.text = text
    if node is None:
        return None, positions
    builder = _Builder(file, positions, numbers_as_text, error)
    return builder.build(node, "", 0), positions


class _Builder:
    def __init__(self, file: str, positions: Positions, numbers_as_text: bool, error: type[FormauditError]):
        self.file = file
        self.positions = positions
        self.numbers_as_text = numbers_as_text
        self.error = error
        self.count = 0
        self.constructor = yaml.SafeLoader.__new__(yaml.SafeLoader)
        yaml.constructor.SafeConstructor.__init__(self.constructor)

    def fail(self, node: yaml.Node, message: str, code: str) -> FormauditError:
        return self.error(message, file=self.file, line=node.start_mark.line + 1,
                          column=node.start_mark.column + 1, code=code)

    def build(self, node: yaml.Node, pointer: str, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise self.fail(node, f"document has more than {MAX_NODES} values (alias expansion?)", "yaml-too-large")
        if depth > MAX_DEPTH:
            raise self.fail(node, f"document nested more than {MAX_DEPTH} deep", "yaml-too-deep")
        if node.tag not in _STANDARD and not node.tag.startswith("tag:yaml.org,2002:merge"):
            raise self.fail(node, f"tag {node.tag} is not allowed (only plain YAML)", "yaml-tag")
        self.positions.setdefault(pointer, (node.start_mark.line + 1, node.start_mark.column + 1))
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            for key_node, value_node in self._pairs(node):
                key = self.build(key_node, pointer, depth + 1) if not isinstance(key_node, yaml.ScalarNode) \
                    else self._scalar(key_node, as_key=True)
                if isinstance(key, (dict, list)):
                    raise self.fail(key_node, "a mapping key must be plain text", "yaml-key")
                key = str(key) if not isinstance(key, bool) else str(key).lower()
                if key in out:
                    raise self.fail(key_node, f"duplicate key '{key}'", "yaml-duplicate-key")
                child = f"{pointer}/{_escape(key)}"
                self.positions[child] = (value_node.start_mark.line + 1, value_node.start_mark.column + 1)
                self.positions.key_positions[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                out[key] = self.build(value_node, child, depth + 1)
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(child, f"{pointer}/{i}", depth + 1) for i, child in enumerate(node.value)]
        self.positions.scalars[pointer] = (node.style, node.start_mark.index, node.end_mark.index)
        return self._scalar(node)

    def _pairs(self, node: yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                merged = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
                for m in merged:
                    if not isinstance(m, yaml.MappingNode):
                        raise self.fail(m, "'<<' merges a mapping", "yaml-merge")
                    yield from self._pairs(m)
            else:
                yield key_node, value_node

    def _scalar(self, node: yaml.ScalarNode, as_key: bool = False) -> Any:
        tag = node.tag
        if _SURROGATE.search(node.value):
            raise self.fail(node, "text with an unpaired surrogate (an escape such as \\ud800) is not valid Unicode",
                            "yaml-encoding")
        if tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float"):
            text = node.value.replace("_", "")
            if self.numbers_as_text and not as_key:
                return text
            if tag.endswith("int"):
                if not _PLAIN_INT.fullmatch(text):
                    return node.value  # YAML 1.1's 0x1F, 017, 0b1, 1:30 — kept as printed, not converted
                if len(text) > MAX_DIGITS + 2:
                    raise self.fail(node, f"number too long: {text[:40]}…", "yaml-number")
                return int(text)
            if not _PLAIN_FLOAT.fullmatch(text) and text.lower().lstrip("+-") not in (".nan", ".inf"):
                return node.value  # YAML 1.1's sexagesimal 1:30.5
            try:
                return parse_decimal(text)
            except ValueError:
                raise self.fail(node, f"{node.value} is not a number a form can print", "yaml-number") from None
        if tag == "tag:yaml.org,2002:timestamp":
            return node.value
        return self.constructor.construct_object(node) if tag != "tag:yaml.org,2002:str" else node.value
