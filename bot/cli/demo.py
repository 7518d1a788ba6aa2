"""`python -m bot demo`: replay a support conversation against a local fake Slack, offline."""

from __future__ import annotations

import argparse
import logging
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="show the whole flow offline: the real app against a local fake Slack",
        description="Replay a bundled support conversation and print what each person would see.",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.ERROR)  # the demo's output is the conversation, not logs
    from bot.demo import run_demo

    return run_demo()
