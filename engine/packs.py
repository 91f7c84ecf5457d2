"""Rule packs: loaded, validated and compiled once, before any form is read.

A pack that does not parse, breaks the pack schema, has an expression that does not compile, names an
unknown function or param, or overrides a rule that does not exist is refused with
``file:line:col: code: message``. ``extends`` brings in the rules and params of other packs;
``overrides`` changes an inherited rule's severity or turns it off; ``params`` of the extending pack
replace the inherited values.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field, replace
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Mapping

import jsonschema

from .errors import PackError
from .expressions import Expression, ExpressionError, compile_expression
from .registry import Registry
from .values import Record, literal
from .yamlsource import Positions, load_yaml

SEVERITIES = ("error", "warning", "info")
_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
_SPEC = re.compile(r"^(.*?):\s*(%|\.\d+%|\.\d+f|pct)\s*$", re.S)


@dataclass(frozen=True)
class Template:
    """A message with ``{expression}`` or ``{expression:spec}`` placeholders (spec: ``%``, ``.1%``, ``.2f``)."""

    source: str
    parts: tuple[Any, ...]  # str, or (Expression, spec)

    def placeholders(self) -> list[Expression]:
        return [p[0] for p in self.parts if isinstance(p, tuple)]


@dataclass(frozen=True)
class Example:
    name: str
    expect: str
    item: Any = None
    parent: Any = None
    form: Any = None
    params: Any = None
    todo: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    severity: str
    check: Expression
    message: Template
    pack: str                      # the pack that defines it
    file: str
    line: int | None
    for_each: str | None = None
    lets: tuple[tuple[str, Expression], ...] = ()
    when: Expression | None = None
    description: str = ""
    refs: tuple[str, ...] = ()
    examples: tuple[Example, ...] = ()
    enabled: bool = True
    key: str | None = None
    pointer: str | None = None
    overridden_by: tuple[str, ...] = ()  # packs whose overrides changed it
    default_severity: str = ""

    @cached_property
    def let_defs(self) -> dict[str, Expression]:
        return dict(self.lets)

    @property
    def expressions(self) -> list[Expression]:
        out = [e for _, e in self.lets]
        if self.when is not None:
            out.append(self.when)
        out.append(self.check)
        out.extend(self.message.placeholders())
        return out

    def fields_used(self) -> list[str]:
        seen: dict[str, None] = {}
        for e in self.expressions:
            for f in sorted(e.fields):
                seen.setdefault(f, None)
        return list(seen)


@dataclass(frozen=True)
class Pack:
    id: str
    version: str
    title: str
    form_type: str
    file: str
    sha256: str
    rules: tuple[Rule, ...]
    params: Mapping[str, Any]            # raw values as written (effective, after extends)
    param_values: Record                  # the same as expression values
    param_origin: Mapping[str, str]       # param → pack that set it
    extends: tuple[str, ...] = ()
    description: str = ""
    lineage: tuple["Pack", ...] = field(default=(), repr=False)  # the packs it extends, resolved

    @property
    def enabled_rules(self) -> list[Rule]:
        return [r for r in self.rules if r.enabled]

    def rule(self, rule_id: str) -> Rule:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)

    def rule_info(self) -> dict[str, dict[str, Any]]:
        """What reporters need to describe each rule (SARIF rules, HTML help): plain data."""
        return {r.id: {"pack": r.pack, "title": r.title, "description": r.description, "severity": r.severity,
                       "default_severity": r.default_severity, "refs": list(r.refs), "enabled": r.enabled,
                       "file": r.file, "line": r.line} for r in self.rules}

    def manifest(self) -> list[dict[str, str]]:
        """This pack and every pack it extends: id, version, sha256 (for reproducible reports)."""
        out = [{"pack": self.id, "version": self.version, "sha256": self.sha256}]
        for p in self.lineage:
            for entry in p.manifest():
                if entry not in out:
                    out.append(entry)
        return out


def pack_schema() -> dict:
    return json.loads(resources.files("formaudit").joinpath("pack.schema.json").read_text(encoding="utf-8"))


class PackLoader:
    """Loads packs for one run, with the run's functions; each file is loaded and compiled once."""

    def __init__(self, registry: Registry, functions: Mapping[str, Callable] | None = None):
        self.registry = registry
        self.functions = dict(functions if functions is not None else registry.functions())
        self._validator = jsonschema.Draft202012Validator(pack_schema())
        self._cache: dict[str, Pack] = {}

    def load(self, ref: str | Path, *, base: Path | None = None, _chain: tuple[str, ...] = ()) -> Pack:
        """Load a pack by id (registered) or by file path."""
        path = self._resolve(ref, base)
        key = str(path.resolve())
        if key in self._cache:
            return self._cache[key]
        if key in _chain:
            raise PackError(f"pack extends itself through {' → '.join(_chain + (key,))}", file=str(path),
                            code="pack-extends-cycle")
        pack = self._load_file(path, _chain + (key,))
        self._cache[key] = pack
        return pack

    def _resolve(self, ref: str | Path, base: Path | None) -> Path:
        text = str(ref)
        if text.endswith((".yaml", ".yml")) or "/" in text or Path(text).is_file():
            path = Path(text)
            if not path.is_absolute() and base is not None:
                path = base / path
            if not path.is_file():
                raise PackError(f"no pack file {path}", file=str(path), code="pack-not-found")
            return path
        if text in self.registry.pack_ids():
            return self.registry.pack_file(text)
        known = ", ".join(self.registry.pack_ids()) or "none"
        raise PackError(f"no pack '{text}' (registered: {known}; or give a .yaml file)", code="pack-not-found")

    def _load_file(self, path: Path, chain: tuple[str, ...]) -> Pack:
        file = str(path)
        try:
            raw_bytes = path.read_bytes()
            text = raw_bytes.decode("utf-8")
        except OSError as exc:
            raise PackError(f"cannot read pack: {exc.strerror or exc}", file=file, code="pack-unreadable") from None
        except UnicodeDecodeError as exc:
            raise PackError(f"pack is not UTF-8 text (byte {exc.start})", file=file, code="pack-encoding") from None
        data, positions = load_yaml(text, file, error=PackError)
        if not isinstance(data, dict):
            raise PackError("a pack is a YAML mapping with pack, version, form_type and rules", file=file,
                            line=1, column=1, code="pack-schema")
        self._validate(data, positions, file)
        return self._build(data, positions, path, hashlib.sha256(raw_bytes).hexdigest(), chain)

    def _validate(self, data: dict, positions: Positions, file: str) -> None:
        errors = sorted(self._validator.iter_errors(data), key=lambda e: (positions.at(_pointer(e.absolute_path)), e.message))
        if errors:
            e = errors[0]
            pointer = _pointer(e.absolute_path)
            line, col = positions.at(pointer)
            more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
            field = pointer or "/"
            raise PackError(f"{field}: {_schema_message(e)}{more}", file=file, line=line, column=col,
                            code="pack-schema")

    def _build(self, data: dict, positions: Positions, path: Path, sha: str, chain: tuple[str, ...]) -> Pack:
        file = str(path)
        parents = tuple(self.load(ref, base=path.parent, _chain=chain) for ref in data.get("extends", []))
        for i, parent in enumerate(parents):
            if parent.form_type != data["form_type"]:
                line, col = positions.at(f"/extends/{i}")
                raise PackError(f"extends {parent.id}, a pack for {parent.form_type}, but this pack is for "
                                f"{data['form_type']}", file=file, line=line, column=col, code="pack-extends")
        params: dict[str, Any] = {}
        origin: dict[str, str] = {}
        for parent in parents:
            for k, v in parent.params.items():
                params[k] = v
                origin[k] = parent.param_origin[k]
        for k, v in (data.get("params") or {}).items():
            params[k] = v
            origin[k] = data["pack"]
        try:
            param_values = Record({k: literal(v) for k, v in params.items()}, "/params")
        except ValueError as exc:
            raise PackError(f"params: {exc}", file=file, code="pack-param") from None

        inherited: dict[str, Rule] = {}
        for parent in parents:
            for rule in parent.rules:
                inherited[rule.id] = rule
        for rule_id, change in (data.get("overrides") or {}).items():
            if rule_id not in inherited:
                line, col = positions.key_at(f"/overrides/{_escape(rule_id)}")
                raise PackError(f"overrides rule '{rule_id}', which no extended pack defines", file=file,
                                line=line, column=col, code="override-unknown-rule",
                                hint=_suggest(rule_id, inherited))
            rule = inherited[rule_id]
            inherited[rule_id] = replace(rule, severity=change.get("severity", rule.severity),
                                         enabled=change.get("enabled", rule.enabled),
                                         overridden_by=rule.overridden_by + (data["pack"],))

        own: list[Rule] = []
        seen: dict[str, int] = {}
        for i, raw in enumerate(data["rules"]):
            at = f"/rules/{i}"
            rule_id = raw["id"]
            line, col = positions.at(f"{at}/id")
            if rule_id in seen:
                raise PackError(f"duplicate rule id '{rule_id}' (first at rule {seen[rule_id] + 1})", file=file,
                                line=line, column=col, code="duplicate-rule-id")
            if rule_id in inherited:
                raise PackError(f"rule id '{rule_id}' is already defined by an extended pack; change it with "
                                f"overrides, or give the new rule its own id", file=file, line=line, column=col,
                                code="duplicate-rule-id")
            seen[rule_id] = i
            own.append(self._rule(raw, at, positions, file, data["pack"], params))
        rules = tuple(inherited.values()) + tuple(own)
        return Pack(id=data["pack"], version=data["version"], title=data.get("title", data["pack"]),
                    form_type=data["form_type"], file=file, sha256=sha, rules=rules, params=params,
                    param_values=param_values, param_origin=origin, extends=tuple(data.get("extends", [])),
                    description=data.get("description", ""), lineage=parents)

    def _expr(self, source: Any, pointer: str, positions: Positions, file: str, lets: frozenset[str],
              params: Mapping[str, Any]) -> Expression:
        text = source if isinstance(source, str) else str(source).lower() if isinstance(source, bool) else str(source)
        try:
            expr = compile_expression(text, self.functions, lets)
        except ExpressionError as exc:
            line, col = _expression_position(positions, pointer, exc.offset)
            raise PackError(exc.message, file=file, line=line, column=col, code=exc.code) from None
        unknown = sorted(p for p in expr.params if p not in params)
        if unknown:
            line, col = positions.at(pointer)
            raise PackError(f"unknown param '{unknown[0]}' (params: {', '.join(sorted(params)) or 'none'})",
                            file=file, line=line, column=col, code="unknown-param")
        return expr

    def _rule(self, raw: dict, at: str, positions: Positions, file: str, pack_id: str,
              params: Mapping[str, Any]) -> Rule:
        lets: list[tuple[str, Expression]] = []
        names: set[str] = set()
        for name, source in (raw.get("let") or {}).items():
            if name in ("item", "parent", "form", "index", "params") or name in self.functions:
                line, col = positions.key_at(f"{at}/let/{name}")
                raise PackError(f"let name '{name}' hides a built-in name", file=file, line=line, column=col,
                                code="let-shadows")
            lets.append((name, self._expr(source, f"{at}/let/{name}", positions, file, frozenset(names), params)))
            names.add(name)
        let_names = frozenset(names)
        when = self._expr(raw["when"], f"{at}/when", positions, file, let_names, params) if "when" in raw else None
        check = self._expr(raw["check"], f"{at}/check", positions, file, let_names, params)
        message = self._template(raw["message"], f"{at}/message", positions, file, let_names, params)
        examples = []
        for j, ex in enumerate(raw.get("examples") or []):
            line, _ = positions.at(f"{at}/examples/{j}")
            examples.append(Example(name=ex.get("name", f"example {j + 1}"), expect=ex["expect"], item=ex.get("item"),
                                    parent=ex.get("parent"), form=ex.get("form"), params=ex.get("params"),
                                    todo=ex.get("todo"), line=line))
        line, _ = positions.at(at)
        return Rule(id=raw["id"], title=raw["title"], severity=raw["severity"], check=check, message=message,
                    pack=pack_id, file=file, line=line, for_each=raw.get("for_each"), lets=tuple(lets), when=when,
                    description=raw.get("description", ""), refs=tuple(raw.get("refs", [])),
                    examples=tuple(examples), enabled=raw.get("enabled", True), key=raw.get("key"),
                    pointer=raw.get("pointer"), default_severity=raw["severity"])

    def _template(self, source: str, pointer: str, positions: Positions, file: str, lets: frozenset[str],
                  params: Mapping[str, Any]) -> Template:
        parts: list[Any] = []
        last = 0
        for m in _PLACEHOLDER.finditer(source):
            parts.append(source[last:m.start()])
            inner = m.group(1)
            spec_match = _SPEC.match(inner)
            expr_text, spec = (spec_match.group(1), spec_match.group(2)) if spec_match else (inner, "")
            try:
                expr = compile_expression(expr_text, self.functions, lets)
            except ExpressionError as exc:
                line, col = positions.at(pointer)
                raise PackError(f"message placeholder {{{inner}}}: {exc.message}", file=file, line=line,
                                column=col, code="message-placeholder") from None
            unknown = sorted(p for p in expr.params if p not in params)
            if unknown:
                line, col = positions.at(pointer)
                raise PackError(f"message placeholder {{{inner}}}: unknown param '{unknown[0]}'", file=file,
                                line=line, column=col, code="unknown-param")
            parts.append((expr, spec))
            last = m.end()
        parts.append(source[last:])
        return Template(source, tuple(p for p in parts if p != ""))


def _pointer(path) -> str:
    return "".join(f"/{_escape(str(p))}" for p in path)


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _schema_message(error: jsonschema.ValidationError) -> str:
    if error.validator == "additionalProperties":
        return error.message.replace("Additional properties are not allowed", "unknown key")
    if error.validator == "required":
        return error.message.replace("is a required property", "is required")
    return error.message


def _expression_position(positions: Positions, pointer: str, offset: int) -> tuple[int | None, int | None]:
    """Line and column of a character inside an expression written as a YAML scalar on one line."""
    line, col = positions.at(pointer)
    if line is None or col is None:
        return line, col
    return line, col + offset


def _suggest(name: str, known: Mapping[str, Any]) -> str | None:
    import difflib

    close = difflib.get_close_matches(name, list(known), n=1)
    return f"did you mean '{close[0]}'?" if close else None
