"""Bad input never raises, stays in range, and says when it could not be judged."""

import pytest

from bot.tone import analyze
from bot.tone.slack_text import MAX_CHARS


def in_range(text: str) -> None:
    a = analyze(text)
    for value in (a.frustration, a.curtness, a.warmth):
        assert 0.0 <= value <= 1.0


@pytest.mark.parametrize("text", ["", "   ", "\n\t  \n"])
def test_empty_is_not_judged(text: str) -> None:
    a = analyze(text)
    assert not a.judgeable
    assert a.cue_names == ("empty",)
    assert not a.is_frustrated() and not a.is_curt()


@pytest.mark.parametrize("text", ["🙂🙂", ":+1: :tada:", "!!!???", "`code only`", "12345"])
def test_no_words_is_not_judged(text: str) -> None:
    a = analyze(text)
    assert not a.judgeable
    assert a.cue_names == ("no_words",)


def test_angry_emoji_only_is_judged_frustrated() -> None:
    a = analyze("😡😡😡")
    assert a.judgeable
    assert a.is_frustrated()


@pytest.mark.parametrize(
    "text",
    [
        "El pedido no ha llegado y nadie me responde desde hace una semana",
        "Je suis très déçu, la commande n'est pas arrivée et personne ne répond",
        "Die Bestellung ist nicht angekommen und ich warte seit einer Woche",
        "注文が届きません。一週間待っています。",
        "Заказ не пришёл, я жду уже неделю",
    ],
)
def test_non_english_is_flagged_not_guessed(text: str) -> None:
    a = analyze(text)
    assert not a.judgeable
    assert "not_english" in a.cue_names
    assert not a.is_frustrated()


def test_huge_text_is_truncated_visibly() -> None:
    text = "The export keeps failing and I am losing my patience. " * 800  # ~43,000 characters
    assert len(text) > 40_000
    a = analyze(text)
    assert "truncated" in a.flags
    assert "too_long" in a.cue_names
    assert a.length == len(text)
    assert str(MAX_CHARS) in next(c.explanation for c in a.cues if c.name == "too_long")
    in_range(text)


def test_control_characters_are_ignored() -> None:
    a = analyze("still\x00 not\x07 working\x1b again")
    assert a.judgeable
    assert "still_broken" in a.cue_names


def test_non_string_input_is_treated_as_empty() -> None:
    a = analyze(None)  # type: ignore[arg-type]
    assert not a.judgeable
