"""One module per ``formaudit`` subcommand: each has ``register(subparsers)`` and ``run(args, out, err)``.

To add a command, add a module here and its name to ``COMMANDS`` (order is the order of ``--help``).
"""

COMMANDS = ["check", "read", "packs", "pack", "explain", "schema"]

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
