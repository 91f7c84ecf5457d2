"""``formaudit pack test PACK --fuzz N``: property-based testing of a rule pack.

Over N generated cases (each: a schema-valid form, a consistent form and single-fault mutants of it,
from ``formaudit.testing``):

- no rule raises: every outcome is passed, failed, not applicable or not evaluable;
- on consistent forms no rule fails (a false positive is shrunk and printed as YAML);
- every mutant is caught by some rule; the mutation score is printed per kind of defect and a kind
  with a missed mutant is a failure, named, with a shrunk example;
- rules that never fire or never pass over the run are reported as vacuous (not a failure).

The run is deterministic (the same pack and N give the same cases) and needs ``hypothesis``.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any, Callable

from .checking import Checker
from .packs import Pack

#: mutation kinds drawn per case (all kinds of a model have the same chance); keeps --fuzz 500 near 30 s
KINDS_PER_CASE = 6
#: failures shrunk at most per run (each shrink is a search of its own), and the time they may take
MAX_SHRINKS = 6
SHRINK_SECONDS = 15.0


@dataclass
class KindScore:
    made: int = 0
    caught: int = 0
    by_rule: Counter = field(default_factory=Counter)
    example: Any = None            # the first mutant missed

    @property
    def score(self) -> float:
        return 100.0 * self.caught / self.made if self.made else 100.0


@dataclass
class Failure:
    """A property that failed: ``key`` is (property, subject), ``example`` the first form seen, ``shrunk``
    the minimal one found by hypothesis (None when shrinking found none or was skipped)."""

    prop: str          # raises | false-positive | missed | schema
    subject: str       # the rule, or the mutation kind
    count: int = 0
    detail: str = ""
    example: Any = None
    role: str = ""     # consistent | schema-valid | mutant:<kind>
    shrunk: Any = None


@dataclass
class FuzzReport:
    pack: str
    version: str
    form_type: str
    requested: int
    has_model: bool = True
    cases: int = 0
    seconds: float = 0.0
    forms: Counter = field(default_factory=Counter)          # role → forms checked
    kinds: dict[str, KindScore] = field(default_factory=dict)
    rule_outcomes: dict[str, Counter] = field(default_factory=dict)  # over consistent forms and mutants
    failures: dict[tuple[str, str], Failure] = field(default_factory=dict)
    kind_descriptions: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.failures

    def vacuous(self) -> dict[str, str]:
        out = {}
        for rule, c in sorted(self.rule_outcomes.items()):
            if not c["failed"] and not c["passed"]:
                out[rule] = "never passed or failed (always not applicable or not evaluable)"
            elif not c["failed"]:
                out[rule] = "never fired"
            elif not c["passed"]:
                out[rule] = "never passed"
        return out

    def total_score(self) -> tuple[int, int]:
        return sum(k.caught for k in self.kinds.values()), sum(k.made for k in self.kinds.values())


def _fail(report: FuzzReport, prop: str, subject: str, detail: str, example: Any, role: str) -> None:
    failure = report.failures.setdefault((prop, subject), Failure(prop, subject, 0, detail, example, role))
    failure.count += 1


def fuzz_pack(pack: Pack, n: int, *, registry: Any = None, schema: Any = None, shrink: bool = True,
              kinds_per_case: int | None = KINDS_PER_CASE, progress: Callable[[int], None] | None = None,
              shrink_seconds: float = SHRINK_SECONDS) -> FuzzReport:
    """Run the fuzz properties over ``n`` generated cases; see the module docstring."""
    from hypothesis import HealthCheck, Phase, Verbosity, given, settings
    from hypothesis import strategies as st

    from .registry import Registry
    from .testing import models, strategies
    from .testing.evaluation import outcomes

    registry = registry or Registry.discover()
    if schema is None:
        try:
            schema = strategies.schema_for(pack.form_type, registry)
        except LookupError:
            schema = None
    report = FuzzReport(pack.id, pack.version, pack.form_type, n)
    with_schema = Checker(pack, schema)
    plain = Checker(pack, None)
    model = models.MODELS.get(pack.form_type)
    report.has_model = model is not None
    if model is not None:
        report.kind_descriptions = {k.name: k.description for k in model.kinds.values()}
        report.kinds = {k: KindScore() for k in model.kinds}
        cases = models.fuzz_cases(pack.form_type, pack, kinds_per_case=kinds_per_case)
    else:
        cases = st.none()
    random_forms = strategies.forms(pack.form_type, registry=registry, schema=schema) if schema is not None \
        else st.none()

    def tally(ev) -> None:
        for rule, c in ev.counts.items():
            report.rule_outcomes.setdefault(rule, Counter()).update(c)

    def raised(ev, form, role) -> None:
        for rule, errors in ev.raised.items():
            _fail(report, "raises", rule, f"{type(errors[0]).__name__}: {errors[0]}", form, role)

    def one(case, random_form) -> None:
        report.cases += 1
        if progress is not None:
            progress(report.cases)
        if random_form is not None:
            report.forms["schema-valid"] += 1
            raised(outcomes(pack, random_form, checker=plain), random_form, "schema-valid")
        if case is None:
            return
        report.forms["consistent"] += 1
        ev = outcomes(pack, case.consistent, checker=with_schema)
        raised(ev, case.consistent, "consistent")
        tally(ev)
        if ev.schema_errors:
            pointer, message = ev.schema_errors[0]
            _fail(report, "schema", "consistent form", f"{pointer or '/'}: {message}", case.consistent, "consistent")
        for rule in sorted(ev.failed_rules):
            found = next((f for f in ev.findings if f.rule == rule), None)
            _fail(report, "false-positive", rule, found.message if found else "", case.consistent, "consistent")
        before = {(f.rule, f.fingerprint) for f in ev.findings if f.outcome == "failed"}
        for mutant in case.mutants:
            report.forms["mutant"] += 1
            mev = outcomes(pack, mutant.form, checker=plain)
            raised(mev, mutant.form, f"mutant:{mutant.kind}")
            tally(mev)
            score = report.kinds.setdefault(mutant.kind, KindScore())
            score.made += 1
            # caught: a failure the consistent form did not have (a rule that cries wolf catches nothing)
            caught = {f.rule for f in mev.findings if f.outcome == "failed" and (f.rule, f.fingerprint) not in before}
            if caught:
                score.caught += 1
                score.by_rule.update(caught)
            else:
                if score.example is None:
                    score.example = mutant
                _fail(report, "missed", mutant.kind, mutant.description, mutant, f"mutant:{mutant.kind}")

    run_settings = settings(max_examples=n, database=None, derandomize=True, deadline=None,
                            phases=[Phase.generate], suppress_health_check=list(HealthCheck),
                            verbosity=Verbosity.quiet)
    start = time.perf_counter()
    given(cases, random_forms)(run_settings(one))()
    if shrink:
        stop = time.monotonic() + shrink_seconds
        for failure in list(report.failures.values())[:MAX_SHRINKS]:
            budget = min(stop - time.monotonic(), 5.0)
            if budget <= 0:
                break
            failure.shrunk = _shrink(pack, failure, n, plain, with_schema, budget)
    report.seconds = time.perf_counter() - start
    return report


class _OutOfTime(BaseException):
    pass


def _shrink(pack: Pack, failure: Failure, n: int, plain: Checker, with_schema: Checker, seconds: float) -> Any:
    """The smallest example hypothesis finds with the same failure within ``seconds`` (None when it finds
    none); when time runs out, the smallest found so far."""
    from hypothesis import HealthCheck, find, settings
    from hypothesis.errors import NoSuchExample

    from .testing import models, strategies
    from .testing.evaluation import outcomes

    role = failure.role
    if role == "consistent":
        strategy = models.consistent_forms(pack.form_type, pack)
    elif role == "schema-valid":
        strategy = strategies.forms(pack.form_type, schema=with_schema.validator.schema
                                    if with_schema.validator is not None else None)
    elif role.startswith("mutant:"):
        strategy = models.mutants(pack.form_type, [role.split(":", 1)[1]], pack)
    else:
        return None

    def form_of(x):
        return x.form if isinstance(x, models.Mutant) else x

    best: list[Any] = []
    deadline = time.monotonic() + seconds

    def condition(x) -> bool:
        if time.monotonic() > deadline:
            raise _OutOfTime()  # a BaseException: hypothesis stops at once instead of trying more shrinks
        if _fails(x):
            best[:] = [x]
            return True
        return False

    def _fails(x) -> bool:
        if failure.prop == "schema":
            return bool(outcomes(pack, form_of(x), checker=with_schema).schema_errors)
        ev = outcomes(pack, form_of(x), checker=with_schema if role == "consistent" else plain)
        if failure.prop == "raises":
            return failure.subject in ev.raised
        if failure.prop == "false-positive":
            return failure.subject in ev.failed_rules
        if failure.prop == "missed":
            return not ev.failed_rules
        return False
    try:
        return find(strategy, condition, settings=settings(max_examples=max(2 * n, 200), database=None,
                                                           derandomize=True, deadline=None,
                                                           suppress_health_check=list(HealthCheck)))
    except _OutOfTime:
        return best[0] if best else None
    except NoSuchExample:
        return best[0] if best else None
    except Exception:  # noqa: BLE001 - shrinking is a courtesy (e.g. Flaky when time ran out at the replay)
        return best[0] if best else None


# -- printing ------------------------------------------------------------------------------------------

def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return format(value, "f")
    return value


def as_yaml(value: Any) -> str:
    import yaml

    return yaml.safe_dump(_plain(value), allow_unicode=True, sort_keys=False, width=100)


def _indent(text: str, by: str = "      ") -> str:
    return "".join(by + line + "\n" for line in text.rstrip("\n").splitlines())


def format_report(report: FuzzReport, *, examples: bool = True) -> str:
    lines = []
    forms = ", ".join(f"{v} {k}" for k, v in sorted(report.forms.items()))
    lines.append(f"fuzz {report.pack} {report.version}: {report.cases} cases in {report.seconds:.1f} s ({forms})")
    if not report.has_model:
        lines.append(f"  formaudit.testing has no model of {report.form_type}: only 'no rule raises' on "
                     f"schema-valid forms was checked (no consistent forms, no mutants)")
    raises = [f for f in report.failures.values() if f.prop == "raises"]
    positives = [f for f in report.failures.values() if f.prop == "false-positive"]
    lines.append("  no rule raised" if not raises else
                 f"  FAIL rules raised: {', '.join(f'{f.subject} ({f.count}×)' for f in raises)}")
    if report.has_model:
        lines.append("  no rule failed on a consistent form" if not positives else
                     f"  FAIL rules failed on consistent forms: {', '.join(f'{f.subject} ({f.count}×)' for f in positives)}")
    if report.kinds:
        lines.append("  mutation score (mutants caught by at least one rule), per kind of defect:")
        width = max(len(k) for k in report.kinds)
        for kind, score in report.kinds.items():
            top = ", ".join(f"{r} {c}" for r, c in score.by_rule.most_common(3))
            mark = "   " if score.caught == score.made else "!! "
            lines.append(f"   {mark}{kind:<{width}}  {score.caught:>5}/{score.made:<5} {score.score:6.1f}%"
                         + (f"  caught by {top}" if top else ""))
        caught, made = report.total_score()
        lines.append(f"      {'all kinds':<{width}}  {caught:>5}/{made:<5} {100.0 * caught / made if made else 100.0:6.1f}%")
    vacuous = report.vacuous()
    if vacuous:
        lines.append("  vacuous rules over the run (consistent forms and mutants):")
        lines.extend(f"    {rule}: {why}" for rule, why in vacuous.items())
    elif report.has_model:
        lines.append("  every rule both fired and passed during the run")
    for failure in report.failures.values():
        lines.append(_describe_failure(failure, report, examples))
    lines.append(f"fuzz {report.pack}: " + ("ok" if report.ok else
                 "FAILED: " + "; ".join(_headline(f) for f in report.failures.values())))
    return "\n".join(lines) + "\n"


def _headline(f: Failure) -> str:
    return {"raises": f"rule {f.subject} raised",
            "false-positive": f"rule {f.subject} failed on a consistent form",
            "missed": f"mutation kind '{f.subject}' missed",
            "schema": "a consistent form broke the schema (a formaudit.testing bug)"}[f.prop]


def _describe_failure(f: Failure, report: FuzzReport, examples: bool) -> str:
    head = f"  FAIL {_headline(f)} ({f.count}×): {f.detail}"
    if f.prop == "missed":
        score = report.kinds.get(f.subject)
        what = report.kind_descriptions.get(f.subject, "")
        head = (f"  FAIL mutation kind '{f.subject}' ({what}) missed {f.count} of {score.made if score else '?'} "
                f"mutants: no rule failed on them. First missed: {f.detail}")
    if not examples:
        return head
    example = f.shrunk if f.shrunk is not None else f.example
    label = "shrunk counterexample" if f.shrunk is not None else "counterexample (not shrunk)"
    if example is None:
        return head
    extra = ""
    if hasattr(example, "kind") and hasattr(example, "form"):
        extra = f"    mutant: {example.description}\n"
        example = example.form
    return f"{head}\n{extra}    {label}:\n{_indent(as_yaml(example))}".rstrip("\n")


# -- the command ---------------------------------------------------------------------------------------

def fuzz_command(pack: Pack, n: int, stdout: IO[str], stderr: IO[str], registry: Any = None) -> int:
    """What ``formaudit pack test PACK --fuzz N`` does after the examples: 0 when every property holds,
    1 when one fails, 2 when hypothesis is missing or N is not positive."""
    if n <= 0:
        stderr.write("formaudit: --fuzz N needs a positive number of cases\n")
        return 2
    # hypothesis keeps a cache in ./.hypothesis unless told otherwise: not in the user's folder
    os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY",
                          os.path.join(tempfile.gettempdir(), f"formaudit-hypothesis-{getattr(os, 'getuid', lambda: 0)()}"))
    try:
        import hypothesis  # noqa: F401
    except ImportError:
        stderr.write("formaudit: --fuzz needs hypothesis: pip install 'formaudit[test]'\n")
        return 2
    report = fuzz_pack(pack, n, registry=registry)
    stdout.write(format_report(report))
    return 0 if report.ok else 1
