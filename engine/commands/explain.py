"""``formaudit explain RULE``: a rule's documentation in the terminal, and the effective rule.

RULE is ``pack-id:rule-id`` or a bare rule id, searched in every registered pack. With ``--pack FILE``
the rule is explained as the given pack (an extending one, say) has it: after ``extends`` and
``overrides``, with where each part came from.
"""

from __future__ import annotations

import argparse
import difflib
from typing import IO

from ..errors import FormauditError
from ..packs import Pack, PackLoader
from ..registry import Registry
from . import EXIT_ERROR, EXIT_OK


def register(sub) -> None:
    explain = sub.add_parser("explain", help="explain a rule: what it checks, why, examples, where it came from")
    explain.add_argument("rule", metavar="RULE", help="pack-id:rule-id, or a rule id")
    explain.add_argument("--pack", metavar="ID|FILE", help="explain the rule as this pack has it")


def find_rule(rule: str, loader: PackLoader, registry: Registry, pack_ref: str | None = None) -> tuple[Pack, str]:
    """The pack to explain ``rule`` in, and the rule id. Raises ``FormauditError`` saying what was meant."""
    pack_id, _, rule_id = rule.rpartition(":")
    if pack_ref and pack_id:
        raise FormauditError(f"give either --pack or pack-id:rule-id, not both ({rule})", code="explain-usage")
    if pack_ref or pack_id:
        pack = loader.load(pack_ref or pack_id)
        if not any(r.id == rule_id for r in pack.rules):
            close = difflib.get_close_matches(rule_id, [r.id for r in pack.rules], n=1)
            raise FormauditError(f"pack {pack.id} has no rule '{rule_id}'", code="unknown-rule",
                                 hint=f"did you mean '{close[0]}'?" if close else "formaudit pack doc "
                                 f"{pack.id} lists its rules")
        return pack, rule_id
    found: list[Pack] = []
    every: list[str] = []
    broken: list[str] = []
    for candidate in registry.pack_ids():
        try:
            pack = loader.load(candidate)
        except FormauditError as exc:  # one broken pack must not hide the rules of the others
            broken.append(f"{candidate} ({exc.code})")
            continue
        every.extend(r.id for r in pack.rules)
        if any(r.id == rule_id for r in pack.rules) and all(p.id != pack.id for p in found):
            found.append(pack)
    # a rule inherited by several packs is explained in the pack that defines it
    defining = [p for p in found if p.rule(rule_id).pack == p.id]
    if len(defining) == 1:
        return defining[0], rule_id
    if len(found) == 1:
        return found[0], rule_id
    if not found:
        close = difflib.get_close_matches(rule_id, every, n=1)
        skipped = f"; packs that did not load: {', '.join(broken)}" if broken else ""
        raise FormauditError(f"no registered pack has a rule '{rule_id}'{skipped}", code="unknown-rule",
                             hint=f"did you mean '{close[0]}'?" if close else "formaudit packs lists the packs")
    names = ", ".join(f"{p.id}:{rule_id}" for p in found)
    raise FormauditError(f"several packs have a rule '{rule_id}': {names}", code="ambiguous-rule",
                         hint="name it as pack-id:rule-id")


def run(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    from ..packdoc import effective, rule_section

    registry = Registry.discover()
    loader = PackLoader(registry)
    try:
        pack, rule_id = find_rule(args.rule, loader, registry, args.pack)
    except FormauditError as exc:
        if exc.code in ("unknown-rule", "ambiguous-rule", "explain-usage"):
            stderr.write(f"formaudit: explain: {exc}\n")
            return EXIT_ERROR
        raise
    rule = pack.rule(rule_id)
    stdout.write(f"# {pack.id}:{rule.id}\n\n")
    stdout.write(rule_section(pack, rule, level=2).split("\n", 2)[2].lstrip("\n") + "\n")
    stdout.write(effective(pack, rule, registry.pack_ids()))
    return EXIT_OK
