"""The detectors compared by the quality benchmark: Kindly's scores and raw VADER's compound."""

from __future__ import annotations

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from bot.tone import analyze

_VADER = SentimentIntensityAnalyzer()

# VADER's documented rule: negative when compound <= -0.05; as a score, higher = more negative.
VADER_DEFAULT_CUT = 0.05


def vader_negativity(text: str) -> float:
    return -_VADER.polarity_scores(text)["compound"]


def kindly_frustration(text: str) -> float:
    return analyze(text).frustration


def kindly_curtness(text: str) -> float:
    return analyze(text).curtness
