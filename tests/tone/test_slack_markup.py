"""Slack markup is read the way a person reads it, before scoring."""

from bot.tone import analyze
from bot.tone.slack_text import to_plain


def test_mentions_channels_links_and_code_are_stripped() -> None:
    plain = to_plain("hey <@U123ABC> see <#C42|support> and <https://x.example/a|the guide> `rm -rf /` <!here>")
    assert "U123ABC" not in plain.text
    assert "support" in plain.text
    assert "the guide" in plain.text
    assert "x.example" not in plain.text
    assert "rm -rf" not in plain.text
    assert "here" not in plain.text


def test_code_block_shouting_is_not_shouting() -> None:
    analysis = analyze("Here is the log:\n```ERROR FATAL TIMEOUT CONNECTION REFUSED```")
    assert "all_caps" not in analysis.cue_names


def test_html_entities_are_unescaped() -> None:
    assert to_plain("fish &amp; chips &lt;3").text == "fish & chips <3"


def test_rage_shortcode_signals_anger() -> None:
    angry = analyze("my order is late :rage:")
    plain = analyze("my order is late")
    assert "angry_emoji" in angry.cue_names
    assert angry.frustration > plain.frustration


def test_pray_and_smile_shortcodes_do_not_signal_anger() -> None:
    for code in (":pray:", ":slightly_smiling_face:"):
        analysis = analyze(f"could you look at my order {code}")
        assert "angry_emoji" not in analysis.cue_names
        assert not analysis.is_frustrated()


def test_angry_unicode_emoji_count() -> None:
    analysis = analyze("still waiting 😡😡")
    assert "uses 2 angry emoji" in [c.explanation for c in analysis.cues]
