"""`python -m bot run` (the default): connect Kindly to Slack, by Socket Mode or over HTTP."""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Any

from bot.config import ConfigError, load_settings

log = logging.getLogger("bot.run")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "run",
        help="run the Slack app (Socket Mode if SLACK_APP_TOKEN is set, else HTTP on PORT)",
        description="Run Kindly. Configuration comes from the environment and .env (see .env.example).",
    )
    parser.add_argument("--port", type=int, help="HTTP port (overrides PORT)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        settings = load_settings()
        settings.require_slack_credentials()
        if settings.oauth_enabled and settings.socket_mode:
            raise ConfigError("SLACK_CLIENT_ID/SECRET (multi-workspace OAuth) need HTTP mode: unset SLACK_APP_TOKEN")
    except ConfigError as exc:
        print(f"kindly: configuration error: {exc}", file=sys.stderr)
        return 2
    from slack_sdk.errors import SlackApiError

    from bot.app import build_app, make_http_server
    from bot.logs import configure_logging

    configure_logging(settings)
    app, kindly = build_app(settings)
    if settings.oauth_enabled:
        return _serve_multi_workspace(app, kindly, settings, args)
    try:
        identity = app.client.auth_test()
    except SlackApiError as exc:
        error = exc.response.get("error") if hasattr(exc.response, "get") else None
        print(f"kindly: SLACK_BOT_TOKEN was refused by {settings.slack_api_url} ({error})", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"kindly: cannot reach SLACK_API_URL {settings.slack_api_url}: {exc}", file=sys.stderr)
        return 1
    log.info("connected as %s in team %s", identity.get("user_id"), identity.get("team_id"))
    from bot.slack_digest import start_digest_scheduler

    # Weekly digests and the daily retention purge run in this process; the database claim keeps
    # several processes from sending a lead the same week twice.
    scheduler = start_digest_scheduler(settings, app.client, kindly.store.engine, team_id=identity.get("team_id"))
    server = handler = None
    try:
        if settings.socket_mode:
            from slack_bolt.adapter.socket_mode import SocketModeHandler

            handler = SocketModeHandler(app, settings.slack_app_token)
        else:
            port = args.port if args.port is not None else settings.port
            server = make_http_server(app, port, kindly=kindly)
            log.info("HTTP mode: POST http://0.0.0.0:%d/slack/events", server.server_port)
            log.info("operators: GET /healthz and GET /metrics on the same port")
    except BaseException:
        scheduler.shutdown(wait=False)
        kindly.close()
        raise
    return _serve_until_stopped(app, kindly, server=server, socket_handler=handler, scheduler=scheduler)


def _serve_until_stopped(
    app: Any, kindly: Any, *, server: Any = None, socket_handler: Any = None, scheduler: Any = None
) -> int:
    """Serve until SIGTERM or SIGINT, then stop gracefully (bot/shutdown.py); a crash stops the same way."""
    from bot.shutdown import StopSignal, stop_gracefully

    stop = StopSignal()
    try:
        if server is not None:
            stop.install(then=server.shutdown)
            server.serve_forever()
        else:
            stop.install()
            socket_handler.connect()
            log.info("Socket Mode: no public URL needed")
            stop.wait()
    finally:
        stop_gracefully(
            app, kindly, server=server, socket_handler=socket_handler, scheduler=scheduler, cause=stop.received or "error"
        )
    return 0


def _serve_multi_workspace(app: Any, kindly: Any, settings: Any, args: argparse.Namespace) -> int:
    """OAuth mode: workspaces install through GET /slack/install; tokens come from the database.

    The digest scheduler serves every installed workspace: each one's leads (its saved
    settings) get its digest, sent with its own bot token, claimed once per team and lead.
    """
    from bot.app import make_http_server
    from bot.slack_digest import start_digest_scheduler

    port = args.port if args.port is not None else settings.port
    server = make_http_server(app, port, kindly=kindly)
    log.info("multi-workspace OAuth: install at GET http://0.0.0.0:%d/slack/install", server.server_port)
    log.info("HTTP mode: POST http://0.0.0.0:%d/slack/events", server.server_port)
    try:
        scheduler = start_digest_scheduler(
            settings, app.client, kindly.store.engine, installations=kindly.installation_store
        )
    except BaseException:
        server.server_close()
        kindly.close()
        raise
    return _serve_until_stopped(app, kindly, server=server, scheduler=scheduler)
