"""Running a pack's tests: each rule's examples, and the whole forms of a tests file beside the pack.

An example gives the item a rule sees (``item``, optionally ``parent``/``form``), or a whole ``form``
for a form-level rule, and the outcome it expects: ``pass``, ``fail``, ``not-applicable`` or
``not-evaluable``. ``todo`` marks a known gap: the example is expected to misbehave, and one that
starts behaving is reported so that the mark is removed (strict, like pytest's xfail).

A tests file (``tests.yaml`` beside ``pack.yaml``, or ``NAME.tests.yaml`` beside ``NAME.yaml``) holds
whole forms and the findings each must give, by rule id and JSON Pointer::

    tests:
      - name: 2023 年自评表
        form: forms/2023.yaml          # a form data file (relative to the tests file), or the form itself
        params: {completion_alarm: 85%}   # optional: params instead of the pack's
        expect:                        # rule id → pointers of the findings it must give; [] = none
          funds.completion-low: [/funds/1/completion_rate]
          funds.overspent: []
        not_evaluable: {}              # optional: rule id → pointers where it cannot judge
        exhaustive: false              # optional: true = no other rule may give a finding
        todo: reason                   # optional: a known gap
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .checking import evaluate_rule, items
from .packs import Example, Pack, Rule
from .values import Record, convert, literal

EXPECT = {"passed": "pass", "failed": "fail", "not_applicable": "not-applicable", "not_evaluable": "not-evaluable"}


@dataclass(frozen=True)
class ExampleResult:
    rule: Rule
    example: Example
    actual: str
    detail: str = ""

    @property
    def behaves(self) -> bool:
        return self.actual == self.example.expect

    @property
    def ok(self) -> bool:
        """As it says, or a todo that still misbehaves."""
        return self.behaves != bool(self.example.todo)


def _params(pack: Pack, example: Example) -> Record:
    if not example.params:
        return pack.param_values
    merged = dict(pack.param_values)
    merged.update({k: literal(v) for k, v in example.params.items()})
    return Record(merged, "/params")


def run_example(pack: Pack, rule: Rule, example: Example) -> ExampleResult:
    params = _params(pack, example)
    form = convert(example.form, "") if isinstance(example.form, dict) else None
    if rule.for_each and example.item is not None:
        record = convert(example.item, "/item")
        parent = convert(example.parent, "/parent") if isinstance(example.parent, dict) else None
        outcome, _, detail = evaluate_rule(rule, record, parent=parent, form=form if form is not None else record,
                                           index=0, params=params)
        return ExampleResult(rule, example, EXPECT[outcome], str(detail or ""))
    if form is None:
        form = convert(example.item or {}, "")
    outcomes = []
    for it in items(form, rule.for_each, rule.key):
        outcome, _, detail = evaluate_rule(rule, it.record, parent=it.parent, form=form, index=it.index,
                                           params=params)
        outcomes.append((outcome, detail))
    for wanted in ("failed", "not_evaluable", "passed"):
        for outcome, detail in outcomes:
            if outcome == wanted:
                return ExampleResult(rule, example, EXPECT[outcome], str(detail or ""))
    return ExampleResult(rule, example, "not-applicable")


def run_examples(pack: Pack, *, own_only: bool = False) -> list[ExampleResult]:
    results = []
    for rule in pack.rules:
        if own_only and rule.pack != pack.id:
            continue
        for example in rule.examples:
            results.append(run_example(pack, rule, example))
    return results


def coverage_gaps(pack: Pack) -> list[str]:
    """Rules without both a passing and a failing example (``todo`` examples do not count)."""
    gaps = []
    for rule in pack.rules:
        expects = {e.expect for e in rule.examples if not e.todo}
        missing = [k for k in ("pass", "fail") if k not in expects]
        if missing:
            gaps.append(f"{rule.id}: no {' and no '.join(missing)} example")
    return gaps


def describe(result: ExampleResult) -> str:
    ex = result.example
    where = f"{result.rule.file}:{ex.line}" if ex.line else result.rule.file
    if result.ok:
        status = "ok" if not ex.todo else f"todo ({ex.todo})"
    elif ex.todo:
        status = f"todo example now behaves ({result.actual}): remove the todo mark"
    else:
        status = f"FAILED: expected {ex.expect}, got {result.actual}" + (f" — {result.detail}" if result.detail else "")
    return f"{where}: {result.rule.id}: {ex.name}: {status}"




# -- tests files: whole forms and the findings they must give -------------------------------------

TESTS_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "formaudit pack tests file",
    "type": "object",
    "required": ["tests"],
    "additionalProperties": False,
    "properties": {
        "pack": {"type": "string", "description": "The pack these tests are for (id or relative .yaml path)."},
        "tests": {"type": "array", "items": {
            "type": "object",
            "required": ["name", "form"],
            "additionalProperties": False,
            "properties": {
                "name": {"type": "string", "minLength": 1},
                "form": {"type": ["string", "object"],
                         "description": "A form data file (relative to the tests file) or the form itself."},
                "params": {"type": "object", "description": "Params to use instead of the pack's."},
                "expect": {"$ref": "#/$defs/findings",
                           "description": "Rule id → pointers of the findings it must give ([] = none)."},
                "not_evaluable": {"$ref": "#/$defs/findings",
                                  "description": "Rule id → pointers where it must report 'cannot judge'."},
                "exhaustive": {"type": "boolean",
                               "description": "No rule outside expect/not_evaluable may give a finding."},
                "todo": {"type": "string", "description": "A known gap: expected not to behave yet, and why."},
            },
        }},
    },
    "$defs": {"findings": {"type": "object",
                           "additionalProperties": {"type": "array", "items": {"type": "string"}}}},
}


@dataclass(frozen=True)
class FormTest:
    """One case of a tests file: a form, and the findings (rule → pointers) it must give."""

    name: str
    form: Any
    file: str
    line: int | None = None
    expect: Any = None            # {rule: [pointer, ...]} of failed findings
    not_evaluable: Any = None     # {rule: [pointer, ...]} of not-evaluable findings
    exhaustive: bool = False
    params: Any = None
    todo: str | None = None
    form_file: str | None = None


@dataclass(frozen=True)
class FormTestResult:
    test: FormTest
    missing: tuple[tuple[str, str, str], ...] = ()     # (rule, pointer, outcome) expected, not given
    unexpected: tuple[tuple[str, str, str], ...] = ()  # given, not expected
    error: str | None = None

    @property
    def behaves(self) -> bool:
        return self.error is None and not self.missing and not self.unexpected

    @property
    def ok(self) -> bool:
        return self.behaves != bool(self.test.todo)

    def rules(self) -> set[str]:
        return set(self.test.expect or {}) | set(self.test.not_evaluable or {})


def default_tests_file(pack_file: str | Path) -> Path:
    """The tests file beside a pack: ``tests.yaml`` beside ``pack.yaml``, else ``<name>.tests.yaml``."""
    path = Path(pack_file)
    return path.with_name("tests.yaml") if path.name in ("pack.yaml", "pack.yml") else \
        path.with_name(f"{path.stem}.tests.yaml")


def load_tests(path: str | Path) -> list[FormTest]:
    """Read and validate a tests file; a mistake is a ``PackError`` with its line and column."""
    import jsonschema

    from .errors import PackError
    from .yamlsource import load_yaml

    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PackError(f"cannot read tests file: {exc}", file=file, code="tests-unreadable") from None
    data, positions = load_yaml(text, file, error=PackError)
    errors = sorted(jsonschema.Draft202012Validator(TESTS_SCHEMA).iter_errors(data),
                    key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        e = errors[0]
        pointer = "".join(f"/{p}" for p in e.absolute_path)
        line, col = positions.at(pointer)
        raise PackError(f"{pointer or '/'}: {e.message}", file=file, line=line, column=col, code="tests-schema")
    out = []
    for i, raw in enumerate(data["tests"]):
        form, form_file = raw["form"], None
        if isinstance(form, str):
            form_file = str(Path(file).parent / form)
        out.append(FormTest(name=raw["name"], form=form, file=file, line=positions.at(f"/tests/{i}")[0],
                            expect=raw.get("expect") or {}, not_evaluable=raw.get("not_evaluable") or {},
                            exhaustive=raw.get("exhaustive", False), params=raw.get("params"), todo=raw.get("todo"),
                            form_file=form_file))
    return out


def run_form_test(pack: Pack, test: FormTest, schema: Any = None, registry: Any = None) -> FormTestResult:
    """Check the test's form with ``pack`` (its params replaced as the test says) and compare findings."""
    from dataclasses import replace

    from .checking import Checker
    from .errors import FormauditError
    from .findings import FormResult

    form = test.form
    positions = None
    if test.form_file is not None:
        try:
            if registry is None:
                from .registry import Registry
                registry = Registry.discover()
            read = registry.reader("formdata")().read(Path(test.form_file))
        except FormauditError as exc:
            return FormTestResult(test, error=str(exc))
        form, positions = read.form, read.positions
    if test.params:
        merged = dict(pack.param_values)
        merged.update({k: literal(v) for k, v in test.params.items()})
        pack = replace(pack, param_values=Record(merged, "/params"))
    result = Checker(pack, schema).check(form, FormResult(input=test.form_file or test.name), positions=positions,
                                         input_file=test.form_file)
    given = {(f.rule, f.pointer, "not-evaluable" if f.outcome == "not-evaluable" else "fail")
             for f in result.findings if f.outcome in ("failed", "not-evaluable")}
    wanted = {(rule, p, "fail") for rule, ps in (test.expect or {}).items() for p in ps}
    wanted |= {(rule, p, "not-evaluable") for rule, ps in (test.not_evaluable or {}).items() for p in ps}
    named = set(test.expect or {}) | set(test.not_evaluable or {})
    missing = sorted(wanted - given)
    unexpected = sorted(g for g in given - wanted if test.exhaustive or g[0] in named)
    unknown = sorted(r for r in named if not any(rule.id == r for rule in pack.rules))
    error = f"no rule {', '.join(unknown)} in {pack.id}" if unknown else None
    return FormTestResult(test, tuple(missing), tuple(unexpected), error)


def describe_form_test(result: FormTestResult) -> str:
    t = result.test
    where = f"{t.file}:{t.line}" if t.line else t.file
    if result.ok:
        status = "ok" if not t.todo else f"todo ({t.todo})"
    elif t.todo:
        status = "todo test now behaves: remove the todo mark"
    else:
        parts = []
        if result.error:
            parts.append(result.error)
        parts += [f"missing {outcome} {rule} at {pointer}" for rule, pointer, outcome in result.missing]
        parts += [f"unexpected {outcome} {rule} at {pointer}" for rule, pointer, outcome in result.unexpected]
        status = "FAILED: " + "; ".join(parts)
    return f"{where}: {t.name}: {status}"


def defining_pack(pack: Pack, pack_id: str) -> Pack | None:
    """The pack of the lineage (``pack`` itself or one it extends) whose id is ``pack_id``."""
    todo = [pack]
    while todo:
        p = todo.pop(0)
        if p.id == pack_id:
            return p
        todo.extend(p.lineage)
    return None
