"""Lay a Digest out as Block Kit (plain dicts, no Slack SDK here) or as terminal text.

Privacy: only figures, channel IDs, cue names and phrase IDs appear; never message text.
The check-in watch (agents' names) is rendered only for the lead's own DM or terminal.
"""

from __future__ import annotations

from typing import Any

from bot.digest.figures import ScopeFigures
from bot.digest.report import (
    Digest,
    changes,
    check_ins,
    cue_label,
    duration,
    headline,
    percent,
    suggestions,
)

MAX_CHANNEL_LINES = 12  # keeps each section far below Block Kit's 3000-character limit
FOOTER = "Figures only: Kindly never stores or shows message text."


def escape(text: str) -> str:
    """Slack mrkdwn control characters, so a stored name cannot ping anyone or fake a link."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _period(d: Digest) -> str:
    days = d.current.window.days
    return f"{days[0]:%a %d %b} – {days[-1]:%a %d %b %Y} ({d.tz})"


def _timing(f: ScopeFigures, frustrated: bool) -> str:
    t = f.response_frustrated if frustrated else f.response_all
    if t.n == 0:
        return "no replies to measure"
    return f"median {duration(t.median)}, p90 {duration(t.p90)} (n={t.n:,})"


def _nudges(f: ScopeFigures) -> str:
    n = f.nudges
    return f"{n.sent:,} sent · {n.used:,} used · {n.more:,} “more” · {n.not_helpful:,} not helpful · {n.muted:,} muted"


def _channel_line(f: ScopeFigures) -> str:
    return (
        f"{f.threads} threads, {percent(f.frustrated_share)} frustrated, "
        f"{f.recovered_threads}/{f.frustrated_threads} recovered, "
        f"first reply {duration(f.response_all.median)}"
    )


def _busy_channels(d: Digest) -> list[ScopeFigures]:
    """Channels with customers, most frustrated threads first (channels may be ranked; people never)."""
    busy = [f for f in d.current.channels.values() if f.has_customers]
    return sorted(busy, key=lambda f: (-f.frustrated_threads, -f.threads, f.scope))


def _figures(d: Digest) -> list[tuple[str, str]]:
    team, cur = d.team, d.current
    cues = ", ".join(f"{cue_label(c)} ({n})" for c, n in cur.top_cues) or "none recorded"
    phrases = ", ".join(f"{p} ({n})" for p, n in cur.top_phrases) or "none used"
    return [
        ("Customer messages", f"{team.customer_messages:,}"),
        (
            "Threads",
            f"{team.threads:,}, {team.frustrated_threads:,} with a frustrated customer ({percent(team.frustrated_share)})",
        ),
        (
            "Recovered",
            f"{team.recovered_threads:,} of {team.frustrated_threads:,} ({percent(team.recovery_share)})",
        ),
        ("First reply, all threads", _timing(team, frustrated=False)),
        ("First reply, frustrated threads", _timing(team, frustrated=True)),
        ("Curt agent replies", f"{team.curt_replies:,}, {team.curt_to_frustrated:,} to frustrated customers"),
        ("Nudges", _nudges(team)),
        ("Phrases used most", phrases),
        ("Top frustration cues", cues),
    ]


# ---- Block Kit ---------------------------------------------------------------------------------


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}}


def _bullets(title: str, lines: list[str]) -> dict[str, Any]:
    return _section(f"*{title}*\n" + "\n".join(f"• {line}" for line in lines))


def _mention(user_id: str) -> str:
    return f"<@{escape(user_id)}>"


def _channel(channel_id: str) -> str:
    return f"<#{escape(channel_id)}>"


def digest_blocks(d: Digest, *, include_check_ins: bool = True) -> list[dict[str, Any]]:
    """The DM: headline, figures, what changed, channels, check-ins, suggestions (under 50 blocks)."""
    title = f"Kindly digest · {d.iso_week}" + (" (so far)" if d.so_far else "")
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": title[:150]}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": escape(_period(d))}]},
        _section(escape(headline(d))),
    ]
    if d.current.has_data:
        blocks.append(
            {
                "type": "section",
                "fields": [{"type": "mrkdwn", "text": f"*{k}*\n{escape(v)}"} for k, v in _figures(d)[:10]],
            }
        )
        moved = changes(d)
        if moved:
            blocks.append(_bullets("What changed", [escape(line) for line in moved]))
        busy = _busy_channels(d)
        if busy:
            lines = [f"{_channel(f.scope)}: {escape(_channel_line(f))}" for f in busy]
            more = len(lines) - MAX_CHANNEL_LINES
            lines = lines[:MAX_CHANNEL_LINES] + ([f"…and {more} more channels"] if more > 0 else [])
            blocks.append(_bullets("Channels", lines))
    if d.quiet_channels:
        quiet = ", ".join(_channel(c) for c in d.quiet_channels[:30])
        blocks.append(_section(f"*Quiet channels* (no customer messages, not counted as calm): {quiet}"))
    if include_check_ins:
        people = check_ins(d, user=_mention)
        if people:
            blocks.append(_bullets("Check-in watch (only you see this)", people))
    ideas = suggestions(d)
    if ideas:
        blocks.append(_bullets("Suggestions", [escape(s) for s in ideas]))
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": FOOTER}]})
    return blocks


def digest_text(d: Digest) -> str:
    """Notification fallback text for chat.postMessage."""
    return f"Kindly digest {d.iso_week}: {headline(d)}"


# ---- terminal ----------------------------------------------------------------------------------


def digest_terminal(d: Digest, *, include_check_ins: bool = True) -> str:
    """The same digest for a terminal or a report: plain text, channel and user IDs as they are."""
    title = f"Kindly digest · {d.iso_week}" + (" (so far)" if d.so_far else "") + f" · team {d.team_id}"
    out = [title, "=" * len(title), _period(d), "", headline(d), ""]
    if d.current.has_data:
        width = max(len(k) for k, _ in _figures(d))
        out += [f"  {k.ljust(width)}  {v}" for k, v in _figures(d)]
        moved = changes(d)
        if moved:
            out += ["", "What changed", *(f"  - {line}" for line in moved)]
        busy = _busy_channels(d)
        if busy:
            out += ["", "Channels", *(f"  - {f.scope}: {_channel_line(f)}" for f in busy)]
    if d.quiet_channels:
        out += [
            "",
            "Quiet channels (no customer messages, not counted as calm): " + ", ".join(d.quiet_channels),
        ]
    if include_check_ins:
        people = check_ins(d)
        if people:
            out += ["", "Check-in watch (lead only)", *(f"  - {line}" for line in people)]
    ideas = suggestions(d)
    if ideas:
        out += ["", "Suggestions", *(f"  - {s}" for s in ideas)]
    out += ["", FOOTER]
    return "\n".join(out) + "\n"
