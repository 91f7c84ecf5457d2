"""Helpers for testing packs, plugins and forms — for pack authors and plugin authors as much as for
formaudit's own tests. (Hypothesis strategies for forms live here too.)"""

from __future__ import annotations

import io
from typing import Sequence


def run_cli(*argv: str) -> tuple[int, str, str]:
    """Run the ``formaudit`` command line in-process; return (exit status, stdout, stderr)."""
    from .cli import main

    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


__all__: Sequence[str] = ["run_cli"]
