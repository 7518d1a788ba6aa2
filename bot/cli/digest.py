"""`python -m bot digest`: print a week's digest, send due digests (cron), or purge old rows.

python -m bot digest --week 2026-W47 --print [--chart out.png] [--team T] [--tz Europe/Paris]
python -m bot digest send     # what the in-process scheduler runs; safe next to it
python -m bot digest purge    # delete rows older than KINDLY_RETENTION_DAYS
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Engine, select

from bot.config import ConfigError, Settings, load_settings
from bot.digest.week import iso_week_of, parse_iso_week, shift_week


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "digest",
        help="the team leads' weekly digest: print it, send due digests (cron), purge old rows",
        description="Print a week's digest in the terminal (default), or run one of the actions.",
    )
    parser.add_argument("--week", help="ISO week such as 2026-W47 (default: the last complete week)")
    parser.add_argument("--print", dest="print_text", action="store_true", help="print the digest (default)")
    parser.add_argument("--chart", metavar="PNG", type=Path, help="also write the week's chart to this file")
    parser.add_argument("--team", help="Slack team ID (default: the only team in the store)")
    parser.add_argument("--tz", default="UTC", help="time zone of the week's days (default: UTC)")
    parser.add_argument("--no-check-ins", action="store_true", help="leave out the lead-only check-in watch")
    parser.set_defaults(func=_print)
    actions = parser.add_subparsers(dest="digest_action", metavar="action")
    send = actions.add_parser("send", help="send every due, unclaimed digest now (for cron)")
    send.set_defaults(func=_send)
    purge = actions.add_parser("purge", help="delete rows older than KINDLY_RETENTION_DAYS")
    purge.set_defaults(func=_purge)


def _engine(settings: Settings) -> Engine:
    from bot.store.engine import make_engine
    from bot.store.migrations import migrate

    engine = make_engine(settings.database_url)
    migrate(engine)
    return engine


def _only_team(engine: Engine) -> str | None:
    from bot.store.schema import messages

    with engine.connect() as conn:
        teams = [r[0] for r in conn.execute(select(messages.c.team_id).distinct().limit(2))]
    if len(teams) > 1:
        raise ConfigError("the store holds several workspaces; choose one with --team")
    return teams[0] if teams else None


def _print(args: argparse.Namespace) -> int:
    from bot.digest.chart import chart_png
    from bot.digest.render import digest_terminal
    from bot.digest.report import build_digest
    from bot.slack_digest import workspace_settings

    try:
        tz = ZoneInfo(args.tz)
        week = args.week or shift_week(iso_week_of(datetime.now(UTC), tz), -1)
        parse_iso_week(week)
        settings = load_settings()
        engine = _engine(settings)
        team = args.team or _only_team(engine) or "-"
    except (ValueError, ConfigError, ZoneInfoNotFoundError) as exc:
        print(f"digest: {exc}", file=sys.stderr)
        return 2
    with engine.connect() as conn:
        channels = workspace_settings(settings, engine, team).channels  # saved in Slack, else KINDLY_CHANNELS
        digest = build_digest(conn, team, week, args.tz, watched_channels=channels)
    if args.print_text or not args.chart:
        sys.stdout.write(digest_terminal(digest, include_check_ins=not args.no_check_ins))
    if args.chart:
        args.chart.write_bytes(chart_png(digest))
        print(f"chart written to {args.chart}", file=sys.stderr)
    return 0


def _send(args: argparse.Namespace) -> int:
    from bot.slack_digest import send_due_digests, send_due_digests_everywhere
    from bot.webclient import KeepAliveWebClient

    try:
        settings = load_settings()
        if not settings.slack_bot_token and not settings.oauth_enabled:
            raise ConfigError("SLACK_BOT_TOKEN is required to send digests")
        engine = _engine(settings)
    except ConfigError as exc:
        print(f"digest send: {exc}", file=sys.stderr)
        return 2
    client = KeepAliveWebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url)
    if settings.oauth_enabled:  # every installed workspace, each with its own token and leads
        from bot.oauth import oauth_settings

        installations = oauth_settings(settings, engine).installation_store
        results = send_due_digests_everywhere(settings, client, engine, installations)
    else:
        results = send_due_digests(settings, client, engine)
    if not results:
        print("digest send: no leads: name them in Kindly's Settings in Slack, or in KINDLY_LEADS", file=sys.stderr)
        return 2
    for r in results:
        print(f"{r.lead_id}\t{r.iso_week or '-'}\t{r.outcome}")
    return 1 if any(r.outcome == "failed" for r in results) else 0


def _purge(args: argparse.Namespace) -> int:
    from bot.digest.retention import purge

    try:
        settings = load_settings()
        engine = _engine(settings)
    except ConfigError as exc:
        print(f"digest purge: {exc}", file=sys.stderr)
        return 2
    result = purge(engine, settings.retention_days, datetime.now(UTC))
    print(
        f"purged rows older than {result.cutoff:%Y-%m-%d %H:%M} UTC: {result.messages} messages, "
        f"{result.nudges} nudges, {result.digest_claims} digest claims"
    )
    return 0
