"""``formaudit pack lint``: every problem of a pack file, each at its line and column, in one run.

The loader (``PackLoader.collect``) reports what stops a pack from loading — YAML, pack schema,
expression syntax, unknown functions and argument counts, unknown params, duplicate ids, overrides of
rules that do not exist. This module adds what needs the form type's JSON Schema and a view of the
whole pack:

==========================  ========  =====================================================================
code                        severity  what
==========================  ========  =====================================================================
``unknown-name``            error     a name that is no field of the item (per the form schema), no ``let``,
                                      no scope name (``item parent form index params``); also a field after
                                      ``item.`` / ``parent.`` / ``form.``, and the ``pointer``/``key`` fields
``message-unknown-name``    error     a message placeholder that names nothing
``unknown-for-each-path``   error     a ``for_each`` path that the form schema does not have
``unused-let``              warning   a ``let`` no expression of its rule reads
``unused-param``            warning   a param this pack sets that no rule reads
``example-unknown-field``   warning   an example's item has a field the form schema does not know
``no-form-schema``          warning   no JSON Schema for the form type: names cannot be checked
==========================  ========  =====================================================================

A check here never raises: it yields ``Diagnostic`` values, the engine sorts them.
"""

from __future__ import annotations

import ast
import difflib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .expressions import SCOPE_NAMES, Expression
from .packs import _PLACEHOLDER, _SPEC, Diagnostic, LoadReport, Pack, PackLoader, Rule, node_char_offset
from .registry import Registry
from .yamlsource import Positions

LINT_CODES = {
    # from the loader
    "yaml-syntax": "error", "pack-schema": "error", "pack-not-found": "error", "pack-extends": "error",
    "pack-extends-cycle": "error", "pack-param": "error", "expression-syntax": "error",
    "expression-forbidden": "error", "expression-literal": "error", "expression-too-long": "error",
    "expression-too-complex": "error", "unknown-function": "error", "function-arguments": "error",
    "unknown-param": "error", "duplicate-rule-id": "error", "override-unknown-rule": "error",
    "let-shadows": "error", "message-placeholder": "error",
    # from lint
    "unknown-name": "error", "message-unknown-name": "error", "unknown-for-each-path": "error",
    "unused-let": "warning", "unused-param": "warning", "example-unknown-field": "warning",
    "no-form-schema": "warning",
}
_SEGMENT = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(\[\*\])?")
_PARAM_TEXT = re.compile(r"params\s*(?:\.\s*([A-Za-z_][A-Za-z0-9_]*)|\[\s*['\"]([^'\"]+)['\"]\s*\])")


@dataclass
class LintResult:
    file: str
    pack: Pack | None
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "warning"]


def lint_pack(ref: str | Path, registry: Registry | None = None, loader: PackLoader | None = None) -> LintResult:
    """Lint one pack (an id or a file): the loader's problems and the checks of this module, sorted."""
    registry = registry or Registry.discover()
    loader = loader or PackLoader(registry)
    report = loader.collect(ref)
    diagnostics = list(report.diagnostics)
    if report.pack is not None and isinstance(report.data, dict):
        diagnostics.extend(_Linter(report, registry).run())
    unique = {(d.file, d.line, d.column, d.code, d.message): d for d in diagnostics}
    return LintResult(report.file, report.pack, sorted(unique.values(), key=Diagnostic.sort_key))


def form_schema_for(pack: Pack, registry: Registry) -> tuple[dict | None, str | None]:
    """The form type's JSON Schema: the registered one, else a ``schema.json`` beside the pack or a pack
    it extends. Returns (schema, where it came from)."""
    path = registry.form_schema_file(pack.form_type)
    candidates = [path] if path else []
    todo = [pack]
    while todo:
        p = todo.pop(0)
        candidates.append(Path(p.file).parent / "schema.json")
        todo.extend(p.lineage)
    for candidate in candidates:
        if candidate and candidate.is_file():
            try:
                schema = json.loads(candidate.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if isinstance(schema, dict) and _form_type_of(schema) in (None, pack.form_type):
                return schema, str(candidate)
    return None, None


def _form_type_of(schema: dict) -> str | None:
    const = ((schema.get("properties") or {}).get("form_type") or {}).get("const")
    return const if isinstance(const, str) else None


class SchemaView:
    """What a rule can know from a JSON Schema: the properties of an object, the items of a list.
    ``None`` means "cannot tell" (no schema, or a schema that does not list properties): never an error."""

    def __init__(self, schema: dict):
        self.root = schema

    def resolve(self, node: Any, depth: int = 0) -> Any:
        while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/") \
                and depth < 20:
            target: Any = self.root
            for token in node["$ref"][2:].split("/"):
                token = token.replace("~1", "/").replace("~0", "~")
                target = target.get(token) if isinstance(target, dict) else None
            node, depth = target, depth + 1
        return node

    def _branches(self, node: Any) -> list[Any]:
        node = self.resolve(node)
        if not isinstance(node, dict):
            return []
        out = [node]
        for key in ("allOf", "anyOf", "oneOf"):
            for sub in node.get(key) or []:
                out.extend(self._branches(sub))
        return out

    def properties(self, node: Any) -> dict[str, Any] | None:
        props: dict[str, Any] = {}
        known = False
        for branch in self._branches(node):
            if isinstance(branch.get("properties"), dict):
                known = True
                for k, v in branch["properties"].items():
                    props.setdefault(k, v)
        return props if known else None

    def kind(self, node: Any) -> str | None:
        """``object``, ``array``, ``scalar`` or None (cannot tell)."""
        kinds = set()
        for branch in self._branches(node):
            t = branch.get("type")
            types = t if isinstance(t, list) else [t] if isinstance(t, str) else []
            for one in types:
                kinds.add("object" if one == "object" else "array" if one == "array" else "scalar")
            if "properties" in branch:
                kinds.add("object")
            if "items" in branch:
                kinds.add("array")
        return kinds.pop() if len(kinds) == 1 else None

    def items(self, node: Any) -> Any:
        for branch in self._branches(node):
            if "items" in branch:
                return branch["items"]
        return None

    def title(self, node: Any) -> str:
        node = self.resolve(node)
        return node.get("title", "") if isinstance(node, dict) else ""


@dataclass
class _Scope:
    item: Any            # schema node of the item (None: cannot tell)
    parent: Any          # schema node of the enclosing object
    label: str           # how to name the item in messages


class _Linter:
    def __init__(self, report: LoadReport, registry: Registry):
        self.report = report
        self.pack: Pack = report.pack  # type: ignore[assignment]
        self.data: dict = report.data
        assert report.positions is not None
        self.positions: Positions = report.positions
        self.file = report.file
        schema, self.schema_file = form_schema_for(self.pack, registry)
        self.schema = SchemaView(schema) if schema is not None else None
        self.out: list[Diagnostic] = []

    def add(self, code: str, message: str, at: tuple[int | None, int | None], pointer: str,
            hint: str | None = None) -> None:
        self.out.append(Diagnostic(self.file, at[0], at[1], code, message, hint, LINT_CODES[code], pointer))

    def run(self) -> list[Diagnostic]:
        if self.schema is None and self.pack.form_type:
            self.add("no-form-schema", f"no JSON Schema for form type '{self.pack.form_type}': field names are not "
                     f"checked", self.positions.at("/form_type"), "/form_type",
                     "register a pack for the form type, or put its schema.json beside this pack")
        for at, rule in self.report.own_rules:
            self.lint_rule(at, rule)
        self.unused_params()
        return self.out

    # -- rules --------------------------------------------------------------------------------

    def scope(self, at: str, rule: Rule) -> _Scope | None:
        root = self.schema.root if self.schema else None
        if not rule.for_each:
            return _Scope(root, None, (self.schema.title(root) if self.schema else "") or "the form")
        if self.schema is None:
            return _Scope(None, None, rule.for_each)
        node, parent = root, None
        pointer = f"{at}/for_each"
        text = rule.for_each
        for m in _SEGMENT.finditer(text):
            name = m.group(1)
            props = self.schema.properties(node)
            if props is None:
                return _Scope(None, None, text)
            if name not in props:
                where = self.schema.title(node) or "the form"
                self.add("unknown-for-each-path", f"for_each: '{name}' is not a field of {where}",
                         self.positions.char_at(pointer, m.start(1)), pointer,
                         _did_you_mean(name, props) or f"fields: {', '.join(sorted(props))}")
                return None
            child = props[name]
            kind = self.schema.kind(child)
            if kind == "array":
                parent, node = node, self.schema.items(child)
            elif kind == "object" or kind is None:
                parent, node = node, child
            else:
                self.add("unknown-for-each-path", f"for_each: '{name}' is a single value, not a list or an object",
                         self.positions.char_at(pointer, m.start(1)), pointer,
                         "for_each names a list of rows (funds) or of objects inside rows (tasks[*].indicators)")
                return None
        return _Scope(node, parent, self.schema.title(node) or text)

    def lint_rule(self, at: str, rule: Rule) -> None:
        scope = self.scope(at, rule)
        lets = [name for name, _ in rule.lets]
        broken = any(p.startswith(at + "/") for p in self.report.broken)
        used_lets: set[str] = set()
        for index, (name, expr) in enumerate(rule.lets):
            pointer = f"{at}/let/{_esc(name)}"
            used_lets |= expr.lets
            self.names(expr, pointer, 0, scope, rule, later=lets[index + 1:], code="unknown-name")
        for key, part in (("when", rule.when), ("check", rule.check)):
            if part is not None and f"{at}/{key}" not in self.report.broken:
                used_lets |= part.lets
                self.names(part, f"{at}/{key}", 0, scope, rule, later=[], code="unknown-name")
        message = rule.message.source
        placeholders = rule.message.placeholders()
        for m, expr in zip(_PLACEHOLDER.finditer(message), placeholders):
            used_lets |= expr.lets
            self.names(expr, f"{at}/message", m.start(1), scope, rule, later=[], code="message-unknown-name",
                       placeholder=m.group(1))
        for key in ("pointer", "key"):
            value = getattr(rule, key)
            if not isinstance(value, str) or not scope or not self.schema:
                continue
            # pointer may be a dotted path to a nested field (total.score); key is one field
            node, label = scope.item, scope.label
            for part in value.split(".") if key == "pointer" else [value]:
                props = self.schema.properties(node)
                if props is None:
                    break
                if part not in props:
                    self.add("unknown-name", f"{key}: '{value}' is not a field of {label}",
                             self.positions.at(f"{at}/{key}"), f"{at}/{key}", _did_you_mean(part, props))
                    break
                node, label = props[part], self.schema.title(props[part]) or part
        if not broken:
            for name, _ in rule.lets:
                if name not in used_lets:
                    pointer = f"{at}/let/{_esc(name)}"
                    self.add("unused-let", f"let '{name}' is never read by rule '{rule.id}'",
                             self.positions.key_at(pointer), pointer,
                             "read it in when, check or the message, or remove it")
        self.examples(at, rule, scope)

    def names(self, expr: Expression, pointer: str, base: int, scope: _Scope | None, rule: Rule, *,
              later: list[str], code: str, placeholder: str | None = None) -> None:
        if scope is None:
            return
        text = _source(self.data, pointer)
        if text is None:
            return
        if placeholder is not None:
            spec = _SPEC.match(placeholder)
            text = spec.group(1) if spec else placeholder
        props = self.schema.properties(scope.item) if self.schema else None
        prefix = f"message placeholder {{{placeholder}}}: " if placeholder is not None else ""
        reported: set[str] = set()
        for node in ast.walk(expr.tree):
            if isinstance(node, ast.Name) and node.id in expr.fields and node.id not in reported:
                if props is None or node.id in props:
                    continue
                reported.add(node.id)
                at = self.positions.char_at(pointer, base + node_char_offset(text, node))
                if node.id in later:
                    hint = f"let '{node.id}' is defined after this one: lets are computed in order"
                else:
                    known = list(props) + [n for n, _ in rule.lets] + [f"params.{p}" for p in self.pack.params]
                    hint = _did_you_mean(node.id, known) or f"fields of {scope.label}: {', '.join(sorted(props))}"
                self.add(code, f"{prefix}'{node.id}' is no field of {scope.label}, no let and no scope name",
                         at, pointer, hint)
        self.scoped(expr, text, pointer, base, scope, code, prefix)

    def scoped(self, expr: Expression, text: str, pointer: str, base: int, scope: _Scope, code: str,
               prefix: str) -> None:
        """``item.x``, ``parent.x``, ``form.x.y``: each key checked against the schema."""
        if self.schema is None:
            return
        roots = {"item": scope.item, "parent": scope.parent, "form": self.schema.root}
        for node in ast.walk(expr.tree):
            chain = _chain(node)
            if chain is None or chain[0] not in roots or len(chain) < 2:
                continue
            target = roots[chain[0]]
            for key in chain[1:-1]:
                target = self._step(target, key)
                if target is None:
                    break
            if target is None:
                continue
            last = chain[-1]
            if isinstance(last, int):
                continue
            props = self.schema.properties(target)
            if props is None or last in props:
                continue
            offset = node_char_offset(text, node)
            if isinstance(node, ast.Attribute):
                stripped = text.strip()
                end = len(stripped.encode("utf-8")[:node.end_col_offset].decode("utf-8", "ignore"))
                offset = len(text) - len(text.lstrip()) + end - len(last)
            dotted = ".".join(str(k) for k in chain)
            self.add(code, f"{prefix}'{dotted}': '{last}' is not a field of "
                     f"{self.schema.title(target) or chain[0]}", self.positions.char_at(pointer, base + offset),
                     pointer, _did_you_mean(last, props) or f"fields: {', '.join(sorted(props))}")

    def _step(self, node: Any, key: Any) -> Any:
        assert self.schema is not None
        if isinstance(key, int):
            return self.schema.items(node) if self.schema.kind(node) == "array" else None
        props = self.schema.properties(node)
        if props is None or key not in props:
            return None
        return props[key]

    def examples(self, at: str, rule: Rule, scope: _Scope | None) -> None:
        if scope is None or self.schema is None:
            return
        raw = self.data["rules"][int(at.rsplit("/", 1)[1])].get("examples") or []
        for j, example in enumerate(raw):
            if not isinstance(example, dict):
                continue
            for key, node in (("item", scope.item if rule.for_each else self.schema.root),
                              ("form", self.schema.root)):
                value = example.get(key)
                props = self.schema.properties(node)
                if not isinstance(value, dict) or props is None:
                    continue
                for name in value:
                    if name not in props and name not in ("form_type", "provenance"):
                        pointer = f"{at}/examples/{j}/{key}/{_esc(name)}"
                        where = scope.label if key == "item" else "the form"
                        self.add("example-unknown-field", f"example '{example.get('name', j + 1)}': '{name}' is not a "
                                 f"field of {where}", self.positions.key_at(pointer), pointer,
                                 _did_you_mean(name, props) or "the rule will see no value for it")

    # -- the pack -----------------------------------------------------------------------------

    def unused_params(self) -> None:
        own = self.data.get("params")
        if not isinstance(own, dict):
            return
        used: set[str] = set()
        for rule in self.pack.rules:
            for expr in rule.expressions:
                used |= expr.params
        for pointer in self.report.broken:  # a param read only by a broken expression is not unused
            text = _source(self.data, pointer) or ""
            used |= {a or b for a, b in _PARAM_TEXT.findall(text)}
        for _, rule in self.report.own_rules:
            for expr in rule.expressions:
                used |= expr.params
        for name in own:
            if name not in used:
                pointer = f"/params/{_esc(name)}"
                self.add("unused-param", f"param '{name}' is never read by any rule", self.positions.key_at(pointer),
                         pointer, f"read it as params.{name} in a rule, or remove it")


def _chain(node: ast.AST) -> list[Any] | None:
    """``form.goals['planned']`` → ['form', 'goals', 'planned']; None for anything else."""
    keys: list[Any] = []
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        if isinstance(node, ast.Attribute):
            keys.append(node.attr)
        else:
            if not isinstance(node.slice, ast.Constant):
                return None
            keys.append(node.slice.value)
        node = node.value
    if not isinstance(node, ast.Name) or node.id not in SCOPE_NAMES:
        return None
    keys.append(node.id)
    return list(reversed(keys))


def _source(data: Any, pointer: str) -> str | None:
    node = data
    for token in pointer.split("/")[1:]:
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict):
            node = node.get(token)
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return None
    if isinstance(node, bool):
        return str(node).lower()
    return None if node is None or isinstance(node, (dict, list)) else str(node)


def _did_you_mean(name: str, known: Any) -> str | None:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


def _esc(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def format_text(result: LintResult) -> Iterator[str]:
    """``file:line:col: code: message`` and an indented hint line, per diagnostic; then a summary."""
    for d in result.diagnostics:
        yield str(d) + (" [warning]" if d.severity == "warning" else "")
        if d.hint:
            yield f"    hint: {d.hint}"
    errors, warnings = len(result.errors), len(result.warnings)
    name = f"{result.pack.id} {result.pack.version}" if result.pack else result.file
    if not result.diagnostics:
        yield f"{name}: no problems"
    else:
        yield f"{name}: {errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}"


def to_json(result: LintResult) -> dict[str, Any]:
    return {"file": result.file, "pack": result.pack.id if result.pack else None,
            "diagnostics": [d.to_dict() for d in result.diagnostics],
            "summary": {"error": len(result.errors), "warning": len(result.warnings)}}


__all__ = ["LINT_CODES", "LintResult", "SchemaView", "form_schema_for", "format_text", "lint_pack", "to_json"]
