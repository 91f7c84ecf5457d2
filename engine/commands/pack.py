"""``formaudit pack lint|test|doc|diff|schema``: work on a rule pack.

- ``lint PACK``: every problem at its ``file:line:col: code: message``; exit 2 on errors (``--strict``:
  warnings too).
- ``test PACK``: the examples of the pack's rules and the forms of its tests file, reported per rule;
  exit 1 when anything does not behave as it says (``--require-coverage``: or a rule lacks a passing
  and a failing example).
- ``doc PACK`` / ``doc --all -o docs/rules/``: Markdown generated from the pack.
- ``diff OLD NEW FORMS…``: the findings that appear and disappear; exit 0.
- ``schema``: the pack JSON Schema, for an editor that works offline.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import IO

from ..errors import PackError
from ..packs import PackLoader, pack_schema
from ..packtest import (
    ExampleResult,
    coverage_gaps,
    default_tests_file,
    defining_pack,
    describe,
    describe_form_test,
    load_tests,
    run_example,
    run_form_test,
)
from ..registry import Registry
from . import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK

ACTIONS = "lint, test, doc, diff, schema"


def register(sub) -> None:
    pack = sub.add_parser("pack", help="work on a rule pack: lint, test, doc, diff, schema")
    actions = pack.add_subparsers(dest="action", metavar="ACTION")

    lint = actions.add_parser("lint", help="report every problem of a pack with its line and column")
    lint.add_argument("packs", nargs="+", metavar="PACK", help="pack id or .yaml file")
    lint.add_argument("--strict", action="store_true", help="warnings fail too (exit 2)")
    lint.add_argument("--format", choices=["text", "json"], default="text")

    test = actions.add_parser("test", help="run the pack's examples and its tests file")
    test.add_argument("pack", metavar="PACK", help="pack id or .yaml file")
    test.add_argument("-v", "--verbose", action="store_true", help="list every example, not only failures")
    test.add_argument("--tests", metavar="FILE", help="tests file (default: tests.yaml beside pack.yaml, "
                      "or NAME.tests.yaml beside NAME.yaml)")
    test.add_argument("--inherited", action="store_true",
                      help="also run the examples of inherited rules (with the params of the pack defining them)")
    test.add_argument("--require-coverage", action="store_true",
                      help="fail when a rule lacks a passing or a failing example")
    test.add_argument("--fuzz", type=int, metavar="N", help="also run property tests over N generated forms: no "
                      "rule raises, none fails on a consistent form, every mutant is caught (docs/testing-packs.md)")

    doc = actions.add_parser("doc", help="write Markdown documentation of a pack")
    doc.add_argument("pack", nargs="?", metavar="PACK", help="pack id or .yaml file")
    doc.add_argument("--all", action="store_true", help="every registered pack, one page each, plus README.md")
    doc.add_argument("-o", "--output", metavar="PATH", help="file (or folder with --all); default: stdout")

    diff = actions.add_parser("diff", help="findings that appear and disappear between two versions of a pack")
    diff.add_argument("old", metavar="OLD", help="pack id or .yaml file: the pack as it is")
    diff.add_argument("new", metavar="NEW", help="pack id or .yaml file: the pack as it would be")
    diff.add_argument("forms", nargs="+", metavar="FORMS", help="form data files, documents or folders")
    diff.add_argument("--format", choices=["text", "json"], default="text")

    schema = actions.add_parser("schema", help="print the pack JSON Schema (for editors)")
    schema.add_argument("-o", "--output", metavar="FILE", help="write it to FILE")


def run(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    if args.action is None:
        stderr.write(f"formaudit: pack: say what to do: {ACTIONS}\n")
        return EXIT_ERROR
    return {"lint": _lint, "test": _test_and_fuzz, "doc": _doc, "diff": _diff, "schema": _schema}[args.action](
        args, stdout, stderr)


# -- lint -------------------------------------------------------------------------------------------

def _lint(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    from ..lint import format_text, lint_pack, to_json

    registry = Registry.discover()
    loader = PackLoader(registry)
    results = [lint_pack(ref, registry, loader) for ref in args.packs]
    if args.format == "json":
        stdout.write(json.dumps([to_json(r) for r in results], ensure_ascii=False, indent=2) + "\n")
    else:
        for result in results:
            for line in format_text(result):
                stdout.write(line + "\n")
    failed = any(r.errors or (args.strict and r.warnings) for r in results)
    return EXIT_ERROR if failed else EXIT_OK


# -- test -------------------------------------------------------------------------------------------

def _test(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    registry = Registry.discover()
    pack = PackLoader(registry).load(args.pack)
    rules = [r for r in pack.rules if args.inherited or r.pack == pack.id]
    results: list[ExampleResult] = []
    for rule in rules:
        owner = pack if rule.pack == pack.id else defining_pack(pack, rule.pack) or pack
        results.extend(run_example(owner, rule, example) for example in rule.examples)
    tests_path = Path(args.tests) if args.tests else default_tests_file(pack.file)
    form_results = []
    if args.tests and not tests_path.is_file():
        raise PackError(f"no tests file {tests_path}", file=str(tests_path), code="tests-not-found")
    if tests_path.is_file():
        from ..api import Auditor

        schema = Auditor(registry).schema(pack.form_type)
        form_results = [run_form_test(pack, t, schema, registry) for t in load_tests(tests_path)]
    gaps = {g.split(":", 1)[0]: g.split(": ", 1)[1] for g in coverage_gaps(pack)}

    stdout.write(f"{pack.id} {pack.version} ({pack.file})\n")
    for rule in rules:
        mine = [r for r in results if r.rule.id == rule.id]
        bad = [r for r in mine if not r.ok]
        todo = [r for r in mine if r.example.todo and r.ok]
        forms = [f for f in form_results if rule.id in f.rules()]
        bad_forms = [f for f in forms if not f.ok]
        status = "FAIL" if bad or bad_forms else "ok"
        notes = [f"{len(mine)} example{'s' if len(mine) != 1 else ''}"]
        if forms:
            notes.append(f"{len(forms)} form test{'s' if len(forms) != 1 else ''}")
        if todo:
            notes.append(f"{len(todo)} todo")
        if rule.id in gaps and rule.pack == pack.id:
            notes.append(gaps[rule.id])
        if rule.pack != pack.id:
            notes.append(f"from {rule.pack}")
        stdout.write(f"  {status:<4}  {rule.id}  ({'; '.join(notes)})\n")
        for r in mine:
            if args.verbose or not r.ok or r.example.todo:
                stdout.write(f"        {describe(r)}\n")
    shown = [f for f in form_results if args.verbose or not f.ok or f.test.todo]
    if form_results:
        stdout.write(f"  {'FAIL' if any(not f.ok for f in form_results) else 'ok':<4}  {tests_path} "
                     f"({len(form_results)} form test{'s' if len(form_results) != 1 else ''})\n")
    for f in shown:
        stdout.write(f"        {describe_form_test(f)}\n")
    bad = [r for r in results if not r.ok]
    bad_forms = [f for f in form_results if not f.ok]
    own_gaps = [g for g in coverage_gaps(pack) if pack.rule(g.split(":", 1)[0]).pack == pack.id]
    examples = f"{len(results)} example{'s' if len(results) != 1 else ''}"
    of_rules = f"{len(rules)} rule{'s' if len(rules) != 1 else ''}"
    summary = f"{pack.id} {pack.version}: {len(results) - len(bad)} passed, {len(bad)} failed " \
              f"({examples} of {of_rules})"
    if form_results:
        summary += f"; form tests: {len(form_results) - len(bad_forms)} passed, {len(bad_forms)} failed"
    if own_gaps:
        summary += f"; {len(own_gaps)} rule{'s' if len(own_gaps) != 1 else ''} without both a passing and a " \
                   f"failing example"
    stdout.write(summary + "\n")
    if bad or bad_forms or (args.require_coverage and own_gaps):
        return EXIT_FINDINGS
    return EXIT_OK


def _test_and_fuzz(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    code = _test(args, stdout, stderr)
    if args.fuzz is not None:
        from ..fuzz import fuzz_command

        registry = Registry.discover()
        code = max(code, fuzz_command(PackLoader(registry).load(args.pack), args.fuzz, stdout, stderr, registry))
    return code


# -- doc --------------------------------------------------------------------------------------------

def _doc(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    from ..packdoc import pack_page, write_docs

    registry = Registry.discover()
    loader = PackLoader(registry)
    if args.all:
        if args.pack:
            stderr.write("formaudit: pack doc: give a PACK or --all, not both\n")
            return EXIT_ERROR
        if not args.output:
            stderr.write("formaudit: pack doc --all needs -o FOLDER\n")
            return EXIT_ERROR
        packs = [loader.load(pack_id) for pack_id in registry.pack_ids()]
        for path in write_docs(packs, Path(args.output)):
            stdout.write(f"wrote {path}\n")
        return EXIT_OK
    if not args.pack:
        stderr.write("formaudit: pack doc: give a PACK (id or .yaml file), or --all -o FOLDER\n")
        return EXIT_ERROR
    page = pack_page(loader.load(args.pack))
    if args.output:
        Path(args.output).write_text(page, encoding="utf-8")
    else:
        stdout.write(page)
    return EXIT_OK


# -- diff -------------------------------------------------------------------------------------------

def _diff(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    from ..packdiff import diff_packs, format_text

    notes: list[str] = []
    missing = [f for f in args.forms if not Path(f).exists()]
    if missing:
        stderr.write(f"formaudit: pack diff: no such file or folder: {', '.join(missing)}\n")
        return EXIT_ERROR
    result = diff_packs(args.old, args.new, args.forms, notes=notes)
    for note in notes:
        stderr.write(f"formaudit: {note}\n")
    if args.format == "json":
        stdout.write(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        for line in format_text(result):
            stdout.write(line + "\n")
    return EXIT_OK


# -- schema -----------------------------------------------------------------------------------------

def _schema(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    text = json.dumps(pack_schema(), ensure_ascii=False, indent=2) + "\n"
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        stdout.write(text)
    return EXIT_OK
