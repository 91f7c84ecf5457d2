"""``formaudit packs``: the registered rule packs."""

from __future__ import annotations

import argparse
from typing import IO

from ..api import Auditor
from . import EXIT_OK


def register(sub) -> None:
    sub.add_parser("packs", help="list the registered rule packs")


def run(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    auditor = Auditor()
    for pack_id in auditor.registry.pack_ids():
        pack = auditor.load_pack(pack_id)
        stdout.write(f"{pack.id}\t{pack.version}\t{pack.form_type}\t{len(pack.enabled_rules)} rules\t{pack.title}\n")
    return EXIT_OK
