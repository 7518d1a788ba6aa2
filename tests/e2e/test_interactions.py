"""/kindly, nudge buttons, shortcuts, the compose modal and App Home, over real signed HTTP."""

from __future__ import annotations

import json

import pytest
from kindly_harness import AGENT, AGENT2, BACKENDS, CUSTOMER, Running, shown_text, start_app
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot import blocks
from bot.devtools import payloads
from bot.devtools.fake_slack import FakeSlack
from bot.listeners.shortcuts import COMPOSE

ANGRY = "This is the THIRD time I'm asking. I've been waiting 3 days for my refund and nobody answers!!"

pytestmark = pytest.mark.parametrize("backend", BACKENDS, indirect=True)  # SQLite, and PostgreSQL when configured


def kindly(app: Running, text: str, user: str = AGENT) -> dict:
    reply = app.sender.form(payloads.command(text, user=user, response_url=app.fake.response_url("cmd")))
    assert reply.status == 200
    body = reply.json()
    assert body["response_type"] == "ephemeral"  # every /kindly answer is private
    for block in body["blocks"]:
        Block.parse(block).validate_json()  # within Slack's limits
    return body


# /kindly ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "help", "HELP", "?"])
def test_help(running: Running, text: str) -> None:
    body = kindly(running, text)
    assert "/kindly check" in shown_text(body["blocks"])


def test_free_words_give_phrasings(running: Running) -> None:
    body = kindly(running, "refund is late")
    shown = shown_text(body["blocks"])
    assert "Phrasings for" in shown and "refund is late" in shown
    assert shown.count("&gt; ") >= 2  # at least two quoted phrasings


def test_check_gives_tone_and_rewrite(running: Running) -> None:
    body = kindly(running, "check Read the docs. Already answered.")
    shown = shown_text(body["blocks"])
    assert "may read as curt" in shown
    assert "Suggested rewrite" in shown


def test_check_without_draft_explains(running: Running) -> None:
    assert "Paste your draft" in shown_text(kindly(running, "check")["blocks"])


def test_long_draft_is_cut_visibly_and_stays_within_limits(running: Running) -> None:
    draft = "Please restart the router and try again. " * 400  # ~16,000 characters
    body = kindly(running, f"check {draft}")
    assert len(body["blocks"]) <= blocks.MESSAGE_BLOCKS
    assert all(len(b.get("text", {}).get("text", "")) <= 3000 for b in body["blocks"])
    assert "(cut:" in shown_text(body["blocks"])


def test_unknown_or_odd_input_gets_an_answer_not_silence(running: Running) -> None:
    body = kindly(running, "mute forever-and-ever")
    assert "/kindly check" in shown_text(body["blocks"])  # help, with a note on what went wrong
    assert "duration" in shown_text(body["blocks"])


def test_digest_is_refused_politely_to_non_leads(running: Running) -> None:
    shown = shown_text(kindly(running, "digest")["blocks"])
    assert "for team leads only" in shown
    assert "Frustrated" not in shown


def test_digest_for_a_lead_shows_this_week_so_far(fake_slack: FakeSlack, db_url: str) -> None:
    app = start_app(fake_slack, db_url, KINDLY_LEADS="ULEAD1")
    try:
        app.sender.event(payloads.envelope(payloads.message(CUSTOMER, ANGRY)))
        app.fake.settle()
        body = kindly(app, "digest", user="ULEAD1")
        shown = shown_text(body["blocks"])
        assert "for team leads only" not in shown
        assert "1 customer thread so far this week" in shown
        assert "Europe/Berlin" in shown  # the lead's time zone, from the fake users.info
    finally:
        app.stop()


def test_mute_silences_and_unmute_restores(running: Running) -> None:
    assert "Muted for 2 hours" in shown_text(kindly(running, "mute 2h")["blocks"])
    kindly(running, "mute", user=AGENT2)
    running.sender.event(payloads.envelope(payloads.message(CUSTOMER, ANGRY)))
    running.fake.settle()
    assert running.fake.calls("chat.postEphemeral") == []
    kindly(running, "unmute")
    running.sender.event(payloads.envelope(payloads.message(CUSTOMER, ANGRY, channel="COTHER")))
    running.fake.wait_for("chat.postEphemeral")
    running.fake.settle()
    assert [c.params["user"] for c in running.fake.calls("chat.postEphemeral")] == [AGENT]


def test_stats_counts_my_week(running: Running) -> None:
    running.sender.event(payloads.envelope(payloads.message(CUSTOMER, ANGRY)))
    running.fake.wait_for("chat.postEphemeral", count=2)
    assert "1 nudge received" in shown_text(kindly(running, "stats")["blocks"])


# nudge buttons ---------------------------------------------------------------------------------


def nudge_for(app: Running, user: str) -> dict:
    calls = app.fake.wait_for("chat.postEphemeral", count=1)
    app.fake.settle()
    calls = [c for c in app.fake.calls("chat.postEphemeral") if c.params["user"] == user]
    assert calls, f"no nudge for {user}"
    return calls[-1].params


def button(nudge: dict, action_id: str) -> dict:
    for block in nudge["blocks"]:
        for element in [block.get("accessory") or {}, *block.get("elements", [])]:
            if element.get("action_id") == action_id:
                return element
    raise AssertionError(f"no {action_id} button")


def click(app: Running, element: dict, user: str) -> None:
    payload = payloads.block_action(
        element["action_id"], element["value"], user=user, response_url=app.fake.response_url(element["action_id"])
    )
    assert app.sender.interaction(payload).status == 200


def outcome(app: Running, user: str) -> list[str]:
    from sqlalchemy import select

    from bot.store.schema import nudges

    with app.kindly.store.engine.connect() as conn:
        return [r.outcome for r in conn.execute(select(nudges).where(nudges.c.target_user_id == user))]


def test_use_this_shows_the_phrase_ready_to_copy_with_the_name(running: Running) -> None:
    running.sender.event(payloads.envelope(payloads.message(CUSTOMER, ANGRY)))
    nudge = nudge_for(running, AGENT)
    click(running, button(nudge, blocks.ACTION_USE), AGENT)
    [reply] = running.fake.wait_for("response_url")
    assert reply.params["replace_original"] is True and reply.params["response_type"] == "ephemeral"
    shown = shown_text(reply.params["blocks"])
    assert "Ready to paste" in shown and "```" in shown
    assert outcome(running, AGENT) == ["used"]


def test_more_not_helpful_and_mute_record_outcomes(running: Running) -> None:
    root = payloads.message(CUSTOMER, ANGRY)
    running.sender.event(payloads.envelope(root))
    first = nudge_for(running, AGENT)
    second = nudge_for(running, AGENT2)

    click(running, button(first, blocks.ACTION_MORE), AGENT)
    [more] = running.fake.wait_for("response_url")
    old = {json.loads(b["accessory"]["value"])["p"] for b in first["blocks"] if "accessory" in b}
    new = {json.loads(b["accessory"]["value"])["p"] for b in more.params["blocks"] if "accessory" in b}
    assert new and not (new & old)  # fresh phrasings, not the same again
    click(running, button(second, blocks.ACTION_NOT_HELPFUL), AGENT2)
    running.fake.wait_for("response_url", count=2)
    assert outcome(running, AGENT) == ["more"] and outcome(running, AGENT2) == ["not_helpful"]

    click(running, button(first, blocks.ACTION_MUTE), AGENT)
    running.fake.wait_for("response_url", count=3)
    assert outcome(running, AGENT) == ["muted"]


def test_mute_this_thread_stops_nudges_there_but_not_elsewhere(fake_slack: FakeSlack, db_url: str) -> None:
    app = start_app(fake_slack, db_url, KINDLY_NUDGE_COOLDOWN_MINUTES="0", KINDLY_AGENTS=AGENT)
    try:
        root = payloads.message(CUSTOMER, ANGRY)
        app.sender.event(payloads.envelope(root))
        click(app, button(nudge_for(app, AGENT), blocks.ACTION_MUTE), AGENT)
        fake_slack.wait_for("response_url")
        fake_slack.clear()
        app.sender.event(payloads.envelope(payloads.message(CUSTOMER, ANGRY, thread_ts=root["ts"])))
        fake_slack.settle()
        assert fake_slack.calls("chat.postEphemeral") == []
        app.sender.event(payloads.envelope(payloads.message(CUSTOMER, ANGRY)))  # a new thread
        fake_slack.wait_for("chat.postEphemeral")
    finally:
        app.stop()


def test_someone_else_cannot_act_on_my_nudge(running: Running) -> None:
    running.sender.event(payloads.envelope(payloads.message(CUSTOMER, ANGRY)))
    nudge = nudge_for(running, AGENT)
    click(running, button(nudge, blocks.ACTION_MUTE), CUSTOMER)
    [reply] = running.fake.wait_for("response_url")
    assert "expired" in shown_text(reply.params["blocks"])
    assert outcome(running, AGENT) == ["none"]


# shortcuts and the compose modal ---------------------------------------------------------------


def test_check_tone_shortcut_opens_a_modal_with_the_analysis(running: Running) -> None:
    payload = payloads.message_shortcut(blocks.CHECK_TONE_CALLBACK, user=AGENT, author=AGENT, text="Read the docs.")
    assert running.sender.interaction(payload).status == 200
    [call] = running.fake.wait_for("views.open")
    assert call.params["trigger_id"] == payload["trigger_id"]
    view = call.params["view"]
    View(**view).validate_json()
    assert "may read as curt" in shown_text(view["blocks"])


def test_check_tone_on_a_customer_message_suggests_phrasings(running: Running) -> None:
    payload = payloads.message_shortcut(blocks.CHECK_TONE_CALLBACK, user=AGENT, author=CUSTOMER, text=ANGRY)
    running.sender.interaction(payload)
    [call] = running.fake.wait_for("views.open")
    shown = shown_text(call.params["view"]["blocks"])
    assert "customer sounds frustrated" in shown and "Phrasings that might help" in shown


def test_compose_shortcut_and_submission(running: Running) -> None:
    running.sender.interaction(payloads.global_shortcut(COMPOSE, user=AGENT))
    [call] = running.fake.wait_for("views.open")
    assert call.params["view"]["callback_id"] == blocks.COMPOSE_CALLBACK

    submit = payloads.view_submission(
        blocks.COMPOSE_CALLBACK, {"customer": ANGRY, "draft": "Send the logs. <!here>"}, user=AGENT
    )
    reply = running.sender.interaction(submit)
    assert reply.status == 200
    body = reply.json()
    assert body["response_action"] == "update"
    View(**body["view"]).validate_json()
    shown = shown_text(body["view"]["blocks"])
    assert "Suggested rewrite" in shown and "customer sounds frustrated" in shown
    assert "<!here>" not in shown and "&lt;!here&gt;" in shown


def test_compose_without_draft_shows_a_field_error(running: Running) -> None:
    reply = running.sender.interaction(
        payloads.view_submission(blocks.COMPOSE_CALLBACK, {"customer": ANGRY, "draft": ""}, user=AGENT)
    )
    assert reply.json() == {"response_action": "errors", "errors": {"draft": "Paste the reply you plan to send."}}


# App Home --------------------------------------------------------------------------------------


def test_app_home_shows_week_settings_and_phrasebank(running: Running) -> None:
    running.sender.event(payloads.app_home_opened(AGENT))
    [call] = running.fake.wait_for("views.publish")
    assert call.params["user_id"] == AGENT
    view = call.params["view"]
    View(**view).validate_json()
    shown = shown_text(view["blocks"])
    assert "Your week with Kindly" in shown and "Settings" in shown and "Phrasebank" in shown


def test_app_home_messages_tab_is_ignored(running: Running) -> None:
    running.sender.event(payloads.app_home_opened(AGENT, tab="messages"))
    running.fake.settle()
    assert running.fake.calls("views.publish") == []


def test_app_home_toggle_turns_nudges_off(running: Running) -> None:
    running.sender.interaction(payloads.home_action(blocks.ACTION_HOME_TOGGLE, user=AGENT, value="off"))
    [call] = running.fake.wait_for("views.publish")
    assert "Nudges are *off*" in shown_text(call.params["view"]["blocks"])
    running.sender.event(payloads.envelope(payloads.message(CUSTOMER, ANGRY)))
    running.fake.wait_for("chat.postEphemeral")
    running.fake.settle()
    assert {c.params["user"] for c in running.fake.calls("chat.postEphemeral")} == {AGENT2}


def test_app_home_filters_the_phrasebank(running: Running) -> None:
    intents = running.kindly.suggester.intents()
    running.sender.interaction(payloads.home_action(blocks.ACTION_HOME_INTENT, user=AGENT, selected=intents[0]))
    [call] = running.fake.wait_for("views.publish")
    view = call.params["view"]
    assert json.loads(view["private_metadata"])["intent"] == intents[0]
    label = intents[0].replace("_", " ")
    quoted = [b for b in view["blocks"] if b["type"] == "section" and b["text"]["text"].startswith("&gt;")]
    assert quoted and all(b["text"]["text"].endswith(f"_{label}_") for b in quoted)


def test_use_this_fills_the_customers_first_name(running: Running) -> None:
    book = running.kindly.suggester
    phrase = next(p for p in book.browse() if "{name}" in p.text)
    value = blocks.encode_value(n=999, p=phrase.id, a=CUSTOMER)
    click(running, {"action_id": blocks.ACTION_USE, "value": value}, AGENT)
    [reply] = running.fake.wait_for("response_url")
    shown = shown_text(reply.params["blocks"])
    assert "Dana" in shown and "{name}" not in shown and "[name]" not in shown
    assert running.fake.calls("users.info")[0].params["user"] == CUSTOMER


def test_customers_cannot_use_kindly_to_read_about_customers(running: Running) -> None:
    """Invariant 1 beyond nudges: a non-agent gets no analysis from the command, shortcuts or modal."""
    for text in ("check Where is my refund??", "refund is late", "stats"):
        reply = running.sender.form(payloads.command(text, user=CUSTOMER))
        body = reply.json()
        assert body["response_type"] == "ephemeral" and "for agents only" in shown_text(body["blocks"])
    assert "/kindly check" in shown_text(running.sender.form(payloads.command("help", user=CUSTOMER)).json())

    shortcut = payloads.message_shortcut(blocks.CHECK_TONE_CALLBACK, user=CUSTOMER, author="UCUST2", text=ANGRY)
    running.sender.interaction(shortcut)
    running.sender.interaction(payloads.global_shortcut(COMPOSE, user=CUSTOMER))
    opened = running.fake.wait_for("views.open", count=2)
    for call in opened:
        shown = shown_text(call.params["view"]["blocks"])
        assert "for agents only" in shown and "frustrat" not in shown

    submit = payloads.view_submission(blocks.COMPOSE_CALLBACK, {"customer": ANGRY, "draft": "Hi"}, user=CUSTOMER)
    body = running.sender.interaction(submit).json()
    assert "for agents only" in shown_text(body["view"]["blocks"])


def test_slack_connect_outsider_listed_as_agent_still_gets_no_analysis(fake_slack: FakeSlack, db_url: str) -> None:
    app = start_app(fake_slack, db_url, KINDLY_AGENTS=f"{AGENT},UEXT1")
    try:
        shortcut = payloads.message_shortcut(blocks.CHECK_TONE_CALLBACK, user="UEXT1", author=CUSTOMER, text=ANGRY)
        shortcut["user"]["team_id"] = "TOTHERORG"
        app.sender.interaction(shortcut)
        [call] = fake_slack.wait_for("views.open")
        assert "for agents only" in shown_text(call.params["view"]["blocks"])
    finally:
        app.stop()


def test_a_database_error_on_a_button_still_answers_the_agent(running: Running) -> None:
    running.sender.event(payloads.envelope(payloads.message(CUSTOMER, ANGRY)))
    nudge = nudge_for(running, AGENT)
    with running.kindly.store.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE mutes")
    click(running, button(nudge, blocks.ACTION_MUTE), AGENT)
    [reply] = running.fake.wait_for("response_url")
    assert "could not save" in shown_text(reply.params["blocks"])
