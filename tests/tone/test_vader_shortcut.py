"""Kindly's VADER shortcut gives exactly the library's scores."""

from hypothesis import given, settings
from hypothesis import strategies as st
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from bot.tone.vader import VADER

_LIBRARY = SentimentIntensityAnalyzer()

SAMPLES = [
    "Still not working. Again.",
    "I am NOT happy with this at all!!! :(",
    "The service was kind of good, but the wait was awful.",
    "never so good, without doubt the best",
    "no problem at all, thanks :)",
    "  padded text with spaces  ",
    "I love it 😍 but the app crashed 😡",
]


def test_samples_match_the_library() -> None:
    for text in SAMPLES:
        assert VADER.polarity_scores(text) == _LIBRARY.polarity_scores(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=200))
def test_ascii_text_matches_the_library(text: str) -> None:
    assert VADER.polarity_scores(text) == _LIBRARY.polarity_scores(text)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=100))
def test_any_text_matches_the_library(text: str) -> None:
    assert VADER.polarity_scores(text) == _LIBRARY.polarity_scores(text)
