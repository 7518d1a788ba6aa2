"""`python -m bot phrases "refund delayed" [-k 5]`: suggest phrasebank phrases for a situation."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bot.config import ConfigError, load_settings
from bot.phrasebank import Phrasebank, PhrasebankError, load_phrasebank, render


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "phrases",
        help="suggest phrases for a situation described in a few words",
        description='Suggest phrases for a situation, e.g. "refund delayed" or "site down".',
    )
    parser.add_argument("situation", help="the situation in free words, or a customer's message")
    parser.add_argument("-k", type=int, default=3, help="how many phrases (default 3)")
    parser.add_argument("--name", help="customer's first name, fills {name}")
    parser.add_argument("--timeframe", help="fills {timeframe}, e.g. 'two working days'")
    parser.add_argument("--team", help="fills {team}, e.g. 'our billing team'")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    add_dir_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    pb = load_for(args)
    if pb is None:
        return 1
    k = max(0, min(args.k, len(pb)))
    phrases = pb.suggest(args.situation, k=k)
    rendered = [render(p, name=args.name, timeframe=args.timeframe, team=args.team) for p in phrases]
    if args.json:
        rows = [
            {"id": p.id, "intent": p.intent, "situations": list(p.situations), "text": text, "tone": p.tone}
            for p, text in zip(phrases, rendered, strict=True)
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    if not phrases:
        print("No phrases to suggest.")
        return 0
    for n, (p, text) in enumerate(zip(phrases, rendered, strict=True), 1):
        print(f"{n}. {text}")
        print(f"   [{p.id}] {p.intent}; {', '.join(p.situations)}" + (f" - {p.tone}" if p.tone else ""))
    if any("[" in text for text in rendered):
        print("\nFill in the [bracketed] parts before sending.")
    return 0


def add_dir_option(parser: argparse.ArgumentParser) -> None:
    """`--phrasebank DIR`, shared with `rewrite`; without it PHRASEBANK_DIR from the settings applies."""
    parser.add_argument(
        "--phrasebank",
        metavar="DIR",
        type=Path,
        help="team phrasebank folder merged over the bundled one (default: PHRASEBANK_DIR)",
    )


def load_for(args: argparse.Namespace) -> Phrasebank | None:
    """The phrasebank to use, or None after printing why it could not be loaded."""
    extra: Path | None = args.phrasebank
    if extra is None:
        try:
            extra = load_settings().phrasebank_dir
        except ConfigError as exc:
            print(f"configuration error: {exc}", file=sys.stderr)
            return None
    try:
        return load_phrasebank(extra)
    except PhrasebankError as exc:
        print(exc, file=sys.stderr)
        print("Run `python -m bot phrasebank check DIR` for the full list.", file=sys.stderr)
        return None
