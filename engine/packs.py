"""Rule packs: loaded, validated and compiled once, before any form is read.

A pack that does not parse, breaks the pack schema, has an expression that does not compile, names an
unknown function or param, or overrides a rule that does not exist is refused with
``file:line:col: code: message``. ``extends`` brings in the rules and params of other packs;
``overrides`` changes an inherited rule's severity or turns it off; ``params`` of the extending pack
replace the inherited values.
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

from .errors import FormauditError, PackError
from .expressions import Expression, ExpressionError, compile_expression
from .registry import Registry
from .values import Record, literal
from .values import escape as _escape
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
    lineage: tuple[Pack, ...] = field(default=(), repr=False)  # the packs it extends, resolved

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


@dataclass(frozen=True)
class Diagnostic:
    """One problem of a pack file, where it is: ``file:line:col: code: message`` (plus a hint).

    The loader reports what stops a pack from loading as diagnostics with severity ``error``; ``pack
    lint`` adds what it finds about names, paths and unused definitions (some only ``warning``).
    ``pointer`` is the JSON Pointer of the offending node in the pack document, when known."""

    file: str | None
    line: int | None
    column: int | None
    code: str
    message: str
    hint: str | None = None
    severity: str = "error"
    pointer: str | None = None

    def where(self) -> str:
        return ":".join(str(p) for p in (self.file, self.line, self.column) if p is not None)

    def __str__(self) -> str:
        where = self.where()
        return f"{where}: {self.code}: {self.message}" if where else f"{self.code}: {self.message}"

    def to_error(self) -> PackError:
        return PackError(self.message, file=self.file, line=self.line, column=self.column, code=self.code,
                         hint=self.hint)

    @classmethod
    def from_error(cls, error: FormauditError, pointer: str | None = None) -> Diagnostic:
        return cls(error.file, error.line, error.column, error.code, error.message, error.hint, "error", pointer)

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "column": self.column, "code": self.code,
                "severity": self.severity, "message": self.message, "hint": self.hint, "pointer": self.pointer}

    def sort_key(self) -> tuple:
        return (self.file or "", self.line or 0, self.column or 0, self.code, self.message)


@dataclass
class LoadReport:
    """What ``PackLoader.collect`` found: the pack as far as it could be built (``None`` when it could
    not be read at all), every problem, and the parsed document with its positions. A pack built with
    errors is for inspection (lint, docs), not for checking forms."""

    file: str
    pack: Pack | None
    diagnostics: list[Diagnostic]
    data: Any = None
    positions: Positions | None = None
    own_rules: list[tuple[str, Rule]] = field(default_factory=list)  # (pointer of the rule, rule), in file order
    broken: set[str] = field(default_factory=set)                     # pointers of expressions that did not compile

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]


class _Context:
    """One pack file being built: where diagnostics go. Strict (the default) raises the first as a
    ``PackError``; collecting appends them and lets the build go on."""

    def __init__(self, file: str, positions: Positions, collect: list[Diagnostic] | None, data: Any = None):
        self.file = file
        self.data = data
        self.positions = positions
        self.collect = collect
        self.own_rules: list[tuple[str, Rule]] = []
        self.broken: set[str] = set()

    @property
    def collecting(self) -> bool:
        return self.collect is not None

    def report(self, code: str, message: str, at: tuple[int | None, int | None], *, pointer: str | None = None,
               hint: str | None = None) -> None:
        diagnostic = Diagnostic(self.file, at[0], at[1], code, message, hint, "error", pointer)
        if self.collect is None:
            raise diagnostic.to_error()
        self.collect.append(diagnostic)


def _any_arguments(*args: Any, **kwargs: Any) -> Any:
    return None


class PackLoader:
    """Loads packs for one run, with the run's functions; each file is loaded and compiled once.

    ``load`` refuses a pack at its first problem (``PackError``); ``collect`` reports all of them."""

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
        pack, _ = self._load_file(path, _chain + (key,), None)
        self._cache[key] = pack
        return pack

    def collect(self, ref: str | Path) -> LoadReport:
        """Load a pack reporting every problem of its own file instead of stopping at the first (what
        ``formaudit pack lint`` needs). Packs it extends are loaded as usual; one that fails is reported
        at the ``extends`` entry that names it."""
        try:
            path = self._resolve(ref, None)
        except PackError as exc:
            return LoadReport(str(ref), None, [Diagnostic.from_error(exc)])
        diagnostics: list[Diagnostic] = []
        key = str(path.resolve())
        try:
            pack, ctx = self._load_file(path, (key,), diagnostics)
        except PackError as exc:  # unreadable, not YAML: nothing more can be known
            diagnostics.append(Diagnostic.from_error(exc))
            return LoadReport(str(path), None, diagnostics)
        report = LoadReport(str(path), pack, diagnostics, ctx.data, ctx.positions, ctx.own_rules, ctx.broken)
        return report

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

    def _load_file(self, path: Path, chain: tuple[str, ...], collect: list[Diagnostic] | None) -> tuple[Any, Any]:
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
        ctx = _Context(file, positions, collect, data)
        self._validate(data, ctx)
        pack = self._build(data, ctx, path, hashlib.sha256(raw_bytes).hexdigest(), chain)
        return pack, ctx

    def _validate(self, data: dict, ctx: _Context) -> None:
        positions = ctx.positions
        errors = sorted(self._validator.iter_errors(data),
                        key=lambda e: (positions.at(_pointer(e.absolute_path)), e.message))
        if not errors:
            return
        if not ctx.collecting:
            e = errors[0]
            pointer = _pointer(e.absolute_path)
            more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
            ctx.report("pack-schema", f"{pointer or '/'}: {_schema_message(e)}{more}", _schema_position(e, positions),
                       pointer=pointer, hint=_schema_hint(e))
        for e in errors:
            pointer = _pointer(e.absolute_path)
            ctx.report("pack-schema", f"{pointer or '/'}: {_schema_message(e)}", _schema_position(e, positions),
                       pointer=pointer, hint=_schema_hint(e))

    def _build(self, data: dict, ctx: _Context, path: Path, sha: str, chain: tuple[str, ...]) -> Pack:
        file = str(path)
        positions = ctx.positions
        pack_id = _get(data, "pack", str, path.stem)
        form_type = _get(data, "form_type", str, "")
        refs = [r for r in _get(data, "extends", list, []) if isinstance(r, str)]
        parents_list: list[Pack] = []
        for i, ref in enumerate(refs):
            if not ctx.collecting:
                parents_list.append(self.load(ref, base=path.parent, _chain=chain))
                continue
            try:
                parents_list.append(self.load(ref, base=path.parent, _chain=chain))
            except PackError as exc:
                code = exc.code if exc.code in ("pack-not-found", "pack-extends-cycle") else "pack-extends"
                message = exc.message if code != "pack-extends" else f"extended pack {ref} does not load: {exc}"
                ctx.report(code, message, positions.at(f"/extends/{i}"), pointer=f"/extends/{i}",
                           hint=_suggest(ref, {k: None for k in self.registry.pack_ids()})
                           if code == "pack-not-found" else None)
        parents = tuple(parents_list)
        for i, parent in enumerate(parents):
            if parent.form_type != form_type:
                ctx.report("pack-extends", f"extends {parent.id}, a pack for {parent.form_type}, but this pack is for "
                           f"{form_type}", positions.at(f"/extends/{i}"), pointer=f"/extends/{i}")
        params: dict[str, Any] = {}
        origin: dict[str, str] = {}
        for parent in parents:
            for k, v in parent.params.items():
                params[k] = v
                origin[k] = parent.param_origin[k]
        own_params: dict[str, Any] = _get(data, "params", dict, {})
        for k, v in own_params.items():
            params[k] = v
            origin[k] = pack_id
        values: dict[str, Any] = {}
        for k, v in params.items():
            try:
                values[k] = literal(v)
            except ValueError as exc:
                at = f"/params/{_escape(k)}"
                ctx.report("pack-param", f"params: {exc}", positions.at(at) if k in own_params else (None, None),
                           pointer=at)
        param_values = Record(values, "/params")

        inherited: dict[str, Rule] = {}
        for parent in parents:
            for rule in parent.rules:
                inherited[rule.id] = rule
        overrides: dict[str, Any] = _get(data, "overrides", dict, {})
        for rule_id, change in overrides.items():
            at = f"/overrides/{_escape(rule_id)}"
            if rule_id not in inherited:
                ctx.report("override-unknown-rule", f"overrides rule '{rule_id}', which no extended pack defines",
                           positions.key_at(at), pointer=at, hint=_suggest(rule_id, inherited))
                continue
            if not isinstance(change, dict):
                continue
            rule = inherited[rule_id]
            inherited[rule_id] = replace(rule, severity=change.get("severity", rule.severity),
                                         enabled=change.get("enabled", rule.enabled),
                                         overridden_by=rule.overridden_by + (pack_id,))

        own: list[Rule] = []
        seen: dict[str, int] = {}
        raw_rules: list[Any] = _get(data, "rules", list, [])
        for i, raw in enumerate(raw_rules):
            at = f"/rules/{i}"
            if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
                continue
            rule_id = raw["id"]
            where = positions.at(f"{at}/id")
            duplicate = False
            if rule_id in seen:
                ctx.report("duplicate-rule-id", f"duplicate rule id '{rule_id}' (first at rule {seen[rule_id] + 1})",
                           where, pointer=f"{at}/id", hint="give each rule its own id")
                duplicate = True
            elif rule_id in inherited:
                ctx.report("duplicate-rule-id", f"rule id '{rule_id}' is already defined by an extended pack; change "
                           f"it with overrides, or give the new rule its own id", where, pointer=f"{at}/id",
                           hint=f"overrides: {{{rule_id}: {{severity: warning}}}} changes the inherited rule")
                duplicate = True
            else:
                seen[rule_id] = i
            rule = self._rule(raw, at, ctx, pack_id, params)
            ctx.own_rules.append((at, rule))
            if not duplicate:
                own.append(rule)
        rules = tuple(inherited.values()) + tuple(own)
        version = _get(data, "version", str, "")
        title = _get(data, "title", str, pack_id)
        description = _get(data, "description", str, "")
        return Pack(id=pack_id, version=version, title=title, form_type=form_type, file=file, sha256=sha, rules=rules,
                    params=params, param_values=param_values, param_origin=origin, extends=tuple(refs),
                    description=description, lineage=parents)

    def _compile(self, text: str, lets: frozenset[str], ctx: _Context, pointer: str,
                 report: Callable[[ExpressionError], None]) -> Expression:
        """Compile, reporting each error through ``report``; when collecting, recover as far as possible
        (unknown functions are all named; a wrong argument count does not hide the rest)."""
        try:
            return compile_expression(text, self.functions, lets)
        except ExpressionError as error:
            first = error
        if not ctx.collecting:
            report(first)
        functions: Mapping[str, Callable] = self.functions
        lenient = False
        errors = [first]
        expr = None
        for _ in range(3):
            if errors[-1].code == "unknown-function" and not lenient:
                lenient = True
            elif errors[-1].code == "function-arguments" and functions is self.functions:
                functions = {name: _any_arguments for name in self.functions}
            else:
                break
            try:
                expr = compile_expression(text, functions, lets, lenient_functions=lenient)
                break
            except ExpressionError as error:
                errors.append(error)
        for one in errors:
            if one.code == "unknown-function" and expr is not None:
                continue  # named below, every one of them
            report(one)
        if expr is None:
            ctx.broken.add(pointer)
            return compile_expression("None", {}, frozenset())
        for node in ast.walk(expr.tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id not in self.functions:
                name = node.func.id
                known = ", ".join(sorted(self.functions)) or "none"
                report(ExpressionError(f"unknown function '{name}' (known: {known})",
                                       _node_offset(text, node), "unknown-function"))
        return expr

    def _expr(self, source: Any, pointer: str, ctx: _Context, lets: frozenset[str],
              params: Mapping[str, Any]) -> Expression:
        text = source if isinstance(source, str) else str(source).lower() if isinstance(source, bool) else str(source)

        def report(exc: ExpressionError) -> None:
            at = ctx.positions.char_at(pointer, char_offset(text, exc))
            ctx.report(exc.code, exc.message, at, pointer=pointer, hint=self._hint(exc))

        expr = self._compile(text, lets, ctx, pointer, report)
        self._check_params(expr, text, 0, pointer, ctx, params, "")
        return expr

    def _check_params(self, expr: Expression, text: str, base: int, pointer: str, ctx: _Context,
                      params: Mapping[str, Any], prefix: str) -> None:
        for name, offset in _param_reads(expr, text):
            if name in params:
                continue
            at = ctx.positions.char_at(pointer, base + offset)
            known = ", ".join(sorted(params)) or "none"
            ctx.report("unknown-param", f"{prefix}unknown param '{name}' (params: {known})", at, pointer=pointer,
                       hint=_suggest(name, params) or "declare it under params:")

    def _hint(self, exc: ExpressionError) -> str | None:
        if exc.code == "unknown-function":
            name = exc.message.split("'")[1] if "'" in exc.message else ""
            return _suggest(name, self.functions) or "functions are registered by plugins; the built-in ones " \
                "are listed in docs/zh/packs.md"
        if exc.code == "function-arguments":
            return "check the function's arguments in docs/zh/packs.md"
        if exc.code == "expression-syntax":
            return "an expression is one line of the rule language: a == b, a + b <= c, f(x)"
        if exc.code == "expression-forbidden":
            return "expressions allow names, literals, + - * /, comparisons, and/or/not, if-else and function calls"
        return None

    def _rule(self, raw: dict, at: str, ctx: _Context, pack_id: str, params: Mapping[str, Any]) -> Rule:
        positions = ctx.positions
        lets: list[tuple[str, Expression]] = []
        names: set[str] = set()
        raw_lets: dict[str, Any] = raw["let"] if isinstance(raw.get("let"), dict) else {}
        for name, source in raw_lets.items():
            if name in ("item", "parent", "form", "index", "params") or name in self.functions:
                ctx.report("let-shadows", f"let name '{name}' hides a built-in name",
                           positions.key_at(f"{at}/let/{name}"), pointer=f"{at}/let/{_escape(name)}",
                           hint="rename the let")
                continue
            lets.append((name, self._expr(source, f"{at}/let/{_escape(name)}", ctx, frozenset(names), params)))
            names.add(name)
        let_names = frozenset(names)
        when = self._expr(raw["when"], f"{at}/when", ctx, let_names, params) if "when" in raw else None
        if "check" in raw:
            check = self._expr(raw["check"], f"{at}/check", ctx, let_names, params)
        else:
            ctx.broken.add(f"{at}/check")
            check = compile_expression("None", {}, frozenset())
        message: str = raw["message"] if isinstance(raw.get("message"), str) else ""
        template = self._template(message, f"{at}/message", ctx, let_names, params)
        examples = []
        for j, ex in enumerate(raw.get("examples") or [] if isinstance(raw.get("examples"), list) else []):
            if not isinstance(ex, dict):
                continue
            line, _ = positions.at(f"{at}/examples/{j}")
            examples.append(Example(name=ex.get("name", f"example {j + 1}"), expect=ex.get("expect", "pass"),
                                    item=ex.get("item"), parent=ex.get("parent"), form=ex.get("form"),
                                    params=ex.get("params"), todo=ex.get("todo"), line=line))
        line, _ = positions.at(at)
        severity: str = raw["severity"] if raw.get("severity") in SEVERITIES else "error"
        return Rule(id=raw["id"], title=str(raw.get("title", raw["id"])), severity=severity, check=check,
                    message=template, pack=pack_id, file=ctx.file, line=line, for_each=raw.get("for_each"),
                    lets=tuple(lets), when=when, description=raw.get("description", ""),
                    refs=tuple(raw.get("refs", [])), examples=tuple(examples), enabled=raw.get("enabled", True),
                    key=raw.get("key"), pointer=raw.get("pointer"), default_severity=severity)

    def _template(self, source: str, pointer: str, ctx: _Context, lets: frozenset[str],
                  params: Mapping[str, Any]) -> Template:
        parts: list[Any] = []
        last = 0
        for m in _PLACEHOLDER.finditer(source):
            parts.append(source[last:m.start()])
            inner = m.group(1)
            spec_match = _SPEC.match(inner)
            expr_text, spec = (spec_match.group(1), spec_match.group(2)) if spec_match else (inner, "")
            start = m.start(1)

            def report(exc: ExpressionError, inner: str = inner, start: int = start,
                       expr_text: str = expr_text) -> None:
                at = ctx.positions.char_at(pointer, start + char_offset(expr_text, exc))
                ctx.report("message-placeholder", f"message placeholder {{{inner}}}: {exc.message}", at,
                           pointer=pointer, hint=self._hint(exc) if exc.code != "expression-syntax" else
                           "a placeholder is {expression} or {expression:spec} with spec %, .1%, .2f")

            expr = self._compile(expr_text, lets, ctx, pointer, report)
            self._check_params(expr, expr_text, start, pointer, ctx, params, f"message placeholder {{{inner}}}: ")
            parts.append((expr, spec))
            last = m.end()
        parts.append(source[last:])
        return Template(source, tuple(p for p in parts if p != ""))


def _get(data: Mapping[str, Any], key: str, kind: type, default: Any) -> Any:
    """``data[key]`` when it is of ``kind``, else ``default`` (a pack being linted may break its schema)."""
    value = data.get(key)
    return value if isinstance(value, kind) else default


def _pointer(path) -> str:
    return "".join(f"/{_escape(str(p))}" for p in path)




def _schema_message(error: jsonschema.ValidationError) -> str:
    if error.validator == "additionalProperties":
        return error.message.replace("Additional properties are not allowed", "unknown key")
    if error.validator == "required":
        return error.message.replace("is a required property", "is required")
    return error.message


def _schema_position(error: jsonschema.ValidationError, positions: Positions) -> tuple[int | None, int | None]:
    pointer = _pointer(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set((error.schema or {}).get("properties", {}))
        extra = [k for k in error.instance if k not in allowed]
        if extra and f"{pointer}/{_escape(extra[0])}" in positions.key_positions:
            return positions.key_positions[f"{pointer}/{_escape(extra[0])}"]
    return positions.at(pointer)


def _schema_hint(error: jsonschema.ValidationError) -> str | None:
    import difflib

    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = sorted((error.schema or {}).get("properties", {}))
        extra = [k for k in error.instance if k not in allowed]
        if extra:
            close = difflib.get_close_matches(extra[0], allowed, n=1)
            return f"did you mean '{close[0]}'?" if close else f"allowed keys: {', '.join(allowed)}"
    if error.validator == "enum":
        return "one of: " + ", ".join(str(v) for v in error.validator_value)
    if error.validator == "pattern":
        return "ids are lower-case words with dots and dashes, e.g. funds.completion-rate"
    return None


def char_offset(text: str, exc: ExpressionError) -> int:
    """The character offset in ``text`` of an expression error: syntax errors count characters of the
    stripped source; refusals count UTF-8 bytes (Python's ``col_offset``) after the leading blanks."""
    if exc.code == "expression-syntax":
        lead = len(text) - len(text.lstrip())
        return exc.offset + lead if exc.offset else 0
    return len(text.encode("utf-8")[:exc.offset].decode("utf-8", "ignore"))


def _node_offset(text: str, node: ast.AST) -> int:
    """Byte offset (like ``ExpressionError.offset``) in ``text`` of an AST node of its stripped source."""
    lead = len(text) - len(text.lstrip())
    return lead + getattr(node, "col_offset", 0)


def node_char_offset(text: str, node: ast.AST) -> int:
    """Character offset in ``text`` of an AST node of ``compile_expression(text)``."""
    stripped = text.strip()
    lead = len(text) - len(text.lstrip())
    return lead + len(stripped.encode("utf-8")[:getattr(node, "col_offset", 0)].decode("utf-8", "ignore"))


def _param_reads(expr: Expression, text: str) -> list[tuple[str, int]]:
    """Each ``params.x`` / ``params['x']`` of an expression with its character offset, in order."""
    out = []
    for node in ast.walk(expr.tree):
        if isinstance(node, (ast.Attribute, ast.Subscript)) and isinstance(node.value, ast.Name) \
                and node.value.id == "params":
            key = node.attr if isinstance(node, ast.Attribute) else getattr(node.slice, "value", None)
            if isinstance(key, str):
                out.append((key, node_char_offset(text, node)))
    return sorted(out, key=lambda p: p[1])


def _expression_position(positions: Positions, pointer: str, offset: int) -> tuple[int | None, int | None]:
    """Line and column of a character inside an expression written as a YAML scalar."""
    return positions.char_at(pointer, offset)


def _suggest(name: str, known: Mapping[str, Any]) -> str | None:
    import difflib

    close = difflib.get_close_matches(name, list(known), n=1)
    return f"did you mean '{close[0]}'?" if close else None
