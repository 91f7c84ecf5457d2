"""``formaudit pack test PACK``: run a pack's examples."""

from __future__ import annotations

import argparse
from typing import IO

from ..packs import PackLoader
from ..packtest import coverage_gaps, describe, run_examples
from ..registry import Registry
from . import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK


def register(sub) -> None:
    pack = sub.add_parser("pack", help="work on a rule pack: test")
    actions = pack.add_subparsers(dest="action", metavar="ACTION")
    test = actions.add_parser("test", help="run the pack's examples")
    test.add_argument("pack", metavar="PACK", help="pack id or .yaml file")
    test.add_argument("-v", "--verbose", action="store_true", help="list every example, not only failures")


def run(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    if args.action is None:
        stderr.write("formaudit: pack: say what to do: test\n")
        return EXIT_ERROR
    return _test(args, stdout, stderr)


def _test(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    pack = PackLoader(Registry.discover()).load(args.pack)
    results = run_examples(pack)
    bad = [r for r in results if not r.ok]
    for r in results:
        if args.verbose or not r.ok:
            stdout.write(describe(r) + "\n")
    for gap in coverage_gaps(pack):
        stdout.write(f"{pack.file}: coverage: {gap}\n")
    rules = {r.rule.id for r in results}
    stdout.write(f"{pack.id} {pack.version}: {len(results) - len(bad)} passed, {len(bad)} failed "
                 f"({len(results)} examples of {len(rules)} rules)\n")
    return EXIT_FINDINGS if bad else EXIT_OK
