"""Each weekly figure on a small hand-built store whose answer is worked out by hand."""

from __future__ import annotations

from datetime import timedelta

import pytest
from digest_helpers import W47, StoreBuilder, at

from bot.digest.figures import TEAM


def test_counts_customer_messages_threads_and_frustrated_share(store: StoreBuilder) -> None:
    store.msg(at(0), thread="a")
    store.msg(at(0, 10), thread="a")
    store.msg(at(1), thread="b", frustrated=True)
    store.msg(at(2), thread="c")
    store.msg(at(2, 11), thread="c", frustrated=True)
    store.msg(at(3), thread="d", role="agent")  # agent-only thread: not a customer thread
    store.msg(W47 - timedelta(minutes=1), thread="e", frustrated=True)  # previous week
    store.msg(W47 + timedelta(days=7), thread="f", frustrated=True)  # next week
    store.msg(at(1), thread="g", team="T2", frustrated=True)  # another workspace

    team = store.figures().team
    assert team.customer_messages == 5
    assert team.threads == 3
    assert team.frustrated_threads == 2
    assert team.frustrated_share == pytest.approx(2 / 3)


def test_first_response_median_and_p90_for_all_and_frustrated_threads(store: StoreBuilder) -> None:
    # Ten threads answered after 1..10 minutes; threads 8, 9 and 10 have a frustrated customer.
    for minutes in range(1, 11):
        thread = f"t{minutes}"
        store.msg(at(0, 9), thread=thread, frustrated=minutes >= 8)
        store.msg(at(0, 9, minutes), thread=thread, role="agent")
        store.msg(at(0, 9, minutes + 30), thread=thread, role="agent")  # later replies do not count
    team = store.figures().team
    assert team.response_all.n == 10
    assert team.response_all.median == pytest.approx(5.5 * 60)  # mean of the 5th and 6th
    assert team.response_all.p90 == pytest.approx(9 * 60)  # nearest rank ceil(0.9 * 10) = 9
    assert team.response_frustrated.n == 3
    assert team.response_frustrated.median == pytest.approx(9 * 60)
    assert team.response_frustrated.p90 == pytest.approx(10 * 60)  # rank ceil(2.7) = 3


def test_response_time_rules(store: StoreBuilder) -> None:
    # An agent message before the customer's first message in the week does not count.
    store.msg(at(0, 8), thread="early", role="agent")
    store.msg(at(0, 9), thread="early")
    store.msg(at(0, 11), thread="early", role="agent")  # 2 h
    # A Sunday-night message answered Monday morning (next week) still has its response time.
    store.msg(at(6, 23), thread="late")
    store.msg(at(7, 1), thread="late", role="agent")  # 2 h, after the week
    # Never answered: not in the timing, still a thread.
    store.msg(at(2), thread="open")
    team = store.figures().team
    assert team.threads == 3
    assert team.answered_threads == 2
    assert team.response_all.median == pytest.approx(7200)
    assert team.response_all.p90 == pytest.approx(7200)


def test_recovery_is_about_the_customers_last_message_in_the_week(store: StoreBuilder) -> None:
    store.msg(at(0), thread="calmed", frustrated=True)
    store.msg(at(0, 10), thread="calmed")  # last message calm: recovered
    store.msg(at(1), thread="still", frustrated=True)
    store.msg(at(1, 10), thread="still")
    store.msg(at(1, 11), thread="still", frustrated=True)  # ends frustrated: not recovered
    store.msg(at(2), thread="turned")
    store.msg(at(2, 10), thread="turned", frustrated=True)  # frustration came last: not recovered
    store.msg(at(3), thread="fine")  # never frustrated: not in the denominator
    team = store.figures().team
    assert team.frustrated_threads == 3
    assert team.recovered_threads == 1
    assert team.recovery_share == pytest.approx(1 / 3)


def test_curt_replies_and_curt_replies_to_frustrated_customers(store: StoreBuilder) -> None:
    store.msg(at(0), thread="a")
    store.msg(at(0, 10), thread="a", role="agent", curt=True)  # curt, customer calm
    store.msg(at(1), thread="b", role="agent", curt=True)  # curt before any frustration
    store.msg(at(1, 10), thread="b", frustrated=True)
    store.msg(at(1, 11), thread="b", role="agent", curt=True)  # curt to a frustrated customer
    store.msg(at(1, 12), thread="b", role="agent")  # kind reply
    store.msg(at(2), thread="c", role="customer", curt=True)  # customers are never "curt replies"
    team = store.figures().team
    assert team.curt_replies == 3
    assert team.curt_to_frustrated == 1


def test_nudge_outcomes_and_phrases_used_most(store: StoreBuilder) -> None:
    for outcome, phrase in [
        ("used", "validate-wait"),
        ("used", "validate-wait"),
        ("used", "own-the-delay"),
        ("more", None),
        ("not_helpful", None),
        ("muted", None),
        ("none", None),
    ]:
        store.nudge(at(1), outcome=outcome, phrase=phrase)
    store.nudge(at(8), outcome="used", phrase="own-the-delay")  # next week
    figures = store.figures()
    n = figures.team.nudges
    assert (n.sent, n.used, n.more, n.not_helpful, n.muted) == (7, 3, 1, 1, 1)
    assert figures.top_phrases == [("validate-wait", 2), ("own-the-delay", 1)]


def test_top_frustration_cues_count_frustrated_customer_messages(store: StoreBuilder) -> None:
    store.msg(at(0), thread="a", frustrated=True, cues="waiting,repeated_contact")
    store.msg(at(0, 1), thread="a", frustrated=True, cues="waiting")
    store.msg(at(1), thread="b", frustrated=True, cues="outage,waiting")
    store.msg(at(2), thread="c", frustrated=True, cues="billing")
    store.msg(at(2, 1), thread="c", frustrated=False, cues="billing")  # not frustrated: not counted
    store.msg(at(2, 2), thread="c", role="agent", cues="billing")
    assert store.figures().top_cues == [("waiting", 3), ("billing", 1), ("outage", 1)]


def test_load_names_agents_far_above_the_team_median(store: StoreBuilder) -> None:
    # UA1..UA4 each answer one frustrated thread; UHEAVY answers eight; UCALM only calm ones.
    thread = 0
    for agent, frustrated_threads in [("UA1", 1), ("UA2", 1), ("UA3", 1), ("UA4", 1), ("UHEAVY", 8)]:
        for _ in range(frustrated_threads):
            thread += 1
            store.msg(at(1), thread=f"f{thread}", frustrated=True)
            store.msg(at(1, 10), thread=f"f{thread}", role="agent", user=agent)
            store.msg(at(1, 11), thread=f"f{thread}", role="agent", user=agent)  # same thread once
    store.msg(at(2), thread="calm")
    store.msg(at(2, 10), thread="calm", role="agent", user="UCALM")
    figures = store.figures()
    assert figures.agents_active == 6
    # Counts 0,1,1,1,1,8: median 1; UHEAVY's 8 >= 2 x 1 and >= 1 + 3.
    assert [(a.user_id, a.frustrated_threads, a.team_median) for a in figures.load] == [("UHEAVY", 8, 1.0)]


def test_load_is_empty_when_the_load_is_even(store: StoreBuilder) -> None:
    for i, agent in enumerate(["UA1", "UA2", "UA3"]):
        for j in range(3):
            store.msg(at(1), thread=f"f{i}{j}", frustrated=True)
            store.msg(at(1, 10), thread=f"f{i}{j}", role="agent", user=agent)
    assert store.figures().load == []


def test_empty_week_is_missing_data_not_zeros(store: StoreBuilder) -> None:
    store.msg(at(-3), thread="old", frustrated=True)  # only the week before has data
    figures = store.figures()
    team = figures.team
    assert not figures.has_data
    assert team.frustrated_share is None
    assert team.recovery_share is None
    assert team.response_all.median is None and team.response_all.p90 is None
    assert figures.last_seen == at(-3)


def test_per_channel_figures_add_up_to_the_team(store: StoreBuilder) -> None:
    store.msg(at(0), channel="C1", thread="x", frustrated=True)
    store.msg(at(0, 9, 1), channel="C1", thread="x", role="agent")  # 1 min
    store.msg(at(0), channel="C2", thread="x")  # same thread_ts, another channel: another thread
    store.msg(at(0, 9, 3), channel="C2", thread="x", role="agent")  # 3 min
    store.nudge(at(0), channel="C2", outcome="used", phrase="p")
    figures = store.figures()
    c1, c2 = figures.channels["C1"], figures.channels["C2"]
    assert (c1.threads, c1.frustrated_threads, c1.response_all.median) == (1, 1, 60)
    assert (c2.threads, c2.frustrated_threads, c2.response_all.median) == (1, 0, 180)
    assert c2.nudges.used == 1 and c1.nudges.sent == 0
    assert figures.team.scope == TEAM
    assert figures.team.threads == 2
    assert figures.team.response_all.median == pytest.approx(120)


def test_daily_series_follow_the_leads_local_days(store: StoreBuilder) -> None:
    # Tuesday 23:30 UTC is already Wednesday 00:30 in Paris (UTC+1 in November).
    store.msg(at(1, 23, 30), thread="a", frustrated=True)
    store.msg(at(4, 10), thread="a")  # recovered on Friday
    store.msg(at(4, 11), thread="b", frustrated=True)
    utc = store.figures(tz="UTC").team
    paris = store.figures(tz="Europe/Paris").team
    assert utc.frustrated_by_day == (0, 1, 0, 0, 1, 0, 0)
    assert paris.frustrated_by_day == (0, 0, 1, 0, 1, 0, 0)
    assert paris.recovered_by_day == (0, 0, 0, 0, 1, 0, 0)
