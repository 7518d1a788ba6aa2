"""analyze(text, context) -> Analysis: VADER plus the support-domain cues it misses.

One VADER instance is built at import; after that analyze() does no I/O. Scores are
logistic combinations of VADER's compound and named cue features (weights in
`bot.tone.weights`), so each score can be explained by the cues it reports.
"""

from __future__ import annotations

import math

from bot.tone import weights as W
from bot.tone.cues import Reading, find_cues, read
from bot.tone.language import looks_english
from bot.tone.model import Analysis, Context, Cue
from bot.tone.slack_text import MAX_CHARS, to_plain
from bot.tone.vader import VADER as _VADER

_NEGATIONS = frozenset(
    "not no never nothing nobody none nowhere can't cannot don't doesn't didn't won't wouldn't isn't aren't "
    "wasn't weren't haven't hasn't hadn't shouldn't couldn't".split()
)
_DIRECT_STARTS = frozenset("so but and then well".split())
_SECOND_PERSON = frozenset("you your you're yours you've".split())
_PLURAL = frozenset("we our us let's we'll we're".split())
_FIRST_PERSON = frozenset("i i'm i've i'd i'll my".split())
_WARM_KIND = "warm"
_NOT_ENGLISH = Cue("not_english", "does not look like English, so Kindly does not judge it", "info")
_TERSE_CHARS = 40


def _sigmoid(x: float) -> float:
    if x < -30:
        return 0.0
    if x > 30:
        return 1.0
    return 1.0 / (1.0 + math.exp(-x))


# feature name -> (frustration, curtness, warmth) weights: one lookup per feature for all three scores
_TABLE: dict[str, tuple[float, float, float]] = {
    name: (W.FRUSTRATION.get(name, 0.0), W.CURTNESS.get(name, 0.0), W.WARMTH.get(name, 0.0))
    for name in {*W.FRUSTRATION, *W.CURTNESS, *W.WARMTH}
}
_ZERO = (0.0, 0.0, 0.0)


def _logits(feats: dict[str, float]) -> tuple[float, float, float]:
    """Frustration, curtness and warmth logits of one feature vector, in a single pass."""
    f, c, w = W.FRUSTRATION_BIAS, W.CURTNESS_BIAS, W.WARMTH_BIAS
    for name, value in feats.items():
        wf, wc, ww = _TABLE.get(name, _ZERO)
        f += wf * value
        c += wc * value
        w += ww * value
    return f, c, w


def features(r: Reading, compound: float, cues: list[Cue]) -> dict[str, float]:
    """The feature vector the weights read: cue indicators plus a few shape features."""
    feats: dict[str, float] = {}
    for cue in cues:
        feats["blame:" + cue.kind if cue.name == "blame" else cue.name] = 1.0
    if compound < 0:
        feats["vader_neg"] = -compound
    elif compound > 0:
        feats["vader_pos"] = compound
    negations = len(r.words & _NEGATIONS)  # distinct negation words: cheaper than counting tokens
    if negations:
        feats["negations"] = min(negations, 3) / 3
    if "?" in r.text:
        feats["question"] = 1.0
    if r.tokens:
        first = r.tokens[0]
        if first in _SECOND_PERSON:
            feats["second_person_start"] = 1.0
        elif first in _DIRECT_STARTS:
            feats["direct_start"] = 1.0
    if 0 < len(r.tokens) <= 3 and len(r.text) <= _TERSE_CHARS:
        feats["terse"] = 1.0
    if "actually" in r.words or "in fact" in r.lower:
        feats["factuality"] = 1.0
    if not r.words.isdisjoint(_PLURAL):
        feats["first_person_plural"] = 1.0
    if r.tokens and r.tokens[0] in _FIRST_PERSON:
        feats["first_person_start"] = 1.0
    if _WARM_KIND not in {cue.kind for cue in cues}:
        feats["no_warm_words"] = 1.0
    return feats


def _unjudgeable(vader: dict[str, float], cue: Cue, length: int, flags: tuple[str, ...]) -> Analysis:
    return Analysis(
        vader=vader,
        frustration=0.0,
        curtness=0.0,
        warmth=0.0,
        cues=(cue,),
        judgeable=False,
        length=length,
        flags=flags,
    )


def _context_cues(context: Context, cues: list[Cue]) -> tuple[float, list[Cue]]:
    """Frustration shift and cues from the thread around a customer message."""
    shift, extra = 0.0, []
    if context.unanswered >= 2:
        shift += W.UNANSWERED_STEP * (min(context.unanswered, 6) - 1)
        if not any(c.name == "repeated_contact" for c in cues):
            extra.append(
                Cue(
                    "repeated_contact",
                    f"has written {context.unanswered} times without a reply",
                    "frustration",
                )
            )
    minutes = context.minutes_waiting
    if minutes is not None and minutes >= 30:
        shift += min(W.WAITING_MAX, W.WAITING_PER_DOUBLING * math.log2(minutes / 30))
        if minutes >= 60 and not any(c.name == "waiting" for c in cues):
            waited = f"{minutes / 60:.0f} hours" if minutes < 2880 else f"{minutes / 1440:.0f} days"
            extra.append(Cue("waiting", f"has waited {waited} for a reply", "frustration"))
    return shift, extra


def analyze(text: str, context: Context | None = None) -> Analysis:
    """Judge one message. Never raises; every score is in [0, 1]; same input, same output."""
    raw = text if isinstance(text, str) else ""
    plain = to_plain(raw)
    flags = ("truncated",) if plain.truncated else ()
    r = read(plain.text)
    if not r.tokens and not plain.angry_emoji:
        neutral = {"neg": 0.0, "neu": 0.0, "pos": 0.0, "compound": 0.0}
        if not raw.strip():
            return _unjudgeable(neutral, Cue("empty", "the message is empty", "info"), len(raw), flags)
        if not looks_english(plain.text, r.tokens, r.words):
            return _unjudgeable(neutral, _NOT_ENGLISH, len(raw), flags)
        return _unjudgeable(
            neutral,
            Cue("no_words", "has no words to judge (only emoji, symbols or code)", "info"),
            len(raw),
            flags,
        )
    vader = _VADER.polarity_scores(plain.text)
    if not looks_english(plain.text, r.tokens, r.words):
        return _unjudgeable(vader, _NOT_ENGLISH, len(raw), flags)

    cues = find_cues(r)
    if plain.angry_emoji:
        cues.append(Cue("angry_emoji", f"uses {plain.angry_emoji} angry emoji", "frustration"))
    feats = features(r, vader["compound"], cues)
    frustration_logit, curtness_logit, warmth_logit = _logits(feats)
    warmth = _sigmoid(warmth_logit)

    if context is not None:
        shift, extra = _context_cues(context, cues)
        frustration_logit += shift
        cues.extend(extra)
        answered = context.customer_frustration
        if answered is not None and answered > 0:
            cold = "no_warm_words" in feats
            curtness_logit += answered * (W.REPLY_TO_FRUSTRATED + (W.REPLY_TO_FRUSTRATED_COLD if cold else 0.0))
            if cold and answered >= 0.5:
                cues.append(
                    Cue(
                        "no_acknowledgement",
                        "does not acknowledge how the customer feels or thank them",
                        "curt",
                    )
                )
    if feats.get("terse") and "no_warm_words" in feats and r.tokens and len(plain.text) <= _TERSE_CHARS:
        words = f"{len(r.tokens)} word" + ("s" if len(r.tokens) > 1 else "")
        cues.append(Cue("terse", f"is a very short reply ({words})", "curt"))
    if plain.truncated:
        cues.append(Cue("too_long", f"is very long; only the first {MAX_CHARS} characters were judged", "info"))

    return Analysis(
        vader=vader,
        frustration=_sigmoid(frustration_logit),
        curtness=_sigmoid(curtness_logit),
        warmth=warmth,
        cues=tuple(cues),
        judgeable=True,
        length=len(raw),
        flags=flags,
    )
