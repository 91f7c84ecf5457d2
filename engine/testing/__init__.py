"""Helpers for testing packs, plugins and forms — for pack authors and plugin authors as much as for
formaudit's own tests.

- :func:`run_cli` runs the command line in-process.
- Hypothesis strategies (need ``hypothesis``: ``pip install formaudit[test]``), imported on first use:
  :func:`forms` (schema-valid forms of a form type), :func:`consistent_forms` (forms on which every rule
  of the built-in pack holds), :func:`mutants` (single-fault mutants of a consistent form, each labelled
  with its defect kind), :func:`amounts`, :func:`rates`, :func:`counts`, :func:`figures`,
  :func:`targets` / :func:`target_cases`, :func:`indicator_pairs`, :func:`blanks`, :func:`texts`,
  :func:`from_schema`; :func:`violations` is the independent oracle the mutants are checked with;
  :func:`outcomes` evaluates a pack on one form, rule by rule.
- :func:`fuzz_pack` is what ``formaudit pack test PACK --fuzz N`` runs.

See docs/testing-packs.md.
"""

from __future__ import annotations

import io
from typing import Any, Sequence


def run_cli(*argv: str) -> tuple[int, str, str]:
    """Run the ``formaudit`` command line in-process; return (exit status, stdout, stderr)."""
    from ..cli import main

    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


_LAZY = {
    "strategies": ("from_schema", "forms", "schema_for", "blanks", "amounts", "rates", "counts", "figures",
                   "texts", "targets", "target_cases", "TargetCase", "indicator_pairs", "IndicatorPair", "BLANKS"),
    "models": ("consistent_forms", "mutants", "Mutant", "mutation_kinds", "violations", "model_for", "MODELS",
               "FormModel"),
    "evaluation": ("outcomes", "Evaluation"),
}


def __getattr__(name: str) -> Any:
    import importlib

    for module, names in _LAZY.items():
        if name in names:
            return getattr(importlib.import_module(f"{__name__}.{module}"), name)
    if name == "fuzz_pack":
        from ..fuzz import fuzz_pack

        return fuzz_pack
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__: Sequence[str] = ["run_cli", "fuzz_pack", *[n for names in _LAZY.values() for n in names]]
