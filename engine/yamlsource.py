"""YAML (and JSON) read safely, keeping where every value was in the file.

PyYAML's safe composer builds the node tree; we construct values ourselves so that
- every mapping, sequence and scalar is remembered with its 1-based line and column (``Positions``);
- numbers keep their printed digits (``4062.10`` stays the string ``"4062.10"`` when asked), so a form
  written in YAML without quotes loses no precision;
- only the standard tags are accepted (``!!python/…`` and every other tag is refused with its line);
- alias expansion is bounded (a "billion laughs" document is refused, not expanded).
"""

from __future__ import annotations

from typing import Any

import yaml

from .errors import FormauditError
from .figures import MAX_DIGITS, parse_decimal

MAX_NODES = 200_000
MAX_DEPTH = 200
_STANDARD = {
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:timestamp",
}


class Positions(dict):
    """JSON Pointer → (line, column) of the value, both 1-based; ``keys`` holds where each mapping
    key itself is written (for errors about a key rather than its value)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.keys: dict[str, tuple[int, int]] = {}

    def key_at(self, pointer: str) -> tuple[int | None, int | None]:
        return self.keys.get(pointer) or self.at(pointer)

    def at(self, pointer: str) -> tuple[int | None, int | None]:
        while True:
            if pointer in self:
                return self[pointer]
            if not pointer:
                return (None, None)
            pointer = pointer.rsplit("/", 1)[0]


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def load_yaml(text: str, file: str, *, numbers_as_text: bool = False,
              error: type[FormauditError] = FormauditError) -> tuple[Any, Positions]:
    """Parse one YAML document. Returns (data, positions). Raises ``error`` with file:line:col."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
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
                self.positions.keys[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                out[key] = self.build(value_node, child, depth + 1)
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.build(child, f"{pointer}/{i}", depth + 1) for i, child in enumerate(node.value)]
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
        if tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float"):
            text = node.value.replace("_", "")
            if self.numbers_as_text and not as_key:
                return text
            if tag.endswith("int"):
                if len(text) > MAX_DIGITS + 2:
                    raise self.fail(node, f"number too long: {text[:40]}…", "yaml-number")
                return int(self.constructor.construct_yaml_int(node))
            try:
                return parse_decimal(text)
            except ValueError:
                raise self.fail(node, f"{node.value} is not a number a form can print", "yaml-number") from None
        if tag == "tag:yaml.org,2002:timestamp":
            return node.value
        return self.constructor.construct_object(node) if tag != "tag:yaml.org,2002:str" else node.value
