"""Block Kit rendering: typed text is inert, long text is cut visibly, Slack's limits always hold."""

from __future__ import annotations

import re
from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot import blocks
from bot.store import WeekStats
from bot.suggestions import Change, Rewritten
from bot.tone import analyze

ENTITY_CUT = re.compile(r"&[a-z]{0,3}$")


@dataclass(frozen=True)
class P:
    id: str
    text: str
    intent: str
    situations: tuple[str, ...] = ()


def valid_message(rendered: tuple[str, list[dict]]) -> str:
    text, block_list = rendered
    assert 0 < len(text) <= blocks.FALLBACK_LIMIT
    assert len(block_list) <= blocks.MESSAGE_BLOCKS
    for block in block_list:
        Block.parse(block).validate_json()
    return text + "\n".join(str(b) for b in block_list)


def test_escape_makes_mentions_and_links_inert() -> None:
    assert blocks.escape("<!channel> <@U1> <http://x|y> a&b") == "&lt;!channel&gt; &lt;@U1&gt; &lt;http://x|y&gt; a&amp;b"


@given(st.text(alphabet="<>&ab !@", max_size=400), st.integers(min_value=20, max_value=300))
def test_user_text_stays_within_limit_and_never_splits_an_entity(text: str, limit: int) -> None:
    out = blocks.user_text(text, limit)
    assert len(out) <= limit
    body = out.split("… _(cut:")[0]
    assert "<" not in body and ">" not in body
    assert not ENTITY_CUT.search(body)


def test_long_text_is_cut_visibly() -> None:
    out = blocks.user_text("x" * 5000, 300)
    assert len(out) <= 300 and "(cut: 5000 characters in all)" in out


@settings(max_examples=30, deadline=None)
@given(st.text(max_size=6000))
def test_tone_check_of_any_draft_is_valid_block_kit(draft: str) -> None:
    analysis = analyze(draft)
    rewrite = Rewritten(draft, draft + " Thanks!", (Change("add", "", "Thanks!", "ends warmly " * 50),))
    valid_message(blocks.check_result(draft, analysis, rewrite, 0.55))
    View(**blocks.analysis_modal("Check tone", draft, analysis, rewrite, 0.55, customer=analysis)).validate_json()


def test_nudges_with_huge_phrases_and_rewrites_are_valid() -> None:
    analysis = analyze("This is the THIRD time!!! Waiting 3 days <!channel>")
    phrases = [P(f"p{i}", "<!here> " + "kind words " * 400, "acknowledge") for i in range(60)]
    frustrated = valid_message(blocks.frustrated_customer_nudge(7, analysis, phrases, "UC"))
    assert "<!here>" not in frustrated and "<!channel>" not in frustrated
    rewrite = Rewritten("Send logs <@U1>", "Could you send the logs? <@U1> " * 200, ())
    curt = valid_message(blocks.curt_reply_nudge(8, analyze("Send logs."), rewrite, phrases[:2]))
    assert "<@U1>" not in curt.split("'value'")[0]


def test_button_values_fit_even_for_a_long_rewrite() -> None:
    value = blocks.encode_value(n=1, r="word " * 2000)
    assert len(value) <= blocks.BUTTON_VALUE_LIMIT
    assert blocks.decode_value(value)["n"] == 1
    assert blocks.decode_value("not json") == {} and blocks.decode_value(None) == {}


def test_home_view_is_valid_and_within_100_blocks() -> None:
    phrases = [P(f"p{i}", f"Phrase {i}", "acknowledge", ("delay",)) for i in range(300)]
    for intent in (None, "acknowledge"):
        view = blocks.home_view(
            WeekStats(3, 1, 1, 1, 0), True, False, ["acknowledge", "ownership"], ["delay"], phrases, intent=intent
        )
        View(**view).validate_json()
        assert len(view["blocks"]) <= blocks.VIEW_BLOCKS
    assert "1 nudge" not in blocks.week_line(WeekStats(3, 1, 1, 1, 0))
    assert "1 nudge received" in blocks.week_line(WeekStats(1, 0, 0, 0, 0))


def test_compose_modal_is_valid() -> None:
    View(**blocks.compose_modal()).validate_json()


def test_every_message_renderer_is_valid() -> None:
    valid_message(blocks.help_message("note <!channel>"))
    valid_message(blocks.phrases_for("refund <!channel>", [P("a", "x", "acknowledge")]))
    valid_message(blocks.phrases_for("nothing", []))
    valid_message(blocks.stats_message(WeekStats(0, 0, 0, 0, 0)))
    valid_message(blocks.mute_confirmation("2 hours"))
    valid_message(blocks.ready_to_paste("Hi <@U1> " * 1000, 3))
    valid_message(blocks.more_phrases(3, [], None))
    valid_message(blocks.more_phrases(3, [P("a", "x", "acknowledge")], "UC"))
