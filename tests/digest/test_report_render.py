"""What the lead reads: headline, changes, suggestions, Block Kit limits and privacy, the chart."""

from __future__ import annotations

import json
import struct
from datetime import timedelta

from digest_helpers import W47, StoreBuilder, at

from bot.digest.chart import HEIGHT_PX, WIDTH_PX, chart_png
from bot.digest.render import digest_blocks, digest_terminal
from bot.digest.report import Digest, build_digest, changes, headline, suggestions


def digest(store: StoreBuilder, tz: str = "UTC", watched: tuple[str, ...] = ()) -> Digest:
    with store.engine.connect() as conn:
        return build_digest(conn, store.team_id, "2026-W47", tz, watched_channels=watched)


def test_empty_store_says_there_is_no_data_yet(store: StoreBuilder) -> None:
    d = digest(store)
    assert headline(d).startswith("Kindly has no data yet")
    text = digest_terminal(d)
    assert "0%" not in text and "Customer messages" not in text  # no zeros that look like success


def test_week_without_messages_asks_whether_kindly_was_running(store: StoreBuilder) -> None:
    store.msg(at(-10), channel="C1")
    d = digest(store)
    assert "No customer messages were recorded in 2026-W47; the last one was on 2026-11-06" in headline(d)


def test_quiet_channels_are_named_not_counted_as_calm(store: StoreBuilder) -> None:
    store.msg(at(-3), channel="CQUIETLASTWEEK")
    store.msg(at(1), channel="CBUSY")
    store.msg(at(1, 10), channel="CAGENTSONLY", role="agent")  # agents wrote, no customer did
    d = digest(store, watched=("CWATCHED",))
    assert d.quiet_channels == ("CAGENTSONLY", "CQUIETLASTWEEK", "CWATCHED")
    blocks = json.dumps(digest_blocks(d))
    assert "<#CQUIETLASTWEEK>" in blocks and "not counted as calm" in blocks


def test_changes_against_the_previous_week(store: StoreBuilder) -> None:
    for i in range(4):  # previous week: 4 threads, 1 frustrated
        store.msg(at(-7 + i), thread=f"p{i}", frustrated=i == 0)
    for i in range(5):  # this week: 5 threads, 3 frustrated
        store.msg(at(i), thread=f"c{i}", frustrated=i < 3)
    lines = changes(digest(store))
    assert "Customer messages: 5 (↑ 25% from 4)" in lines
    assert "Threads with a frustrated customer: 60% (↑ 35 pts from 25%)" in lines


def test_no_previous_week_is_said_plainly(store: StoreBuilder) -> None:
    store.msg(at(1))
    assert changes(digest(store)) == ["No data for 2026-W46 to compare with."]


def test_slow_first_replies_to_frustrated_threads_suggest_a_triage_rotation(store: StoreBuilder) -> None:
    for i in range(3):  # frustrated threads answered after 60 min
        store.msg(at(i), thread=f"f{i}", frustrated=True)
        store.msg(at(i, 10), thread=f"f{i}", role="agent")
    for i in range(6):  # calm threads answered after 5 min
        store.msg(at(i), thread=f"c{i}")
        store.msg(at(i, 9, 5), thread=f"c{i}", role="agent")
    # All 9 replies: median 5 min; frustrated: 60 min -> 12x.
    (first, *_) = suggestions(digest(store))
    assert first.startswith("Frustrated threads waited 12.0x longer for a first reply (60 min vs 5 min median)")
    assert "triage rotation" in first


def test_top_cue_suggestion_and_at_most_two(store: StoreBuilder) -> None:
    for i in range(4):
        store.msg(at(i), thread=f"f{i}", frustrated=True, cues="waiting")
        store.msg(at(i, 10), thread=f"f{i}", role="agent", curt=True)
    ideas = suggestions(digest(store))
    assert len(ideas) == 2
    assert ideas[0].startswith("Only 0% of frustrated threads ended calmer")
    assert ideas[1].startswith("4 curt replies went to frustrated customers")
    assert any(s.startswith("“waiting” was the top frustration cue") for s in suggestions(digest(store), limit=5))


def heavy_load(store: StoreBuilder) -> None:
    for i in range(8):
        store.msg(at(1), thread=f"h{i}", frustrated=True)
        store.msg(at(1, 10), thread=f"h{i}", role="agent", user="UHEAVY")
    for agent in ("UA1", "UA2", "UA3"):
        store.msg(at(2), thread=agent, frustrated=True)
        store.msg(at(2, 10), thread=agent, role="agent", user=agent)


def test_check_in_watch_names_agents_only_in_the_leads_view(store: StoreBuilder) -> None:
    heavy_load(store)
    d = digest(store)
    lead_dm = json.dumps(digest_blocks(d))
    assert "<@UHEAVY> carried 8 frustrated threads this week (team median 1)" in lead_dm
    assert "UA1" not in lead_dm  # agents are never ranked or listed beyond the check-in
    assert "UHEAVY" not in json.dumps(digest_blocks(d, include_check_ins=False))
    assert "UHEAVY carried 8" in digest_terminal(d)


def test_block_kit_stays_within_limits_and_escapes_stored_names(store: StoreBuilder) -> None:
    for c in range(40):
        store.msg(at(1), channel=f"C{c:03d}", frustrated=c % 2 == 0)
    store.nudge(at(1), outcome="used", phrase="<!channel> hi & bye")
    blocks = digest_blocks(digest(store))
    assert len(blocks) <= 50
    for block in blocks:
        text = block.get("text", {}).get("text", "")
        assert len(text) <= 3000
        assert len(block.get("fields", [])) <= 10
    dumped = json.dumps(blocks, ensure_ascii=False)
    assert "<!channel>" not in dumped and "&lt;!channel&gt; hi &amp; bye" in dumped
    assert "…and 28 more channels" in dumped


def test_terminal_rendering_shows_every_figure(store: StoreBuilder) -> None:
    store.msg(at(0), thread="a", frustrated=True, cues="billing")
    store.msg(at(0, 9, 30), thread="a", role="agent", curt=True)
    store.msg(at(0, 10), thread="a")
    store.nudge(at(0), outcome="used", phrase="own-the-delay")
    text = digest_terminal(digest(store, tz="Europe/Paris"))
    for expected in (
        "Kindly digest · 2026-W47 · team T1",
        "Mon 16 Nov – Sun 22 Nov 2026 (Europe/Paris)",
        "1 customer thread in 2026-W47; 100% had a frustrated customer, and 1 of those 1 ended calmer.",
        "Customer messages                2",
        "First reply, frustrated threads  median 30 min, p90 30 min (n=1)",
        "Curt agent replies               1, 1 to frustrated customers",
        "Nudges                           1 sent · 1 used · 0 “more” · 0 not helpful · 0 muted",
        "Phrases used most                own-the-delay (1)",
        "Top frustration cues             billing (1)",
        "C1: 1 threads, 100% frustrated, 1/1 recovered, first reply 30 min",
    ):
        assert expected in text, expected


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_chart_is_a_png_of_the_expected_size(store: StoreBuilder) -> None:
    store.msg(at(1), thread="a", frustrated=True)
    store.msg(at(2), thread="a")
    data = chart_png(digest(store))
    assert png_size(data) == (WIDTH_PX, HEIGHT_PX) == (800, 400)
    assert data.endswith(b"IEND\xaeB`\x82")


def test_chart_of_an_empty_week_is_still_a_valid_png(store: StoreBuilder) -> None:
    store.msg(W47 - timedelta(days=30))
    assert png_size(chart_png(digest(store))) == (800, 400)
