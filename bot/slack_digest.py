"""Slack delivery of the weekly digest: the one code path behind the scheduler, cron and /kindly.

`send_due_digests` is what both the in-process scheduler and `python -m bot digest send` run:
for each of the workspace's leads whose local send time this week has passed, claim the previous
week in the database (exactly once, across processes and restarts), build the digest, DM it and
upload the chart. Every Slack or database failure is logged and survived (invariant 7).

Leads and watched channels are the workspace's settings (saved by an admin in Slack; else, in
single-workspace mode, KINDLY_LEADS/KINDLY_CHANNELS). In OAuth mode `send_due_digests_everywhere`
walks every installed workspace and sends with that workspace's own bot token.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.oauth.installation_store import InstallationStore
from sqlalchemy import Engine, select

from bot.agents import defaults_from
from bot.config import Settings
from bot.digest import claims
from bot.digest.chart import chart_png
from bot.digest.render import digest_blocks, digest_text
from bot.digest.report import Digest, build_digest
from bot.digest.retention import purge
from bot.digest.schedule import DigestSchedule
from bot.digest.week import iso_week_of
from bot.store import workspaces
from bot.store.workspaces import WorkspaceSettings
from bot.webclient import keep_alive

log = logging.getLogger(__name__)

TICK_MINUTES = 5
REFUSAL = (
    "Thanks for asking! The weekly digest is for team leads only. If you lead this support team, "
    "ask a workspace admin to add you as a lead in Kindly's Settings (the Settings button on Kindly's Home tab)."
)
UNAVAILABLE = "Sorry, the digest could not be computed just now. Please try again in a few minutes."


@dataclass(frozen=True)
class SendResult:
    lead_id: str
    iso_week: str | None
    outcome: str  # "sent" | "not_due" | "already_claimed" | "failed"
    team_id: str | None = None


class _ZoneCache:
    """Leads' time zones from users.info, cached for a day (users.info is rate-limited)."""

    def __init__(self, ttl: timedelta = timedelta(hours=24)) -> None:
        self._ttl = ttl
        self._zones: dict[str, tuple[ZoneInfo, datetime]] = {}
        self._lock = threading.Lock()

    def get(self, client: WebClient, user_id: str, now: datetime) -> ZoneInfo:
        with self._lock:
            hit = self._zones.get(user_id)
        if hit and now - hit[1] < self._ttl:
            return hit[0]
        zone = ZoneInfo("UTC")
        try:
            name = client.users_info(user=user_id)["user"].get("tz") or "UTC"
            zone = ZoneInfo(str(name))
        except (SlackApiError, ZoneInfoNotFoundError, KeyError, ValueError, OSError) as exc:
            log.warning("digest: no time zone for %s (%s); using UTC", user_id, exc)
            return zone  # not cached: try again next tick
        with self._lock:
            self._zones[user_id] = (zone, now)
        return zone


_zones = _ZoneCache()


def lead_timezone(client: WebClient, user_id: str, now: datetime | None = None) -> ZoneInfo:
    """The lead's IANA time zone from users.info (UTC when Slack cannot tell us)."""
    return _zones.get(client, user_id, now or datetime.now(UTC))


def deliver(client: WebClient, lead_id: str, digest: Digest, chart: bytes | None) -> str:
    """DM the digest and upload its chart; returns the DM channel ID.

    Raises when the message itself could not be posted. A failed chart upload is only logged:
    the digest already arrived, and sending it again would break "exactly once".
    """
    channel = str(client.conversations_open(users=lead_id)["channel"]["id"])
    client.chat_postMessage(channel=channel, text=digest_text(digest), blocks=digest_blocks(digest))
    if chart:
        try:
            client.files_upload_v2(
                channel=channel,
                file=chart,
                filename=f"kindly-digest-{digest.iso_week}.png",
                title=f"Frustrated vs recovered threads, {digest.iso_week}",
                alt_txt="Bar chart of frustrated and recovered threads for each day of the week",
            )
        except Exception as exc:  # SlackApiError, or the raw upload failing
            log.warning("digest: chart upload to %s failed: %s", lead_id, exc)
    return channel


def send_digest(
    settings: Settings,
    client: WebClient,
    engine: Engine,
    *,
    team_id: str,
    lead_id: str,
    iso_week: str,
    tz: ZoneInfo,
    now: datetime,
) -> str:
    """Claim, build and deliver one lead's digest for one week; returns the outcome.

    Only a definite refusal from Slack (or a failure before posting) marks the claim "failed",
    which lets a later tick retry. A network error while posting leaves it "claimed": the
    message may have arrived, and a lead getting it twice is worse than a missing one.
    """
    if not claims.claim(engine, team_id, lead_id, iso_week, now):
        return "already_claimed"
    try:
        channels = workspace_settings(settings, engine, team_id).channels
        with engine.connect() as conn:
            digest = build_digest(conn, team_id, iso_week, str(tz), watched_channels=channels)
    except Exception:
        log.exception("digest: building %s for %s failed", iso_week, lead_id)
        _mark(engine, team_id, lead_id, iso_week, "failed", now)
        return "failed"
    try:
        chart: bytes | None = chart_png(digest)
    except Exception:  # a chart is a nice-to-have; the figures still go out
        log.exception("digest: chart rendering failed for %s %s", lead_id, iso_week)
        chart = None
    try:
        deliver(client, lead_id, digest, chart)
    except SlackApiError as exc:
        log.warning("digest: Slack refused %s for %s: %s; will retry later", iso_week, lead_id, exc)
        _mark(engine, team_id, lead_id, iso_week, "failed", now)
        return "failed"
    except Exception:
        log.exception("digest: %s for %s may or may not have arrived; not retrying", iso_week, lead_id)
        return "failed"
    _mark(engine, team_id, lead_id, iso_week, "sent", datetime.now(UTC))
    return "sent"


def _mark(engine: Engine, team_id: str, lead_id: str, iso_week: str, status: str, now: datetime) -> None:
    try:
        claims.mark(engine, team_id, lead_id, iso_week, status, now)
    except Exception:  # the claim row stays "claimed": never sent twice, which is the safe side
        log.exception("digest: could not mark %s for %s as %s", iso_week, lead_id, status)


def workspace_team_id(client: WebClient) -> str:
    """The bot token's workspace (single-workspace mode)."""
    return str(client.auth_test()["team_id"])


def workspace_settings(settings: Settings, engine: Engine, team_id: str) -> WorkspaceSettings:
    """The team's saved leads and channels, else the environment's (single-workspace mode only)."""
    return workspaces.resolve(engine, team_id, defaults_from(settings))


def team_client(
    base: WebClient, installations: InstallationStore, team_id: str, enterprise_id: str | None = None
) -> WebClient | None:
    """A client like `base` (API URL, timeout, retries) holding the team's installed bot token; None if not installed."""
    bot = installations.find_bot(enterprise_id=enterprise_id, team_id=team_id)
    if bot is None or not bot.bot_token:
        return None
    return keep_alive(base, token=bot.bot_token)


def installed_teams(installations: InstallationStore) -> list[tuple[str | None, str]]:
    """(enterprise_id, team_id) of every installed workspace. slack_sdk's stores cannot list
    installations, so this reads the SQLAlchemy store's `slack_bots` table (newest row per team)."""
    bots = getattr(installations, "bots", None)
    engine = getattr(installations, "engine", None)
    if bots is None or engine is None:
        raise TypeError("listing workspaces needs slack_sdk's SQLAlchemyInstallationStore")
    client_id = getattr(installations, "client_id", None)
    query = select(bots.c.enterprise_id, bots.c.team_id).where(bots.c.client_id == client_id).distinct()
    with engine.connect() as conn:
        rows = {(r.enterprise_id or None, str(r.team_id)) for r in conn.execute(query) if r.team_id}
    return sorted(rows, key=lambda r: (r[1], r[0] or ""))


def send_due_digests_everywhere(
    settings: Settings,
    client: WebClient,
    engine: Engine,
    installations: InstallationStore,
    *,
    now: datetime | None = None,
    schedule: DigestSchedule | None = None,
) -> list[SendResult]:
    """OAuth mode: each installed workspace's due digests, to its own leads, with its own token."""
    now = now or datetime.now(UTC)
    schedule = schedule or DigestSchedule.from_env(settings.extra)
    results: list[SendResult] = []
    for enterprise_id, team_id in installed_teams(installations):
        try:
            team = team_client(client, installations, team_id, enterprise_id)
            if team is None:
                continue  # uninstalled since the listing
            results.extend(send_due_digests(settings, team, engine, team_id=team_id, now=now, schedule=schedule))
        except Exception:  # one workspace's trouble never holds up the others
            log.exception("digest: workspace %s skipped this tick", team_id)
    return results


def send_due_digests(
    settings: Settings,
    client: WebClient,
    engine: Engine,
    *,
    team_id: str | None = None,
    now: datetime | None = None,
    schedule: DigestSchedule | None = None,
) -> list[SendResult]:
    """Send every digest that is due and not yet claimed. Safe to run from many processes."""
    now = now or datetime.now(UTC)
    schedule = schedule or DigestSchedule.from_env(settings.extra)
    results: list[SendResult] = []
    try:
        team = team_id or workspace_team_id(client)
    except Exception as exc:  # SlackApiError, or the network: try again next tick
        log.warning("digest: auth.test failed, nothing sent this tick: %s", exc)
        return [SendResult(lead, None, "failed") for lead in sorted(defaults_from(settings).leads)]
    for lead in sorted(workspace_settings(settings, engine, team).leads):
        week: str | None = None
        try:
            tz = lead_timezone(client, lead, now)
            week = schedule.due_week(now, tz)
            if week is None:
                results.append(SendResult(lead, None, "not_due", team))
                continue
            if claims.is_settled(engine, team, lead, week, now):
                results.append(SendResult(lead, week, "already_claimed", team))
                continue
            outcome = send_digest(settings, client, engine, team_id=team, lead_id=lead, iso_week=week, tz=tz, now=now)
            results.append(SendResult(lead, week, outcome, team))
        except Exception:
            log.exception("digest: lead %s skipped this tick", lead)
            results.append(SendResult(lead, week, "failed", team))
    return results


def digest_for_command(
    user_id: str,
    team_id: str,
    settings: Settings,
    engine: Engine,
    *,
    client: WebClient | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """`/kindly digest`: this week so far for a lead, a polite refusal for anyone else.

    Returns keyword arguments for `respond(**reply)` (always ephemeral). With `client`, the
    week follows the lead's time zone from users.info; without it, UTC.
    """
    try:
        workspace = workspace_settings(settings, engine, team_id)
    except Exception:  # a database error is logged and survived (invariant 7)
        log.exception("digest: /kindly digest for %s failed", user_id)
        return {"response_type": "ephemeral", "text": UNAVAILABLE}
    if user_id not in workspace.leads:
        return {"response_type": "ephemeral", "text": REFUSAL}
    now = now or datetime.now(UTC)
    tz = lead_timezone(client, user_id, now) if client is not None else ZoneInfo("UTC")
    week = iso_week_of(now, tz)
    try:
        with engine.connect() as conn:
            digest = build_digest(conn, team_id, week, str(tz), watched_channels=workspace.channels, now=now)
    except Exception:  # a database error is logged and survived (invariant 7)
        log.exception("digest: /kindly digest for %s failed", user_id)
        return {"response_type": "ephemeral", "text": UNAVAILABLE}
    return {"response_type": "ephemeral", "text": digest_text(digest), "blocks": digest_blocks(digest)}


def _guarded(name: str, job: Callable[[], object]) -> Callable[[], None]:
    def run() -> None:
        try:
            job()
        except Exception:  # a scheduler thread must never die on one bad tick
            log.exception("digest: scheduled %s failed", name)

    return run


def start_digest_scheduler(
    settings: Settings,
    client: WebClient,
    engine: Engine,
    *,
    team_id: str | None = None,
    installations: InstallationStore | None = None,
    tick_minutes: int = TICK_MINUTES,
) -> Any:
    """Start a background APScheduler that sends due digests every few minutes and purges daily.

    With `installations` (OAuth mode) each tick serves every installed workspace with its own
    token; without, the one workspace of `client`'s token. The first tick runs at once, which is
    the catch-up after a restart. Returns the running `BackgroundScheduler`; call
    `.shutdown(wait=False)` on exit.
    """
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.triggers.interval import IntervalTrigger

    schedule = DigestSchedule.from_env(settings.extra)  # fail at start on a bad KINDLY_DIGEST_* value
    now = datetime.now(UTC)
    scheduler = BackgroundScheduler(timezone=UTC)

    def tick() -> list[SendResult]:
        if installations is not None:
            return send_due_digests_everywhere(settings, client, engine, installations, schedule=schedule)
        return send_due_digests(settings, client, engine, team_id=team_id, schedule=schedule)

    scheduler.add_job(
        _guarded("digest", tick),
        IntervalTrigger(minutes=tick_minutes),
        id="kindly-digest",
        next_run_time=now,
        max_instances=1,
        coalesce=True,
    )
    scheduler.add_job(
        _guarded("retention", lambda: purge(engine, settings.retention_days, datetime.now(UTC))),
        IntervalTrigger(hours=24),
        id="kindly-retention",
        next_run_time=now + timedelta(minutes=1),
        max_instances=1,
        coalesce=True,
    )
    scheduler.start()
    where = "every installed workspace" if installations is not None else f"{len(settings.leads)} leads from the environment"
    log.info("digest scheduler started: %s (or their saved settings), tick %s min", where, tick_minutes)
    return scheduler
