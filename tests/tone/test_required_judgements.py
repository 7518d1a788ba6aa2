"""The judgements VADER gets wrong and Kindly must get right (issue: foundation)."""

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from bot.tone import CURT, FRUSTRATED, WARM, analyze

_RAW = SentimentIntensityAnalyzer()


def test_still_not_working_again_is_frustrated_though_vader_sees_neutral() -> None:
    text = "Still not working. Again."
    assert _RAW.polarity_scores(text)["compound"] == 0.0
    analysis = analyze(text)
    assert analysis.frustration >= FRUSTRATED
    assert analysis.is_frustrated()
    assert "still_broken" in analysis.cue_names


def test_read_the_docs_is_curt_though_vader_sees_neutral() -> None:
    text = "Read the docs."
    assert _RAW.polarity_scores(text)["compound"] == 0.0
    analysis = analyze(text)
    assert analysis.curtness >= CURT
    assert analysis.is_curt()
    assert not analysis.is_warm()
    assert "dismissive_phrase" in analysis.cue_names


def test_validating_reply_is_warm_not_curt_not_frustrated_though_vader_sees_negative() -> None:
    text = "I understand how frustrating this must be, let's get it sorted together."
    assert _RAW.polarity_scores(text)["compound"] < -0.4
    analysis = analyze(text)
    assert analysis.warmth >= WARM
    assert analysis.curtness < CURT
    assert analysis.frustration < FRUSTRATED
    assert "validation" in analysis.cue_names
    assert "harsh_words" not in analysis.cue_names  # "frustrating" here is empathy, not a complaint


def test_the_same_words_from_a_customer_are_a_complaint() -> None:
    analysis = analyze("This is so frustrating, nothing works")
    assert analysis.is_frustrated()
    assert "harsh_words" in analysis.cue_names
    assert "validation" not in analysis.cue_names
