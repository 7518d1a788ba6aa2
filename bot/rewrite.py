"""Turn a curt draft into a kinder one, and say what changed and why.

Three moves, each recorded as a `Change`: swap dismissive phrasings for their patient
alternatives from the phrasebank; add an acknowledgement fitted to the customer's cues
when the draft has none; add a follow-up when the draft promises no next step. Added
sentences come only from phrases marked `auto` (they state no fact about the case), and
URLs, code, numbers and names are never edited, so a rewrite can't invent or lose a fact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

from bot.phrasebank import Phrase, Phrasebank, load_phrasebank
from bot.phrasebank.replace import Hit, Replacer, protected_spans
from bot.tone import Analysis, Context, analyze

MAX_DRAFT = 40_000  # Slack's own message limit; beyond it we leave the text alone
ACK_CUES = ("validation", "apology", "thanks")
NEXT_STEP_CUES = ("concrete_offer", "follow_up")
# An upset customer hears their feelings named first; a calm one is thanked for getting in touch.
ACK_INTENTS_UPSET = ("acknowledge", "apologize")
ACK_INTENTS_CALM = ("gratitude",)

_GREETING = re.compile(  # "Hi Priya," / "Hello there!" / "Dear Mr. Smith," / "Good morning Sam" + newline
    r"^\s*(?i:hi|hello|hey|dear|good (?:morning|afternoon|evening))\b"
    r"(?:[ \t]+(?:[A-Z][^\s,!?:]*|there|team|all|everyone|folks)){0,3}[ \t]*"
    r"(?:[,!.:]|(?=\n)|$)(?P<gap>[ \t]*\n\s*|[ \t]*)"
)
_SIGN_OFF = re.compile(
    r"(?P<gap>\n\s*)(?:thanks|thank you|many thanks|best|best regards|kind regards|warm regards|regards|cheers)"
    r"\b[^\n]{0,30}(?:\n[^\n]{1,40})?\s*$",
    re.I,
)
_RUNS_ON = re.compile(r"[ \t]+[\w<`(\"']")  # the sentence continues after the match, without a pause
_LOWER_WORD = re.compile(r"[a-z]+\b")
_AFTER_REMOVAL = re.compile(r"[,;:]?[ \t]*")
_SENTENCE_START = re.compile(r"(?:^|[.!?]\s+|\n\s*)$")


class Change(NamedTuple):
    """One edit: what kind, the text before and after it, and why it helps."""

    kind: str  # "replace", "remove", "acknowledge" or "follow_up"
    before: str
    after: str
    reason: str


@dataclass
class Rewrite:
    """The result of `rewrite()`. `notes` explain a draft left alone (empty, not English, ...)."""

    original: str
    text: str
    changes: list[Change]
    before: Analysis
    after: Analysis
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.text != self.original


def _at_sentence_start(text: str, pos: int) -> bool:
    return pos == 0 or bool(_SENTENCE_START.search(text[max(0, pos - 4) : pos])) or not text[:pos].strip()


def _capitalize_word_at(text: str, pos: int, spans: list[tuple[int, int]] | None = None) -> str:
    """Capitalise the word at `pos` only if it is plain lowercase (never touch 'iPhone' or code)."""
    m = _LOWER_WORD.match(text, pos)
    spans = protected_spans(text) if spans is None else spans
    if not m or any(a <= pos < b for a, b in spans):
        return text
    return text[:pos] + text[pos].upper() + text[pos + 1 :]


def _alternative_for(text: str, hit: Hit, starts: bool) -> str:
    rep = hit.replacement
    alternative = rep.inline if rep.inline and _RUNS_ON.match(text, hit.end) else rep.alternatives[0]
    if not alternative:
        return ""
    if starts:
        return alternative[0].upper() + alternative[1:]
    if text[hit.start].islower() and not re.match(r"I\b|I'", alternative):
        return alternative[0].lower() + alternative[1:]
    return alternative


def _drop_trailing(out: list[str], comma: bool) -> None:
    """Before a mid-sentence removal: drop the space (and a doubled comma) left at the end of the output."""
    for i in range(len(out) - 1, -1, -1):
        if out[i]:
            out[i] = out[i].rstrip(" \t")
            if comma and out[i].endswith(","):
                out[i] = out[i][:-1]
            return


def _tidy(text: str) -> str:
    """Fix the spacing a removal leaves behind, outside protected spans only (code keeps its spaces)."""
    pieces, last = [], 0
    for start, end in [*protected_spans(text), (len(text), len(text))]:
        gap = re.sub(r"[ \t]{2,}", " ", text[last:start])
        gap = re.sub(r"[ \t]+([,.!?;:])", r"\1", gap)
        pieces += [gap, text[start:end]]
        last = end
    return re.sub(r"^[\s,.;:!]+(?=\S)", "", "".join(pieces))


def replace_curt(text: str, replacer: Replacer) -> tuple[str, list[Change]]:
    """Swap every curt phrasing (outside protected spans) for its first alternative, in one pass."""
    hits = replacer.find(text)
    if not hits:
        return text, []
    spans = protected_spans(text)
    out: list[str] = []
    changes: list[Change] = []
    pos, capitalize = 0, False  # capitalize: a removal left the next word starting a sentence
    for hit in hits:
        if hit.start < pos:
            continue  # swallowed by the previous removal's trailing comma and space
        gap = text[pos : hit.start]
        if capitalize and gap.strip():
            gap = _capitalize_word_at(text, pos, spans)[pos : hit.start]
            capitalize = False
        out.append(gap)
        starts = capitalize or _at_sentence_start(text, hit.start)
        capitalize = False
        before = text[hit.start : hit.end]
        alternative = _alternative_for(text, hit, starts)
        if alternative:
            out.append(alternative)
            changes.append(Change("replace", before, alternative, hit.replacement.reason))
            pos = hit.end
            continue
        changes.append(Change("remove", before, "", hit.replacement.reason))
        if starts:
            pos = _AFTER_REMOVAL.match(text, hit.end).end()  # type: ignore[union-attr]
            capitalize = True
        else:
            _drop_trailing(out, comma=text.startswith(",", hit.end))
            pos = hit.end
    tail = text[pos:]
    if capitalize and tail:
        tail = _capitalize_word_at(text, pos, spans)[pos:]
    out.append(tail)
    return _tidy("".join(out)), changes


def _insert_opening(text: str, sentence: str) -> str:
    greeting = _GREETING.match(text)
    if not greeting:
        body = text.lstrip()
        return f"{sentence} {_capitalize_word_at(body, 0)}" if body else sentence
    head, gap, body = text[: greeting.start("gap")], greeting["gap"], text[greeting.end() :]
    if not body:
        head = head.rstrip()
        return f"{head} {sentence}" if head[-1:] in ",!.:" else f"{head}! {sentence}"
    if "\n" in gap:
        return f"{head}{gap}{sentence}{gap}{_capitalize_word_at(body, 0)}"
    if head.rstrip().endswith(",") and not re.match(r"I\b|I'", sentence):
        sentence = sentence[0].lower() + sentence[1:]  # "Hi Priya, thank you for ..."
    return f"{head}{gap or ' '}{sentence} {_capitalize_word_at(body, 0)}"


def _append_closing(text: str, sentence: str) -> str:
    sign_off = _SIGN_OFF.search(text)
    if sign_off and sign_off.start() > 0:
        body, tail = text[: sign_off.start()], text[sign_off.start() :]
        return f"{_append_closing(body, sentence)}{tail}"
    body = text.rstrip()
    if not body:
        return sentence
    if body[-1] in ".!?)":
        return f"{body} {sentence}"
    if body[-1].isalpha() and not any(a <= len(body) - 1 < b for a, b in protected_spans(body)):
        return f"{body}. {sentence}"
    return f"{body}\n{sentence}"  # ends in a URL, code or number: don't glue punctuation onto it


def _mask_hits(draft: str, replacer: Replacer) -> str:
    """The draft without its curt phrasings, for guessing the situation from the agent's own words."""
    for hit in reversed(replacer.find(draft)):
        draft = draft[: hit.start] + " " + draft[hit.end :]
    return draft


def _without_sign_off(text: str) -> str:
    sign_off = _SIGN_OFF.search(text)
    return text[: sign_off.start()] if sign_off and sign_off.start() > 0 else text


def _unchanged(draft: str, before: Analysis, note: str) -> Rewrite:
    return Rewrite(draft, draft, [], before, before, [note])


def rewrite(draft: str, customer_text: str | None = None, phrasebank: Phrasebank | None = None) -> Rewrite:
    """A kinder version of `draft` (an agent's reply), fitted to `customer_text` when given. Never raises on text."""
    draft = draft if isinstance(draft, str) else ""
    customer = analyze(customer_text) if customer_text and customer_text.strip() else None
    context = Context(customer_frustration=customer.frustration) if customer and customer.judgeable else None
    before = analyze(draft, context)
    if not draft.strip():
        return _unchanged(draft, before, "The draft is empty: nothing to rewrite.")
    if len(draft) > MAX_DRAFT:
        return _unchanged(draft, before, f"The draft is {len(draft)} characters, over Slack's {MAX_DRAFT}: left as is.")
    if not any(ch.isalpha() for ch in draft):
        return _unchanged(draft, before, "The draft has no words (only emoji, numbers or symbols): left as is.")
    if before.has("not_english"):
        return _unchanged(draft, before, "The draft does not look like English, so Kindly leaves it as written.")

    pb = phrasebank or load_phrasebank()
    text, changes = replace_curt(draft, pb.replacer)
    draft_words = _mask_hits(draft, pb.replacer)
    situation = customer if customer and customer.judgeable else None
    current = analyze(_without_sign_off(text), context)  # "Thanks, Alex" is not an acknowledgement
    used: list[str] = []
    if not any(current.has(c) for c in ACK_CUES):
        upset = situation is not None and situation.is_frustrated()
        ack = _pick(pb, situation, customer_text, draft_words, ACK_INTENTS_UPSET if upset else ACK_INTENTS_CALM, used)
        if ack:
            sentence = ack.text
            text = _insert_opening(text, sentence)
            used.append(ack.id)
            cues = ", ".join(situation.cue_names) if situation and situation.cues else "none"
            why = f"The draft didn't acknowledge the customer (customer cues: {cues}); {ack.intent} comes first."
            changes.append(Change("acknowledge", "", sentence, why))
    current = analyze(text, context)
    if not any(current.has(c) for c in NEXT_STEP_CUES):
        pick = _pick(pb, situation, customer_text, draft_words, ("follow_up",), used)
        if pick:
            text = _append_closing(text, pick.text)
            changes.append(Change("follow_up", "", pick.text, "The draft didn't say what happens next or when."))
    after = analyze(text, context)
    notes = [] if changes else ["The draft already reads as kind: no changes suggested."]
    return Rewrite(draft, text, changes, before, after, notes)


def _pick(
    pb: Phrasebank,
    customer: Analysis | None,
    customer_text: str | None,
    draft: str,
    intents: tuple[str, ...],
    used: list[str],
) -> Phrase | None:
    """The best fact-free phrase of `intents` for the customer's cues, or for the draft's own words."""
    query: str | Analysis = customer if customer is not None else draft
    text = f"{customer_text}\n{draft}" if customer is not None else None
    fitting = {s for s, weight in pb.detect(query, text).items() if weight >= 0.9} | {"general"}
    found = pb.suggest(query, k=1, text=text, intents=intents, situations=fitting, auto_only=True, exclude=used)
    return found[0] if found else None
