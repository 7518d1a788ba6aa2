"""Each cue fires on text that shows it, explains itself, and stays quiet on text that does not."""

import pytest

from bot.tone import analyze


def cue(text: str, name: str) -> str:
    """The explanation of cue `name` in `text`; fails the test if the cue is missing."""
    found = [c for c in analyze(text).cues if c.name == name]
    assert found, f"{name} not found in {text!r}: {analyze(text).cue_names}"
    return found[0].explanation


@pytest.mark.parametrize(
    ("text", "duration"),
    [
        ("I've been waiting 3 days for an answer", "3 days"),
        ("waited over two hours on hold", "two hours"),
        ("It has been a week since I wrote", "a week"),
    ],
)
def test_waiting_names_the_duration(text: str, duration: str) -> None:
    assert duration in cue(text, "waiting")


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("This is the third time I'm asking", "repeated_contact"),
        ("this is my 3rd email about it", "repeated_contact"),
        ("Nobody has replied in two days", "repeated_contact"),
        ("I already asked this twice", "repeated_contact"),
        ("It still doesn't load", "still_broken"),
        ("the app keeps crashing", "still_broken"),
        ("it isn't working anymore", "still_broken"),
        ("I want a refund or I cancel", "escalation_threat"),
        ("Let me talk to your manager", "escalation_threat"),
        ("I'll leave a 1-star review", "escalation_threat"),
        ("Thanks for nothing", "sarcasm_marker"),
        ("Oh great, another outage", "sarcasm_marker"),
        ("This is RIDICULOUS and UNACCEPTABLE", "all_caps"),
        ("Fix it now!!!", "exclamation_burst"),
        ("Why is it down again??", "question_burst"),
        ("You guys broke my account", "blame"),
        ("this is unacceptable", "harsh_words"),
        ("wtf is going on", "profanity"),
        ("Read the docs.", "dismissive_phrase"),
        ("Check the FAQ.", "dismissive_phrase"),
        ("See the knowledge base.", "dismissive_phrase"),
        ("As I said, restart it.", "dismissive_phrase"),
        ("Please calm down.", "dismissive_phrase"),
        ("Obviously the setting is off.", "dismissive_phrase"),
        ("Per my last message, it's fixed.", "dismissive_phrase"),
        ("It works on my end.", "dismissive_phrase"),
        ("That's not our problem.", "dismissive_phrase"),
        ("You should have backed it up.", "blame"),
        ("Restart the app.", "bare_imperative"),
        ("I completely understand", "validation"),
        ("That sounds really stressful.", "validation"),
        ("I'm so sorry about this", "apology"),
        ("Thank you for your patience", "thanks"),
        ("I'll check the logs now", "concrete_offer"),
        ("I've escalated this to billing", "concrete_offer"),
        ("I'll update you by tomorrow", "follow_up"),
        ("Hi Sam, good news", "greeting"),
        ("Could you send a screenshot?", "hedge"),
        ("Let me know if you need anything.", "scripted_phrase"),
        ("Sorry for the inconvenience.", "scripted_phrase"),
        ("I'll chase the billing team today.", "concrete_offer"),
        ("Whatever.", "dismissive_phrase"),
        ("the site is down", "outage"),
        ("I was charged twice", "billing"),
        ("I'm locked out of my account", "account_access"),
    ],
)
def test_cue_fires(text: str, name: str) -> None:
    assert cue(text, name)


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("hi there, could you try again?", "still_broken"),
        ("Thanks, that fixed it!", "exclamation_burst"),
        ("I read the API docs and the FAQ", "all_caps"),
        ("We will still ship on Friday", "still_broken"),
        ("I asked a colleague", "repeated_contact"),
        ("Please restart the app.", "bare_imperative"),
        ("Your order shipped", "blame"),
        ("the documentation is thorough", "dismissive_phrase"),
        ("a distillery tour", "still_broken"),
        ("Whatever is blocking you most, I'll start there.", "dismissive_phrase"),
        ("I'm sorry you've waited longer than you should have.", "blame"),
        ("Let me know if you need anything.", "concrete_offer"),
    ],
)
def test_cue_stays_quiet(text: str, absent: str) -> None:
    assert absent not in analyze(text).cue_names


def test_cues_quote_the_text_they_saw() -> None:
    assert "“third time”" in cue("This is the third time I'm asking", "repeated_contact")
    assert "isn't working anymore" in cue("it isn't working anymore", "still_broken")


def test_frustrated_customer_scores_above_calm_customer() -> None:
    angry = analyze("I've been waiting 3 days, this is the THIRD TIME I ASK!!!")
    calm = analyze("Hi, could you tell me how to export my invoices? Thanks!")
    assert angry.is_frustrated()
    assert not calm.is_frustrated()
    assert angry.frustration > calm.frustration + 0.5


def test_kind_reply_scores_warmer_and_less_curt_than_curt_reply() -> None:
    kind = analyze("I'm sorry about the wait. I'll check the logs and update you by 3pm.")
    curt = analyze("As I said, restart it.")
    assert kind.is_warm() and not kind.is_curt()
    assert curt.is_curt() and not curt.is_warm()
