"""Shared test helpers. The repo root is never on sys.path (pytest --import-mode=importlib)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SEED_FORM = EXAMPLES / "forms" / "liwan-duobao-2021.yaml"


@pytest.fixture
def root() -> Path:
    return ROOT


def run_cli(*argv: str) -> tuple[int, str, str]:
    """Run the command line in-process; return (exit status, stdout, stderr)."""
    import io

    from formaudit.cli import main

    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def cli():
    return run_cli
