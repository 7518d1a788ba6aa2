"""`python -m bot demo` runs the real app offline and tells each person's view truthfully."""

from __future__ import annotations

from bot.demo import run_demo


def test_demo_shows_the_whole_flow_privately() -> None:
    lines: list[str] = []
    assert run_demo(lines.append) == 0
    out = "\n".join(lines)
    assert "Only Sam (agent) sees" in out and "This customer sounds frustrated" in out  # the nudge
    assert "Only Kim (agent) sees" in out and "may read as curt" in out  # the curt reply's rewrite
    assert "Ready to paste" in out  # the button click
    assert "Phrasings for “refund is late”" in out  # the slash command
    assert "YOUR WEEK WITH KINDLY" in out  # App Home
    assert "Only Dana" not in out  # the customer never sees anything from Kindly
    assert "message text found in the database: 0" in out
    assert "wrong secret: HTTP 401" in out and "Ten minutes old: HTTP 401" in out
