"""The digest as data: this week's and last week's figures, plus the sentences a lead reads.

Renderers (Block Kit, terminal) only lay out what this module decides to say, so the wording of
headline, changes and suggestions is tested once, whatever the output.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection

from bot.digest.figures import ScopeFigures, WeekFigures
from bot.digest.metrics import week_figures
from bot.digest.week import shift_week, week_window

# What a lead can do about the most common frustration cues.
CUE_ADVICE = {
    "waiting": "a proactive status update on threads still open may take the edge off waiting",
    "repeated_contact": "customers had to write again; owning the follow-up in the first reply can help",
    "outage": "a pinned status link and a shared outage reply can keep answers quick and consistent",
    "billing": "a short billing escalation path can help agents resolve money worries in one reply",
    "account_access": "a clear account-recovery reply and owner can shorten lock-out threads",
    "escalation_threat": "customers asked for escalation; a named owner and a time for the next update calm that",
}


@dataclass(frozen=True)
class Digest:
    """One team's digest for one ISO week as seen from one time zone."""

    team_id: str
    iso_week: str
    tz: str
    current: WeekFigures
    previous: WeekFigures
    quiet_channels: tuple[str, ...]
    so_far: bool = False  # the week is still running (the /kindly digest command)

    @property
    def team(self) -> ScopeFigures:
        return self.current.team


def build_digest(
    conn: Connection,
    team_id: str,
    iso_week: str,
    tz: str = "UTC",
    *,
    watched_channels: Iterable[str] = (),
    now: datetime | None = None,
) -> Digest:
    """Compute this week's and the previous week's figures; name the quiet channels."""
    window = week_window(iso_week, tz)
    current = week_figures(conn, team_id, window)
    previous = week_figures(conn, team_id, week_window(shift_week(iso_week, -1), tz), detail=False)
    watched = set(watched_channels) | {c for c, f in previous.channels.items() if f.has_customers}
    watched |= set(current.channels)
    busy = {c for c, f in current.channels.items() if f.has_customers}
    quiet = tuple(sorted(watched - busy))
    so_far = now is not None and now < window.end
    return Digest(team_id, iso_week, tz, current, previous, quiet, so_far)


# ---- wording ---------------------------------------------------------------------------------


def duration(seconds: float | None) -> str:
    """Human durations: 45 s, 12 min, 3.5 h, 2.1 d; an em dash when there is nothing to show."""
    if seconds is None:
        return "—"
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    if seconds < 36 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} d"


def percent(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.0f}%"


def _count_change(now: int, before: int) -> str:
    if before == 0:
        return f"{now:,} (none the week before)"
    delta = (now - before) / before * 100
    arrow = "↑" if delta > 0 else "↓" if delta < 0 else "="
    return f"{now:,} ({arrow} {abs(delta):.0f}% from {before:,})"


def _share_change(now: float | None, before: float | None) -> str:
    if now is None:
        return "—"
    if before is None:
        return percent(now)
    points = (now - before) * 100
    arrow = "↑" if points > 0.5 else "↓" if points < -0.5 else "="
    return f"{percent(now)} ({arrow} {abs(points):.0f} pts from {percent(before)})"


def _time_change(now: float | None, before: float | None) -> str:
    if now is None:
        return "—"
    if before is None:
        return duration(now)
    arrow = "↑" if now > before * 1.05 else "↓" if now < before * 0.95 else "="
    return f"{duration(now)} ({arrow} from {duration(before)})"


def headline(d: Digest) -> str:
    """One sentence that is honest about empty weeks instead of showing zeros."""
    team, when = d.team, ("so far this week" if d.so_far else f"in {d.iso_week}")
    if not d.current.has_data:
        last = d.current.last_seen
        if last is None:
            return "Kindly has no data yet: no customer messages have been recorded for this workspace."
        if last < d.current.window.start:
            return (
                f"No customer messages were recorded {when}; the last one was on {last:%Y-%m-%d}. "
                "Was Kindly running and invited to your support channels?"
            )
        return f"No customer messages were recorded {when}: a quiet week, not necessarily a calm one."
    sentence = (
        f"{team.threads:,} customer thread{'s' if team.threads != 1 else ''} {when}; "
        f"{percent(team.frustrated_share)} had a frustrated customer"
    )
    if team.frustrated_threads:
        sentence += f", and {team.recovered_threads:,} of those {team.frustrated_threads:,} ended calmer"
    return sentence + "."


def changes(d: Digest) -> list[str]:
    """Team-wide movement against the previous week, or why there is nothing to compare."""
    now, before = d.team, d.previous.team
    if not d.current.has_data:
        return []
    if not d.previous.has_data:
        return [f"No data for {d.previous.window.iso_week} to compare with."]
    return [
        f"Customer messages: {_count_change(now.customer_messages, before.customer_messages)}",
        f"Threads with a frustrated customer: {_share_change(now.frustrated_share, before.frustrated_share)}",
        f"Recovered frustrated threads: {_share_change(now.recovery_share, before.recovery_share)}",
        "Median first reply, frustrated threads: "
        f"{_time_change(now.response_frustrated.median, before.response_frustrated.median)}",
        f"Curt replies to frustrated customers: {_count_change(now.curt_to_frustrated, before.curt_to_frustrated)}",
    ]


def check_ins(d: Digest, user: Callable[[str], str] = str) -> list[str]:
    """The compassion-fatigue watch: for the lead's eyes only, alphabetical, never a ranking.

    `user` formats an agent's ID (a Slack mention in the DM, the bare ID in a terminal).
    """
    return [
        f"{user(agent.user_id)} carried {agent.frustrated_threads} frustrated threads this week "
        f"(team median {agent.team_median:g}). A short check-in or a lighter queue for a few days "
        "helps prevent compassion fatigue."
        for agent in d.current.load
    ]


def suggestions(d: Digest, limit: int = 2) -> list[str]:
    """At most `limit` concrete suggestions drawn from the week, most useful first."""
    team, found = d.team, []
    frus, everyone = team.response_frustrated, team.response_all
    if frus.n >= 3 and frus.median and everyone.median and frus.median >= 1.5 * everyone.median:
        found.append(
            f"Frustrated threads waited {frus.median / everyone.median:.1f}x longer for a first reply "
            f"({duration(frus.median)} vs {duration(everyone.median)} median); consider a triage rotation "
            "that picks up frustrated threads first."
        )
    share = team.recovery_share
    if share is not None and team.frustrated_threads >= 4 and share < 0.5:
        found.append(
            f"Only {percent(share)} of frustrated threads ended calmer; a follow-up on the ones still open "
            "(“checking in: is this solved for you?”) often turns them around."
        )
    if team.curt_to_frustrated >= 2:
        found.append(
            f"{team.curt_to_frustrated} curt replies went to frustrated customers; a quick team refresher "
            "on validating phrases (`/kindly <situation>` suggests some) may help."
        )
    nudged = team.nudges
    if nudged.sent >= 5 and (nudged.not_helpful + nudged.muted) / nudged.sent >= 0.4:
        found.append(
            f"Agents marked {nudged.not_helpful} of {nudged.sent} nudges not helpful and muted "
            f"{nudged.muted}; the phrasebank may need a review with the team."
        )
    if d.current.top_cues and d.current.top_cues[0][0] in CUE_ADVICE:
        cue = d.current.top_cues[0][0]
        found.append(f"“{cue_label(cue)}” was the top frustration cue: {CUE_ADVICE[cue]}.")
    return found[:limit]


def cue_label(name: str) -> str:
    return name.replace("_", " ")
