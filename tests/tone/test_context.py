"""The conversation around a message sharpens the judgement."""

from bot.tone import Context, analyze


def test_curt_reply_to_frustrated_customer_scores_worse_than_to_calm_one() -> None:
    reply = "Restart the app."
    to_calm = analyze(reply, Context(customer_frustration=0.05))
    to_frustrated = analyze(reply, Context(customer_frustration=0.95))
    assert to_frustrated.curtness > to_calm.curtness
    assert "no_acknowledgement" in to_frustrated.cue_names
    assert "no_acknowledgement" not in to_calm.cue_names


def test_warm_reply_to_frustrated_customer_stays_not_curt() -> None:
    reply = "I'm so sorry, that sounds really frustrating. I'll fix it now and update you within the hour."
    analysis = analyze(reply, Context(customer_frustration=0.95))
    assert not analysis.is_curt()
    assert "no_acknowledgement" not in analysis.cue_names


def test_unanswered_messages_raise_frustration_and_say_why() -> None:
    text = "Any update on my order?"
    alone = analyze(text)
    third = analyze(text, Context(unanswered=3))
    assert third.frustration > alone.frustration
    assert any(c.name == "repeated_contact" and "3 times" in c.explanation for c in third.cues)


def test_long_wait_raises_frustration_and_names_the_wait() -> None:
    text = "Hello? Anyone?"
    fresh = analyze(text, Context(minutes_waiting=5))
    waited = analyze(text, Context(minutes_waiting=240))
    assert waited.frustration > fresh.frustration
    assert any(c.name == "waiting" and "4 hours" in c.explanation for c in waited.cues)
