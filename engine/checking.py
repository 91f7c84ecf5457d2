"""Evaluating a pack against one form: every rule on every item ends as exactly one outcome —
passed, failed, not applicable (``when`` certainly false) or not evaluable (with its reason) — and
each failure or not-evaluable outcome becomes a finding."""

from __future__ import annotations

import os
import re
from decimal import Decimal
from typing import Any, Iterator, Mapping

import jsonschema

try:  # a compiled draft 2020-12 validator: ~500× faster on a valid form; optional
    import jsonschema_rs
except ImportError:  # pragma: no cover - depends on the platform having a wheel
    jsonschema_rs = None

from .errors import NotEvaluable
from .expressions import Expression, Scope, truth_of
from .figures import FALSE, Figure, Truth
from .findings import Finding, FormResult, RuleCounts, fingerprint
from .packs import Pack, Rule, Template
from .values import Blank, Record, Rows, Text, child_pointer, convert, plain
from .values import escape as _escape

_FOR_EACH = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(\[\*\])?")
KEY_FIELDS = ("source", "name", "id", "title")


class Item:
    """One item a rule runs on: a row, or the form itself. ``key`` is its business-key path, for fingerprints
    (``/tasks[name=…]/indicators[name=…]``); it is worked out only when a finding needs it."""

    __slots__ = ("record", "parent", "index", "_outer", "_name", "_key_field", "_key")

    def __init__(self, record: Any, parent: Any, index: int | None, key: str | None = None, *,
                 outer: "Item | None" = None, name: str = "", key_field: str | None = None):
        self.record = record
        self.parent = parent
        self.index = index
        self._outer = outer
        self._name = name
        self._key_field = key_field
        self._key = key

    @property
    def key(self) -> str:
        if self._key is None:
            prefix = self._outer.key if self._outer is not None else ""
            if self.index is None:
                self._key = f"{prefix}/{self._name}"
            else:
                self._key = f"{prefix}/{self._name}[{_business_key(self.record, self.index, self._key_field)}]"
        return self._key


_ROOT = Item(None, None, None, "")


def items(form: Record, path: str | None, key_field: str | None = None) -> Iterator[Item]:
    """The items a rule's ``for_each`` names: ``funds``, ``tasks[*].indicators``; the form itself if None."""
    if not path:
        yield Item(form, None, None, "")
        return
    segments = [m.group(1) for m in _FOR_EACH.finditer(path)]
    yield from _walk(form, segments, None, _ROOT, key_field)


def _walk(node: Any, segments: list[str], parent: Any, outer: Item, key_field: str | None) -> Iterator[Item]:
    name, rest = segments[0], segments[1:]
    value = node.get(name) if isinstance(node, Record) else None
    if isinstance(value, Rows):
        for i, element in enumerate(value):
            if not isinstance(element, Record):
                continue
            it = Item(element, node, i, outer=outer, name=name, key_field=key_field)
            if rest:
                yield from _walk(element, rest, element, it, key_field)
            else:
                yield it
    elif isinstance(value, Record):
        it = Item(value, node, None, outer=outer, name=name)
        if rest:
            yield from _walk(value, rest, value, it, key_field)
        else:
            yield it


def _business_key(record: Record, index: int, key_field: str | None) -> str:
    for f in ((key_field,) if key_field else ()) + KEY_FIELDS:
        value = record.get(f)
        if isinstance(value, (Text, Figure)):
            return f"{f}={str(value).strip()}"
    return str(index)


def _stable_field(record: Any, relative: str, key_field: str | None) -> str:
    """The pointer below an item with list indices replaced by business keys (``/funds/0/actual`` →
    ``/funds[source=合计]/actual``), so that a fingerprint does not change when rows are reordered."""
    if not relative.startswith("/") or not any(t.isdigit() for t in relative.split("/")):
        return relative
    node, out = record, []
    for token in relative.split("/")[1:]:
        name = token.replace("~1", "/").replace("~0", "~")
        if isinstance(node, Rows) and name.isdigit() and int(name) < len(node):
            element = node[int(name)]
            out.append(f"[{_business_key(element, int(name), key_field) if isinstance(element, Record) else name}]")
            node = element
        else:
            out.append("/" + token)
            node = node.get(name) if isinstance(node, Record) else None
    return "".join(out)


def form_key(raw: Mapping[str, Any]) -> str:
    parts = [str(raw.get(k, "")) for k in ("form_type", "year", "department", "project", "title")]
    return "|".join(parts)


class Checker:
    """One pack, ready to check forms: the schema validator is built once, here."""

    def __init__(self, pack: Pack, schema: Mapping[str, Any] | None = None):
        self.pack = pack
        self.rules = pack.enabled_rules
        self.validator = jsonschema.Draft202012Validator(schema) if schema is not None else None
        self.fast_validator = _fast_validator(schema)

    def schema_errors(self, raw: Any) -> list[Any]:
        """The form's schema errors (``jsonschema`` errors), sorted by path.

        A valid form is recognised by the compiled validator when it is installed; only a form it does not
        accept (or one holding values on which the two could disagree) goes through ``jsonschema``, which
        gives the errors — so findings are exactly ``jsonschema``'s either way."""
        if self.validator is None:
            return []
        fast = self.fast_validator
        if fast is not None and _same_verdict(raw):
            try:
                if fast.is_valid(raw):
                    return []
            except Exception:  # a value it cannot read: let jsonschema judge
                pass
        return sorted(self.validator.iter_errors(raw), key=lambda e: list(map(str, e.absolute_path)))

    def check(self, raw: Mapping[str, Any], result: FormResult, *, provenance_base: str | None = None,
              positions: Mapping[str, tuple] | None = None, input_file: str | None = None) -> FormResult:
        invalid: dict[str, str] = {}
        provenance = raw.get("provenance") if isinstance(raw.get("provenance"), dict) else {}
        locate = _Locator(provenance, positions or {}, input_file, provenance_base)
        fkey = form_key(raw)
        if self.validator is not None:
            for error in self.schema_errors(raw):
                pointer = "".join(f"/{_escape(str(p))}" for p in error.absolute_path)
                invalid.setdefault(pointer, _short(error.message))
                result.findings.append(Finding(
                    pack=self.pack.id, rule=f"schema.{error.validator}", severity="error",
                    message=f"表格数据不符合 {self.pack.form_type} 的结构：{_short(error.message)}",
                    pointer=pointer, values={"value": _short(repr(error.instance), 80)},
                    source=locate(pointer), fingerprint=fingerprint("schema", fkey, pointer, error.validator),
                    outcome="schema", title="schema"))
        form = convert(dict(raw), "", invalid)
        walked: dict[tuple[str | None, str | None], list[Item]] = {}  # rules over the same items share one walk
        memo: dict = {}  # results of pure functions, shared by every rule on this form (expressions.Scope)
        for rule in self.rules:
            counts = result.outcomes.setdefault(rule.id, RuleCounts())
            where = (rule.for_each, rule.key)
            its = walked.get(where)
            if its is None:
                its = walked[where] = list(items(form, rule.for_each, rule.key))
            for it in its:
                finding = self.evaluate_item(rule, it, form, counts, fkey, locate, memo)
                if finding is not None:
                    result.findings.append(finding)
        return result

    def evaluate_item(self, rule: Rule, it: Item, form: Record, counts: RuleCounts, fkey: str, locate: "_Locator",
                      memo: dict | None = None) -> Finding | None:
        """One rule on one item, counted in ``counts``: its finding, or None when it passed or did not apply."""
        scope = Scope(it.record, it.parent, form, it.index, self.pack.param_values, rule.let_defs, {}, memo)
        outcome, detail = run_rule(rule, scope)
        if outcome == "passed":
            counts.passed += 1
        elif outcome == "not_applicable":
            counts.not_applicable += 1
        else:
            return self._finding(rule, it, scope, outcome, detail, counts, fkey, locate)
        return None

    def _finding(self, rule: Rule, it: Item, scope: Scope, outcome: str, detail: Any, counts: RuleCounts, fkey: str,
                 locate: "_Locator") -> Finding:
        values = evidence(rule, scope, detail)
        if outcome == "failed":
            counts.failed += 1
            pointer = failure_pointer(rule, it.record, detail)
            message = render(rule.message, scope)
            severity = rule.severity
            kind = "failed"
        else:
            counts.not_evaluable += 1
            pointer = it.record.pointer if isinstance(it.record, Record) else ""
            message = f"{rule.title}：无法判断（{detail}）"
            values["reason"] = str(detail)
            severity = "info"
            kind = "not-evaluable"
        field = pointer[len(it.record.pointer):] if pointer.startswith(it.record.pointer) else pointer
        field = _stable_field(it.record, field, rule.key)
        return Finding(pack=self.pack.id if rule.pack == self.pack.id else rule.pack, rule=rule.id, severity=severity,
                       message=message, pointer=pointer, values=values, source=locate(pointer),
                       fingerprint=fingerprint(rule.pack, rule.id, fkey, it.key, field, kind), outcome=kind,
                       title=rule.title)


def _fast_validator(schema: Mapping[str, Any] | None) -> Any:
    if schema is None or jsonschema_rs is None or os.environ.get("FORMAUDIT_NO_FAST_SCHEMA"):
        return None
    try:
        return jsonschema_rs.validator_for(schema)
    except Exception:  # a schema it cannot compile: jsonschema alone decides
        return None


_JSON_PLAIN = (str, int, bool, float, type(None))


def _same_verdict(raw: Any) -> bool:
    """Whether the compiled validator and ``jsonschema`` agree on this form's values: they do on plain JSON
    values, not on a Decimal that is integral or not finite (``jsonschema`` says ``Decimal('2021')`` is no
    integer, the compiled one that it is) nor on other Python types."""
    stack = [raw]
    pop, push = stack.pop, stack.extend
    while stack:
        node = pop()
        kind = type(node)
        if kind is dict:
            push(node.values())
        elif kind is list:
            push(node)
        elif kind is Decimal:
            if not node.is_finite() or node == node.to_integral_value():
                return False
        elif kind not in _JSON_PLAIN:
            return False
    return True


def evaluate_rule(rule: Rule, record: Any, *, parent: Any = None, form: Any = None, index: int | None = None,
                  params: Any = None, memo: dict | None = None) -> tuple[str, Scope, Any]:
    """Evaluate one rule on one item. Returns (outcome, scope, detail): detail is the failed comparison's
    (left, right) for ``failed``, the reason for ``not_evaluable``. ``memo`` is the form's memo of pure
    function results, shared by all its rules (None: no reuse)."""
    scope = Scope(item=record, parent=parent, form=form if form is not None else record, index=index, params=params,
                  let_defs=rule.let_defs, memo=memo)
    outcome, detail = run_rule(rule, scope)
    return outcome, scope, detail


def run_rule(rule: Rule, scope: Scope) -> tuple[str, Any]:
    """``evaluate_rule`` on a scope already built: (outcome, detail)."""
    try:
        when = rule.when
        if when is not None and truth_of(when.run(scope)) is FALSE:
            return "not_applicable", None
        result = truth_of(rule.check.run(scope))
    except NotEvaluable as exc:
        return "not_evaluable", exc.reason
    except RecursionError:
        return "not_evaluable", "expression too deep to evaluate"
    if result is FALSE:
        return "failed", _sides(rule.check, scope)
    return "passed", None


def _sides(check: Expression, scope: Scope) -> tuple[Any, Any] | None:
    if check.compare is None:
        return None
    _, left, right = check.compare
    try:
        return left(scope), right(scope)
    except NotEvaluable:
        return None


def failure_pointer(rule: Rule, record: Any, detail: Any) -> str:
    base = record.pointer if isinstance(record, Record) else ""
    if rule.pointer:  # a field, or a dotted path to a nested one: total.score
        for part in rule.pointer.split("."):
            base = child_pointer(base, part)
        return base
    if detail is not None:
        for side in detail:
            pointer = getattr(side, "pointer", None)
            if isinstance(side, (Figure, Text, Blank)) and pointer:
                return pointer
    return base


def evidence(rule: Rule, scope: Scope, detail: Any) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in rule.fields_used():
        values[name] = plain(scope.item.get(name)) if isinstance(scope.item, Record) else None
    for name, expr in rule.lets:
        if name not in scope.lets:
            try:
                scope.lets[name] = expr(scope)
            except NotEvaluable:
                continue
        values[name] = _shown(scope.lets[name])
    if isinstance(detail, tuple):
        left, right = detail
        if isinstance(left, Figure) and isinstance(right, Figure):
            if left.printed is not None and right.printed is None:
                values["computed"] = right.format_like(left)
                values["consistent"] = right.consistent_values(left)
                values["interval"] = right.interval_text(like=left)
            elif right.printed is None:
                values["computed"] = str(right)
            elif left.printed is None:
                values["computed"] = str(left)
    return values


def _shown(value: Any) -> Any:
    if isinstance(value, Figure) and value.printed is None:
        return value.format()
    return plain(value)


def render(template: Template, scope: Scope) -> str:
    out = []
    for part in template.parts:
        if isinstance(part, str):
            out.append(part)
            continue
        expr, spec = part
        try:
            value = expr(scope)
        except NotEvaluable:
            out.append("?")
            continue
        out.append(format_value(value, spec))
    return "".join(out)


def format_value(value: Any, spec: str = "") -> str:
    if isinstance(value, Figure):
        if spec in ("%", "pct"):
            return value.format("%", 2)
        if spec.endswith("%"):
            return value.format("%", int(spec[1:-1]))
        if spec.endswith("f"):
            return value.format(None, int(spec[1:-1]))
        return str(value)
    if isinstance(value, Truth):
        return {"TRUE": "是", "FALSE": "否"}.get(value.name, "不确定")
    if isinstance(value, Rows):
        return "、".join(format_value(v) for v in value)
    return str(value)


class _Locator:
    """Pointer → where it is in the source: the form's provenance, else the line in the form data file."""

    def __init__(self, provenance: Mapping[str, Any], positions: Mapping[str, tuple], input_file: str | None,
                 base: str | None):
        self.provenance = provenance
        self.positions = positions
        self.input_file = input_file

    def __call__(self, pointer: str) -> dict[str, Any] | None:
        p = pointer
        while True:
            if p in self.provenance and isinstance(self.provenance[p], dict):
                source = {k: v for k, v in self.provenance[p].items() if v is not None}
                file = source.get("file")
                if isinstance(file, str) and self.input_file and not os.path.isabs(file):
                    source["file"] = os.path.normpath(os.path.join(os.path.dirname(self.input_file), file))
                return source
            if not p:
                break
            p = p.rsplit("/", 1)[0]
        if self.positions and self.input_file:
            p = pointer
            while p not in self.positions and p:
                p = p.rsplit("/", 1)[0]
            if p in self.positions:
                return {"file": self.input_file, "line": self.positions[p][0]}
        return None




def _short(text: str, most: int = 160) -> str:
    return text if len(text) <= most else text[:most] + "…"
