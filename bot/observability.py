"""Prometheus metrics and the health check, for operators of the HTTP mode.

Each app gets its own registry (tests build many apps in one process). Web API outcomes are
observed by a retry handler that never retries: slack_sdk consults retry handlers on every
response and every connection error, and Bolt copies them into each per-request client, so
this sees every call any listener, the digest or the deferred sender makes. Labels carry
method names, event types and Slack error codes only, never text or tokens.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from slack_bolt import BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware
from slack_sdk.http_retry import RetryHandler, RetryState
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from sqlalchemy import text

log = logging.getLogger(__name__)

METRICS_CONTENT_TYPE = CONTENT_TYPE_LATEST
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


@dataclass
class Metrics:
    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self) -> None:
        self.requests = Counter(
            "kindly_requests_handled", "Slack requests handled, by kind (event type, command, action...)",
            ["kind"], registry=self.registry,
        )  # fmt: skip
        self.nudges = Counter("kindly_nudges_sent", "Nudges Slack accepted, by kind", ["kind"], registry=self.registry)
        self.nudges_dropped = Counter(
            "kindly_nudges_dropped", "Nudges given up on, by reason", ["reason"], registry=self.registry
        )
        self.api_errors = Counter(
            "kindly_web_api_errors", "Failed Web API attempts, by method and error (HTTP status or Slack error code)",
            ["method", "error"], registry=self.registry,
        )  # fmt: skip
        self.latency = Histogram(
            "kindly_handler_latency_seconds", "Time from a request's arrival to Kindly's answer to Slack, by kind",
            ["kind"], buckets=LATENCY_BUCKETS, registry=self.registry,
        )  # fmt: skip
        self.records_waiting = Gauge(
            "kindly_records_waiting", "Message records kept in memory while the database is unavailable",
            registry=self.registry,
        )  # fmt: skip
        self.records_dropped = Counter(
            "kindly_records_dropped", "Message records lost because the outage backlog was full", registry=self.registry
        )

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


def request_kind(body: dict[str, Any]) -> str:
    """A low-cardinality label for a request: the event type, `command`, or the payload type."""
    if body.get("command"):
        return "command"
    event = body.get("event")
    if isinstance(event, dict):
        return f"event:{str(event.get('type') or 'unknown')[:40]}"
    return str(body.get("type") or "unknown")[:40]


class ObserveRequests(Middleware):
    """Bolt middleware: count each verified request and time it until Bolt answers Slack.

    A `Middleware` subclass rather than a function: Bolt builds a function middleware's
    keyword arguments anew for every request, which this needs none of.
    """

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    def process(self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]) -> BoltResponse | None:
        body = req.body
        kind = request_kind(body) if isinstance(body, dict) else "unknown"
        started = time.perf_counter()
        try:
            return next()
        finally:
            self.metrics.requests.labels(kind).inc()
            self.metrics.latency.labels(kind).observe(time.perf_counter() - started)


def observe_requests(metrics: Metrics) -> ObserveRequests:
    """The request-observing middleware for `metrics` (see `ObserveRequests`)."""
    return ObserveRequests(metrics)


class WebApiObserver(RetryHandler):
    """Counts failed Web API attempts; never asks for a retry (the real handlers come after it)."""

    def __init__(self, metrics: Metrics) -> None:
        super().__init__(max_retry_count=0)
        self.metrics = metrics

    def can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        """Called for every attempt's outcome (the base class would stop calling at max_retry_count)."""
        method = request.url.rsplit("/", 1)[-1].split("?", 1)[0][:60] or "unknown"
        if response is None:
            self.metrics.api_errors.labels(method, type(error).__name__ if error else "unknown").inc()
        elif response.status_code != 200:
            self.metrics.api_errors.labels(method, f"http_{response.status_code}").inc()
        elif isinstance(response.body, dict) and response.body.get("ok") is False:
            self.metrics.api_errors.labels(method, str(response.body.get("error") or "unknown")[:60]).inc()
        return False


@dataclass(frozen=True)
class Health:
    ok: bool
    database: str
    phrases: int

    def as_json(self) -> dict[str, Any]:
        return {"status": "ok" if self.ok else "unavailable", "database": self.database, "phrases": self.phrases}


def check_health(engine: Any, phrase_count: Callable[[], int]) -> Health:
    """The database answers a trivial query and the phrasebank has phrases."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        database = "ok"
    except Exception as exc:  # any driver error means "not reachable" to a health check
        log.warning("health check: database unreachable (%s)", type(exc).__name__)
        database = "unreachable"
    try:
        phrases = phrase_count()
    except Exception as exc:
        log.warning("health check: phrasebank unavailable (%s)", type(exc).__name__)
        phrases = 0
    return Health(database == "ok" and phrases > 0, database, phrases)
