"""`python -m bot score "text" [--json] [--reply-to "customer text"]`: show how Kindly reads a message.

With --reply-to, the text is judged as an agent's reply to that customer message, so a curt
reply to a frustrated customer scores worse, as it would in a channel.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from bot.tone import Analysis, Context, analyze


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "score",
        help="score a message for frustration, curtness and warmth",
        description="Print Kindly's analysis of one message: three scores, the cues behind them, raw VADER.",
    )
    parser.add_argument("text", help="the message, as typed (Slack markup is understood)")
    parser.add_argument("--reply-to", metavar="CUSTOMER_TEXT", help="judge TEXT as an agent's reply to this message")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.set_defaults(func=run)


def _bar(value: float, width: int = 20) -> str:
    filled = round(value * width)
    return "#" * filled + "." * (width - filled)


def format_analysis(analysis: Analysis, heading: str = "") -> str:
    """A plain-text report a person can read in a terminal."""
    lines = [heading] if heading else []
    if not analysis.judgeable:
        lines.append("Kindly cannot judge this text:")
    for label, value in (
        ("frustration", analysis.frustration),
        ("curtness", analysis.curtness),
        ("warmth", analysis.warmth),
    ):
        lines.append(f"  {label:<12} {value:4.2f}  {_bar(value)}")
    v = analysis.vader
    lines.append(
        f"  VADER        compound {v.get('compound', 0.0):+.3f}  (neg {v.get('neg', 0.0):.2f}, "
        f"neu {v.get('neu', 0.0):.2f}, pos {v.get('pos', 0.0):.2f})"
    )
    if analysis.cues:
        lines.append("  cues:")
        lines.extend(f"    - {cue.name} ({cue.kind}): {cue.explanation}" for cue in analysis.cues)
    else:
        lines.append("  cues: none")
    if analysis.flags:
        lines.append(f"  flags: {', '.join(analysis.flags)}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    context = None
    customer = None
    if args.reply_to is not None:
        customer = analyze(args.reply_to)
        context = Context(customer_frustration=customer.frustration)
    analysis = analyze(args.text, context)
    if args.json:
        payload: dict[str, object] = {"analysis": analysis.to_dict()}
        if customer is not None:
            payload["reply_to"] = customer.to_dict()
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return 0
    if customer is not None:
        print(format_analysis(customer, "Customer message:"))
        print()
        print(format_analysis(analysis, "Agent reply:"))
    else:
        print(format_analysis(analysis))
    return 0
