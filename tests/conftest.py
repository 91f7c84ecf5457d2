"""Shared fixtures. The repo root is never on sys.path (pytest --import-mode=importlib), so tests
find repo files through ``ROOT`` here or ``Path(__file__).resolve().parents[1]``."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def root() -> Path:
    return ROOT
