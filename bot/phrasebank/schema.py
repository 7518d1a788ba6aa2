"""The phrasebank's vocabulary and entry types, and the checks every YAML entry must pass.

Intents and situations are closed lists so a typo in a team's file ("acknowlege") is an
error at load time instead of a phrase that silently never gets suggested.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# Intent -> what it is for. Order is the order `intents()` reports them in.
INTENTS: dict[str, str] = {
    "acknowledge": "acknowledging and validating feelings",
    "apologize": "sincere apology",
    "reassure": "patience and reassurance",
    "respect": "respect and dignity",
    "ownership": "taking ownership",
    "concrete_help": "concrete help instead of 'let me know if you need anything'",
    "expectations": "honest expectations and timelines",
    "follow_up": "follow-up and follow-through",
    "gratitude": "gratitude",
    "boundary": "saying no kindly and holding boundaries",
    "escalate": "escalating gracefully",
    "close": "closing warmly",
}

SITUATIONS: dict[str, str] = {
    "wait": "long wait or delay",
    "repeat_contact": "repeated contact",
    "outage": "outage or incident",
    "cant_reproduce": "bug that can't be reproduced yet",
    "billing": "billing and refunds",
    "missing_feature": "missing feature",
    "customer_mistake": "the customer's own mistake",
    "account_access": "account access and security",
    "angry_customer": "abusive or very angry customer",
    "handover": "handover to another team",
    "resolved": "closing a resolved case",
    "general": "fits most conversations",
}

# Where an intent sits in a reply: feelings first, then the action, then what happens after.
ROLES: dict[str, int] = {
    "acknowledge": 0,
    "apologize": 0,
    "reassure": 0,
    "respect": 0,
    "gratitude": 0,
    "ownership": 1,
    "concrete_help": 1,
    "expectations": 1,
    "boundary": 1,
    "escalate": 1,
    "follow_up": 2,
    "close": 2,
}

PLACEHOLDERS = ("name", "timeframe", "team")
PLACEHOLDER_RE = re.compile(r"\{([a-z_]+)\}")
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,47}$")

PHRASE_FIELDS = {"id", "text", "intent", "situations", "tone", "auto", "keywords"}
REPLACEMENT_FIELDS = {"id", "match", "regex", "alternatives", "inline", "reason"}


@dataclass(frozen=True, slots=True)
class Phrase:
    """One curated phrase. `auto` means the rewriter may add it unasked (it claims no case facts)."""

    id: str
    text: str
    intent: str
    situations: tuple[str, ...]
    tone: str | None = None
    auto: bool = False
    keywords: tuple[str, ...] = ()
    source: str = ""

    @property
    def placeholders(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(PLACEHOLDER_RE.findall(self.text)))

    @property
    def role(self) -> int:
        return ROLES[self.intent]


@dataclass(frozen=True, slots=True)
class Replacement:
    """A curt phrasing and its patient alternatives; the first alternative is the rewriter's pick."""

    id: str
    match: tuple[str, ...]
    alternatives: tuple[str, ...]
    reason: str
    regex: str | None = None
    inline: str | None = None  # used instead when the sentence runs on after the match ("read the docs at ...")
    source: str = ""


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in a phrasebank folder, phrased for the person who has to fix the file."""

    file: str
    entry: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.entry}" if self.entry else self.file
        return f"{where}: {self.message}"


class PhrasebankError(ValueError):
    """The phrasebank failed validation; `.problems` lists every issue found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"phrasebank has {len(self.problems)} problem(s):\n{lines}")


def placeholder_problem(text: str) -> str | None:
    """Why the braces in `text` are wrong, or None: unbalanced, nested, or an unknown name."""
    depth = 0
    for ch in text:
        if ch == "{":
            depth += 1
            if depth > 1:
                return "unbalanced placeholder: nested '{'"
        elif ch == "}":
            depth -= 1
            if depth < 0:
                return "unbalanced placeholder: '}' without '{'"
    if depth:
        return "unbalanced placeholder: '{' is never closed"
    stripped = PLACEHOLDER_RE.sub("", text)
    if "{" in stripped or "}" in stripped:
        return "malformed placeholder: use {name}, {timeframe} or {team}"
    unknown = [p for p in PLACEHOLDER_RE.findall(text) if p not in PLACEHOLDERS]
    if unknown:
        return f"unknown placeholder {{{unknown[0]}}}: use {{name}}, {{timeframe}} or {{team}}"
    return None


def _label(raw: dict[str, Any], index: int) -> str:
    ident = raw.get("id")
    return f"entry #{index + 1} (id {ident!r})" if isinstance(ident, str) else f"entry #{index + 1}"


def _str_list(value: Any) -> tuple[str, ...] | None:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    return None


def _check_id(raw: dict[str, Any], errors: list[str]) -> None:
    ident = raw.get("id")
    if ident is None:
        errors.append("missing field 'id'")
    elif not isinstance(ident, str) or not ID_RE.match(ident):
        errors.append(f"id {ident!r} must be a short lowercase slug like 'ack-wait-01'")


def parse_phrase(raw: Any, file: str, index: int, problems: list[Problem]) -> Phrase | None:
    """Validate one phrase entry; record every problem found and return None if there were any."""
    if not isinstance(raw, dict):
        problems.append(Problem(file, f"entry #{index + 1}", "must be a mapping with id, text, intent, situations"))
        return None
    label = _label(raw, index)
    errors: list[str] = []
    _check_id(raw, errors)
    errors += [f"unknown field {key!r}" for key in raw if key not in PHRASE_FIELDS]
    text = raw.get("text")
    if text is None:
        errors.append("missing field 'text'")
    elif not isinstance(text, str) or not text.strip():
        errors.append("'text' must be a non-empty string")
    elif (issue := placeholder_problem(text)) is not None:
        errors.append(issue)
    intent = raw.get("intent")
    if intent is None:
        errors.append("missing field 'intent'")
    elif intent not in INTENTS:
        errors.append(f"unknown intent {intent!r} (known: {', '.join(INTENTS)})")
    situations = _str_list(raw.get("situations"))
    if "situations" not in raw:
        errors.append("missing field 'situations'")
    elif not situations:
        errors.append("'situations' must be a non-empty list")
    else:
        errors += [f"unknown situation {s!r} (known: {', '.join(SITUATIONS)})" for s in situations if s not in SITUATIONS]
    tone = raw.get("tone")
    if tone is not None and not isinstance(tone, str):
        errors.append("'tone' must be a string")
    auto = raw.get("auto", False)
    if not isinstance(auto, bool):
        errors.append("'auto' must be true or false")
    keywords = _str_list(raw.get("keywords", []))
    if keywords is None:
        errors.append("'keywords' must be a list of words")
    if errors:
        problems.extend(Problem(file, label, e) for e in errors)
        return None
    assert isinstance(text, str) and isinstance(intent, str) and situations is not None
    return Phrase(
        id=raw["id"],
        text=" ".join(text.split()),
        intent=intent,
        situations=tuple(dict.fromkeys(situations)),
        tone=tone,
        auto=auto,
        keywords=keywords or (),
        source=file,
    )


def parse_replacement(raw: Any, file: str, index: int, problems: list[Problem]) -> Replacement | None:
    """Validate one replacement entry; record every problem found and return None if there were any."""
    if not isinstance(raw, dict):
        problems.append(Problem(file, f"replacement #{index + 1}", "must be a mapping"))
        return None
    label = _label(raw, index).replace("entry", "replacement", 1)
    errors: list[str] = []
    _check_id(raw, errors)
    errors += [f"unknown field {key!r}" for key in raw if key not in REPLACEMENT_FIELDS]
    match = _str_list(raw.get("match", []))
    regex = raw.get("regex")
    if match is None or any(not m.strip() for m in match):
        errors.append("'match' must be a list of non-empty phrases")
    if regex is not None:
        if not isinstance(regex, str):
            errors.append("'regex' must be a string")
        else:
            try:
                re.compile(regex)
            except re.error as exc:
                errors.append(f"'regex' does not compile: {exc}")
    if not match and regex is None:
        errors.append("missing field 'match' (or 'regex')")
    alternatives = _str_list(raw.get("alternatives"))
    if "alternatives" not in raw:
        errors.append("missing field 'alternatives'")
    elif not alternatives:
        errors.append("'alternatives' must be a non-empty list")
    else:
        errors += [issue for alt in alternatives if (issue := placeholder_problem(alt)) is not None]
    inline = raw.get("inline")
    if inline is not None and (not isinstance(inline, str) or not inline.strip()):
        errors.append("'inline' must be a non-empty string")
    elif isinstance(inline, str) and (issue := placeholder_problem(inline)) is not None:
        errors.append(issue)
    reason = raw.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        errors.append("missing field 'reason' (say why the phrasing is curt)")
    if errors:
        problems.extend(Problem(file, label, e) for e in errors)
        return None
    assert alternatives is not None and isinstance(reason, str)
    return Replacement(
        id=raw["id"],
        match=tuple(" ".join(m.lower().split()) for m in match or ()),
        alternatives=alternatives,
        reason=reason.strip(),
        regex=regex,
        inline=inline,
        source=file,
    )
