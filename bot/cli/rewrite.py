"""`python -m bot rewrite "draft" [--reply-to "customer text"]`: a kinder version of a draft reply."""

from __future__ import annotations

import argparse
import json
from typing import Any

from bot.cli.phrases import add_dir_option, load_for
from bot.rewrite import rewrite


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "rewrite",
        help="rewrite a curt draft reply into a kinder one, listing each change",
        description="Rewrite a draft reply: swap curt phrasings, add an acknowledgement and a next step.",
    )
    parser.add_argument("draft", help="the agent's draft reply")
    parser.add_argument("--reply-to", metavar="TEXT", help="the customer message the draft answers")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    add_dir_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    pb = load_for(args)
    if pb is None:
        return 1
    result = rewrite(args.draft, args.reply_to, phrasebank=pb)
    if args.json:
        print(
            json.dumps(
                {
                    "text": result.text,
                    "changes": [c._asdict() for c in result.changes],
                    "notes": result.notes,
                    "before": result.before.to_dict(),
                    "after": result.after.to_dict(),
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    print(result.text)
    print()
    for change in result.changes:
        if change.kind == "replace":
            print(f"- replaced “{change.before}” with “{change.after}”: {change.reason}")
        elif change.kind == "remove":
            print(f"- removed “{change.before}”: {change.reason}")
        else:
            print(f"- added ({change.kind}) “{change.after}”: {change.reason}")
    for note in result.notes:
        print(f"- {note}")
    b, a = result.before, result.after
    print(f"warmth {b.warmth:.2f} -> {a.warmth:.2f}, curtness {b.curtness:.2f} -> {a.curtness:.2f}")
    return 0
