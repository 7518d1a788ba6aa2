"""Command line: `python -m bot [run|demo|score|phrases|rewrite|phrasebank|digest] ...`.

Each subcommand lives in its own module under `bot/cli/` and exposes `register(subparsers)`,
which adds its parser and sets `func` (called with the parsed args, returns an exit code).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# Modules under bot/cli/, in the order `--help` lists them. `run` is the default command.
COMMANDS = ("run", "demo", "score", "phrases", "rewrite", "phrasebank", "digest")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Kindly, compassionate support on Slack.")
    sub = parser.add_subparsers(dest="command", metavar="command")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"bot.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"bot.cli.{name}":
                raise
            continue  # a command not built yet is simply not offered
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if not args_list or (args_list[0].startswith("-") and args_list[0] not in ("-h", "--help")):
        args_list = ["run", *args_list]
    args = parser.parse_args(args_list)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
