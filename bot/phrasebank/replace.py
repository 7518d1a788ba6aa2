"""Find curt phrasings in a draft: one compiled pattern over every `match` phrase, plus the regex entries.

Matching is case-insensitive, tolerant of curly apostrophes and extra spaces, and never
looks inside protected spans (URLs, code, numbers), so the agent's facts can't be touched.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.phrasebank.schema import Replacement

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'"})

# Facts an agent wrote that a rewrite must carry over byte for byte.
PROTECTED = re.compile(
    r"```.*?```"  # code blocks
    r"|`[^`\n]+`"  # inline code
    r"|<[^<>\s][^<>]*>"  # Slack links and mentions
    r"|(?:https?://|www\.)\S+"  # URLs
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # e-mail addresses
    r"|[#$€£]?\d[\w.,:/%-]*",  # numbers, amounts, dates, versions, ticket ids
    re.S,
)


@dataclass(frozen=True, slots=True)
class Hit:
    """A curt phrasing found at text[start:end], and the entry that replaces it."""

    start: int
    end: int
    replacement: Replacement


def protected_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in PROTECTED.finditer(text)]


def _pattern(phrase: str) -> str:
    words = [re.escape(w).replace("'", "['\u2019]") for w in phrase.split()]
    body = r"\s+".join(words)
    head = r"\b" if phrase[:1].isalnum() else ""
    tail = r"\b" if phrase[-1:].isalnum() else ""
    return head + body + tail


class Replacer:
    """Compiled once per phrasebank; `find` returns non-overlapping hits, longest match first."""

    def __init__(self, replacements: Sequence[Replacement]) -> None:
        self._by_phrase: dict[str, Replacement] = {}
        for rep in replacements:
            for phrase in rep.match:
                self._by_phrase.setdefault(phrase, rep)
        ordered = sorted(self._by_phrase, key=lambda p: (-len(p), p))
        self._phrases = re.compile("|".join(_pattern(p) for p in ordered), re.I) if ordered else None
        self._regexes = [(re.compile(rep.regex, re.I | re.M), rep) for rep in replacements if rep.regex]

    def find(self, text: str) -> list[Hit]:
        spans = protected_spans(text)

        def free(start: int, end: int) -> bool:
            return all(end <= a or start >= b for a, b in spans)

        hits: list[Hit] = []
        if self._phrases is not None:
            for m in self._phrases.finditer(text):
                key = " ".join(m.group(0).lower().translate(_APOSTROPHES).split())
                rep = self._by_phrase.get(key)
                if rep is not None and free(*m.span()):
                    hits.append(Hit(m.start(), m.end(), rep))
        for regex, rep in self._regexes:
            hits += [Hit(m.start(), m.end(), rep) for m in regex.finditer(text) if m.end() > m.start() and free(*m.span())]
        hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
        chosen: list[Hit] = []
        for hit in hits:
            if not chosen or hit.start >= chosen[-1].end:
                chosen.append(hit)
        return chosen
