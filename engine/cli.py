"""The command line (SPEC §5). Exit status: 0 nothing at or above --fail-on; 1 findings at or above it;
2 a usage error, a pack that cannot load, or an input that could not be checked. No traceback reaches
a user: errors are one line naming the file, line and field."""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import IO, Sequence

from . import __version__
from .commands import COMMANDS, EXIT_ERROR, EXIT_OK
from .errors import FormauditError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:
        self.print_usage(sys.stderr)
        sys.stderr.write(f"formaudit: error: {message}\n")
        raise SystemExit(EXIT_ERROR)


def _modules():
    return {name: importlib.import_module(f"formaudit.commands.{name}") for name in COMMANDS}


def build_parser(modules=None) -> argparse.ArgumentParser:
    parser = _Parser(prog="formaudit", description="Check budget performance self-evaluation forms (绩效自评表).")
    parser.add_argument("--version", action="version", version=f"formaudit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for module in (modules or _modules()).values():
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None, stdout: IO[str] | None = None, stderr: IO[str] | None = None) -> int:
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    modules = _modules()
    parser = build_parser(modules)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    if args.command is None:
        parser.print_help(stdout)
        return EXIT_ERROR
    try:
        return modules[args.command].run(args, stdout, stderr)
    except FormauditError as exc:
        stderr.write(f"formaudit: {exc}\n")
        return EXIT_ERROR
    except KeyboardInterrupt:
        stderr.write("formaudit: interrupted\n")
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
