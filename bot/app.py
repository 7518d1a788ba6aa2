"""Builds the Bolt app: one WebClient (honouring SLACK_API_URL), the core services, the listeners.

`build_app` is what `python -m bot run`, the demo and the end-to-end tests all call, so the
code under test is the code that runs. `serve_http` and `serve_socket_mode` are the two ways
to connect it to Slack.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from slack_bolt import App, BoltContext, BoltRequest, BoltResponse
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.middleware import Middleware
from slack_sdk import WebClient
from slack_sdk.http_retry import ConnectionErrorRetryHandler
from slack_sdk.http_retry.builtin_handlers import ServerErrorRetryHandler
from slack_sdk.oauth.installation_store import InstallationStore

from bot.agents import Workspaces, defaults_from
from bot.backlog import Backlog
from bot.config import Settings
from bot.delivery import Deferred, NudgeSender, ShortRateLimitRetryHandler
from bot.guard import RefuseMalformed
from bot.observability import METRICS_CONTENT_TYPE, Metrics, WebApiObserver, check_health, observe_requests
from bot.store import Store
from bot.suggestions import Suggester
from bot.watcher import Watcher
from bot.webclient import KeepAliveWebClient

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
METRICS_PATH = "/metrics"
OAUTH_PATHS = ("/slack/install", "/slack/oauth_redirect")
MAX_BODY_BYTES = 1_000_000  # Slack's payloads are far smaller; a bigger body is refused unread
_BOLT_OAUTH_ENV = ("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET")


@dataclass
class Kindly:
    """Everything a listener needs, handed to it through the Bolt context (`deps(context)`)."""

    settings: Settings
    store: Store
    directory: Workspaces  # per team: its agents, agent group, leads and watched channels
    suggester: Suggester
    watcher: Watcher
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    installation_store: InstallationStore | None = None  # OAuth mode: each workspace's bot token and installer
    metrics: Metrics = field(default_factory=Metrics)
    deferred: Deferred = field(default_factory=Deferred)
    nudge_sender: NudgeSender | None = None

    def __post_init__(self) -> None:
        if self.nudge_sender is None:
            self.nudge_sender = NudgeSender(
                self.deferred,
                on_sent=lambda kind: self.metrics.nudges.labels(kind).inc(),
                on_dropped=lambda reason: self.metrics.nudges_dropped.labels(reason).inc(),
            )

    def close(self) -> None:
        """Deferred nudges still waiting are given up first: their records go while the store is open.
        Records kept through a database outage get one last try."""
        self.deferred.drain(0.0)
        if self.watcher.backlog is not None:
            self.watcher.backlog.stop()
        self.store.close()


def deps(context: BoltContext) -> Kindly:
    kindly: Kindly = context["kindly"]
    return kindly


def build_client(settings: Settings, metrics: Metrics | None = None) -> WebClient:
    """The Web API client every call goes through: SLACK_API_URL, retries for 429/5xx/connection.

    A 429 is retried in the calling thread only for a short Retry-After; nudges that meet a
    longer one are deferred by `bot.delivery`, so no listener thread sleeps for long.
    """
    observer = [WebApiObserver(metrics)] if metrics is not None else []
    return KeepAliveWebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=10,
        retry_handlers=[
            *observer,  # counts every failed attempt; never retries itself
            ConnectionErrorRetryHandler(max_retry_count=1),
            ShortRateLimitRetryHandler(max_retry_count=1),
            ServerErrorRetryHandler(max_retry_count=1),
        ],
    )


def bolt_logger() -> logging.Logger:
    """Bolt copies this logger's level onto its middleware. At WARNING, the request-verification
    middleware cannot log a refused request's body (message text) at INFO. slack_sdk logs every
    request and response body at DEBUG, so it is held at INFO (DESIGN.md invariant 2)."""
    for name in ("slack_sdk", "slack_bolt"):
        library = logging.getLogger(name)
        if library.level < logging.INFO:  # NOTSET too: a later DEBUG root must not reach it
            library.setLevel(logging.INFO)
    logger = logging.getLogger("bot.bolt")
    logger.setLevel(logging.WARNING)
    return logger


def group_fetcher(client: WebClient) -> Callable[[str], list[str]]:
    def fetch(group_id: str) -> list[str]:
        return list(client.usergroups_users_list(usergroup=group_id).get("users") or [])

    return fetch


def build_app(
    settings: Settings,
    *,
    store: Store | None = None,
    suggester: Suggester | None = None,
    clock: Callable[[], datetime] | None = None,
) -> tuple[App, Kindly]:
    """Wire settings, store and core into a Bolt App with every listener registered."""
    from bot.listeners import register_listeners
    from bot.slack_digest import team_client
    from bot.store import workspaces

    metrics = Metrics()
    client = build_client(settings, metrics)
    store = store or Store.open(settings.database_url)
    oauth = None
    if settings.oauth_enabled:
        from bot.oauth import oauth_settings

        oauth = oauth_settings(settings, store.engine)
        if settings.agents or settings.agent_group or settings.leads or settings.channels:
            log.warning("KINDLY_AGENTS/AGENT_GROUP/LEADS/CHANNELS are ignored in OAuth mode: each workspace sets its own")
    installations = oauth.installation_store if oauth is not None else None

    def fetch_group(team_id: str, group_id: str) -> list[str]:
        """A team's agent group, read with that team's token (OAuth) or the one bot token."""
        team = client if installations is None else team_client(client, installations, team_id)
        if team is None:
            raise LookupError("workspace not installed")
        return group_fetcher(team)(group_id)

    directory = Workspaces(lambda team_id: workspaces.load(store.engine, team_id), defaults_from(settings), fetch_group)
    suggester = suggester or Suggester(settings.phrasebank_dir)
    now = clock or (lambda: datetime.now(UTC))
    backlog = Backlog(store, on_dropped=metrics.records_dropped.inc)
    metrics.records_waiting.set_function(backlog.pending)
    watcher = Watcher(settings, store, directory, suggester, clock=now, backlog=backlog)
    kindly = Kindly(
        settings, store, directory, suggester, watcher, clock=now, metrics=metrics, installation_store=installations
    )
    with _bolt_env_hidden():
        app = App(
            client=client,
            oauth_settings=oauth,  # None: single-workspace, the client's SLACK_BOT_TOKEN
            signing_secret=settings.slack_signing_secret or "",
            # Socket Mode requests are not signed; every HTTP request is (DESIGN.md invariant 4).
            request_verification_enabled=not settings.socket_mode,
            token_verification_enabled=False,  # `run` checks the token itself, with a readable error
            logger=bolt_logger(),
            ignoring_self_events_enabled=True,
            before_authorize=RefuseMalformed(),  # runs right after the signature check
        )

    app.use(_Inject(kindly))
    app.use(observe_requests(metrics))
    register_listeners(app)
    if oauth is not None:
        app.enable_token_revocation_listeners()  # app_uninstalled / tokens_revoked drop the workspace's tokens
    return app, kindly


class _Inject(Middleware):
    """Puts the `Kindly` services into each request's context (`deps(context)` reads them back).

    A `Middleware` subclass: Bolt builds a function middleware's keyword arguments for every
    request, a cost this one-line step does not need to pay.
    """

    def __init__(self, kindly: Kindly) -> None:
        self.kindly = kindly

    def process(self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]) -> BoltResponse | None:
        req.context["kindly"] = self.kindly
        return next()


@contextmanager
def _bolt_env_hidden() -> Iterator[None]:
    """Bolt switches to OAuth on its own when SLACK_CLIENT_ID/SECRET are in the environment, with
    file-based stores; Kindly decides from its settings and passes its own database stores."""
    saved = {name: os.environ.pop(name) for name in _BOLT_OAUTH_ENV if name in os.environ}
    try:
        yield
    finally:
        os.environ.update(saved)


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    # socketserver's default listen backlog is 5: a burst of Slack deliveries overflowed it and
    # waited for TCP's one-second SYN retry (or failed); the kernel caps this at somaxconn anyway.
    request_queue_size = 512


class _QuietHandler(WSGIRequestHandler):
    """Logs method, path and status at DEBUG; never a body."""

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("http %s", format % args)


def _content_length(environ: dict[str, Any]) -> int | None:
    try:
        return int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None


def _discard(environ: dict[str, Any], length: int, limit: int = 32 * MAX_BODY_BYTES) -> None:
    """Read and drop a refused body so the client sees the answer, not a reset (up to a limit)."""
    stream, left = environ["wsgi.input"], min(length, limit)
    while left > 0:
        chunk = stream.read(min(left, 65536))
        if not chunk:
            return
        left -= len(chunk)


def _operator_endpoint(kindly: Kindly, path: str, start_response: Callable[..., Any]) -> list[bytes]:
    """GET /healthz (database reachable, phrasebank loaded) and GET /metrics (Prometheus text)."""
    if path == METRICS_PATH:
        start_response("200 OK", [("Content-Type", METRICS_CONTENT_TYPE)])
        return [kindly.metrics.exposition()]
    health = check_health(kindly.store.engine, lambda: len(kindly.suggester.browse()))
    start_response("200 OK" if health.ok else "503 Service Unavailable", [("Content-Type", "application/json")])
    return [json.dumps(health.as_json()).encode() + b"\n"]


def make_http_server(app: App, port: int, host: str = "0.0.0.0", kindly: Kindly | None = None) -> WSGIServer:
    """A threaded WSGI server answering POST /slack/events (events, commands, interactivity),
    and, given `kindly`, GET /healthz and GET /metrics for operators."""
    bolt = SlackRequestHandler(app)

    def wsgi(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        path, method = environ.get("PATH_INFO"), environ.get("REQUEST_METHOD")
        if kindly is not None and path in (HEALTH_PATH, METRICS_PATH) and method in ("GET", "HEAD"):
            return _operator_endpoint(kindly, str(path), start_response)
        if app.oauth_flow is not None and method == "GET" and path in OAUTH_PATHS:
            return bolt(environ, start_response)  # "Add to Slack" page and the install redirect
        if path != EVENTS_PATH:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found: Kindly answers POST /slack/events\n"]
        if method != "POST":
            start_response("405 Method Not Allowed", [("Content-Type", "text/plain"), ("Allow", "POST")])
            return [b"POST only\n"]
        length = _content_length(environ)
        if length is None or length > MAX_BODY_BYTES:
            log.warning("request body too large, refused (%s bytes)", environ.get("CONTENT_LENGTH") or "?")
            _discard(environ, length or 0)
            start_response("413 Content Too Large", [("Content-Type", "text/plain")])
            return [b"request body too large\n"]
        try:
            return bolt(environ, start_response)
        except (ValueError, RecursionError, AttributeError, TypeError, KeyError, IndexError) as exc:
            # Bolt parses the body (and trusts its shape) before it verifies the signature, so anyone
            # can send these: not JSON, nested past the parser's depth, JSON that is not an object...
            # Listener errors never get here (Bolt catches them), so this is always a parse failure.
            log.warning(
                "malformed request body refused (%s bytes, %s)", environ.get("CONTENT_LENGTH") or "?", type(exc).__name__
            )
            start_response("400 Bad Request", [("Content-Type", "text/plain")])
            return [b"malformed request\n"]

    return make_server(host, port, wsgi, server_class=_ThreadingWSGIServer, handler_class=_QuietHandler)


def serve_http_in_thread(
    app: App, port: int = 0, host: str = "127.0.0.1", kindly: Kindly | None = None
) -> tuple[WSGIServer, str]:
    """Start the HTTP server in the background (tests, demo); returns it and its events URL."""
    server = make_http_server(app, port, host, kindly)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="kindly-http", daemon=True).start()
    return server, f"http://{host}:{server.server_port}{EVENTS_PATH}"
