"""On-demand checks (slash command, shortcuts, compose modal): score a draft, suggest a rewrite.

Nothing is stored: the agent asked, the agent sees the answer, the text is forgotten.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.suggestions import PhraseLike, Rewritten, Suggester
from bot.tone import Analysis, Context, analyze

COMMANDS = ("help", "check", "mute", "unmute", "stats", "digest")


@dataclass(frozen=True, slots=True)
class DraftCheck:
    draft: str
    analysis: Analysis
    rewrite: Rewritten | None
    customer: Analysis | None
    phrases: tuple[PhraseLike, ...]


def check_draft(suggester: Suggester, draft: str, customer_text: str | None = None) -> DraftCheck:
    """Judge a reply against the customer's mood (when given) and propose a warmer version."""
    customer = analyze(customer_text) if customer_text and customer_text.strip() else None
    context = Context(customer_frustration=customer.frustration if customer else None)
    analysis = analyze(draft, context)
    rewrite = suggester.rewrite(draft, customer_text=customer_text) if draft.strip() else None
    phrases = tuple(suggester.suggest(customer, k=2)) if customer is not None else ()
    return DraftCheck(draft, analysis, rewrite, customer, phrases)


def check_message(suggester: Suggester, text: str, author_is_agent: bool) -> DraftCheck:
    """The "Check tone" shortcut: an agent's message gets a rewrite, a customer's gets phrasings."""
    if author_is_agent:
        return check_draft(suggester, text)
    customer = analyze(text)
    phrases = tuple(suggester.suggest(customer, k=3))
    return DraftCheck(text, customer, None, customer, phrases)


@dataclass(frozen=True, slots=True)
class Command:
    """A parsed `/kindly` line: `name` is a subcommand, or "phrases" for free words."""

    name: str
    arg: str


_FIRST = re.compile(r"^\s*(\S+)\s*(.*)$", re.DOTALL)


def parse_command(text: str | None) -> Command:
    match = _FIRST.match(text or "")
    if not match:
        return Command("help", "")
    word, rest = match.group(1).lower(), match.group(2).strip()
    if word in COMMANDS:
        return Command(word, rest)
    if word in ("?", "-h", "--help"):
        return Command("help", "")
    return Command("phrases", (text or "").strip())
