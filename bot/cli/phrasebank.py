"""`python -m bot phrasebank check [DIR]`: validate a phrasebank folder; non-zero exit with every problem."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from bot.phrasebank import BUNDLED_DIR, Phrasebank, PhrasebankError, clear_cache, load_phrasebank


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "phrasebank",
        help="check a team's phrasebank folder",
        description="Tools for the phrasebank. `check [DIR]` validates DIR merged over the bundled phrases.",
    )
    parser.set_defaults(func=lambda _args: _usage(parser))
    actions = parser.add_subparsers(dest="phrasebank_action", metavar="action")
    check = actions.add_parser("check", help="validate DIR (default: the bundled phrasebank)")
    check.add_argument("dir", nargs="?", type=Path, help="a team's phrasebank folder")
    check.set_defaults(func=run_check)


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def run_check(args: argparse.Namespace) -> int:
    folder: Path | None = args.dir
    if folder is not None and folder.resolve() == BUNDLED_DIR:
        folder = None
    clear_cache()  # a check is about the files as they are now
    try:
        pb = load_phrasebank(folder)
    except PhrasebankError as exc:
        print(f"{len(exc.problems)} problem(s) found:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    print(f"OK: {_summary(pb)}" + (f" (bundled + {folder})" if folder else " (bundled)"))
    return 0


def _summary(pb: Phrasebank) -> str:
    intents = Counter(p.intent for p in pb.phrases)
    per_intent = ", ".join(f"{i} {intents[i]}" for i in pb.intents())
    return f"{len(pb.phrases)} phrases ({per_intent}); {len(pb.replacements)} replacements"
