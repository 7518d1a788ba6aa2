"""Weights that turn VADER and cue features into the three scores.

Fitted on the dev halves of the public eval sets (`benchmarks/tune_weights.py` prints a fit),
then rounded; the support-domain cues the public data rarely shows (dismissive phrases, still
broken, repeated contact) keep floors set by hand so one of them alone moves the score.
Never tuned on test data.
"""

from __future__ import annotations

FRUSTRATION_BIAS = -0.5
FRUSTRATION: dict[str, float] = {
    "vader_neg": 2.6,
    "vader_pos": -1.6,
    "negations": 1.8,
    "question": -0.4,
    "waiting": 1.2,
    "still_broken": 2.6,
    "repeated_contact": 2.0,
    "escalation_threat": 1.0,
    "sarcasm_marker": 1.2,
    "harsh_words": 1.5,
    "profanity": 1.2,
    "blame:frustration": 1.2,
    "all_caps": 1.0,
    "exclamation_burst": 0.6,
    "question_burst": 0.8,
    "angry_emoji": 2.5,
    "outage": 0.3,
    "billing": 0.3,
    "account_access": 0.2,
    "validation": -1.5,
    "apology": -0.4,
    "thanks": -1.0,
    "concrete_offer": -0.8,
}

CURTNESS_BIAS = -0.3
CURTNESS: dict[str, float] = {
    "vader_neg": 1.0,
    "vader_pos": -1.1,
    "negations": 1.6,
    "dismissive_phrase": 3.0,
    "blame:curt": 2.2,
    "bare_imperative": 1.0,
    "direct_question": 0.5,
    "terse": 1.1,
    "no_warm_words": 0.5,
    "second_person_start": 0.7,
    "direct_start": 0.7,
    "factuality": 0.4,
    "validation": -2.0,
    "apology": -1.0,
    "thanks": -1.8,
    "concrete_offer": -1.2,
    "follow_up": -1.0,
    "greeting": -1.2,
    "please": -0.4,
    "hedge": -0.4,
    "first_person_plural": -0.2,
    "first_person_start": -0.4,
    "sarcasm_marker": 1.1,
    "question_burst": 1.2,
    "harsh_words": 0.8,
    "profanity": 1.0,
    "all_caps": 0.6,
    "exclamation_burst": 0.3,
}

WARMTH_BIAS = -2.0
WARMTH: dict[str, float] = {
    "validation": 3.0,
    "apology": 2.3,
    "thanks": 2.3,
    "concrete_offer": 2.4,
    "follow_up": 2.0,
    "greeting": 0.8,
    "please": 0.8,
    "hedge": 0.6,
    "first_person_plural": 0.3,
    "vader_pos": 1.5,
    "vader_neg": -0.5,
    "dismissive_phrase": -2.5,
    "blame:curt": -2.0,
    "bare_imperative": -0.6,
    "harsh_words": -1.0,
    "profanity": -1.5,
    "scripted_phrase": -1.5,
}

# Context: how much the conversation around a message moves its scores (set by hand).
UNANSWERED_STEP = 0.6  # per customer message beyond the first with no agent reply
WAITING_PER_DOUBLING = 0.35  # per doubling of the wait beyond 30 minutes
WAITING_MAX = 1.5
REPLY_TO_FRUSTRATED = 1.2  # curtness shift for a reply to a fully frustrated customer
REPLY_TO_FRUSTRATED_COLD = 1.0  # extra when that reply acknowledges nothing
