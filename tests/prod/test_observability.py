"""/healthz and /metrics in HTTP mode: what an operator's probe and Prometheus scrape see."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
from kindly_harness import AGENT, CUSTOMER, Running

from bot.devtools import payloads

ANGRY = "This is the THIRD time I'm asking. I've been waiting 3 days for my refund and nobody answers!!"


def get(running: Running, path: str) -> tuple[int, str, str]:
    url = running.url.removesuffix("/slack/events") + path
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return resp.status, resp.headers.get("Content-Type", ""), resp.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.headers.get("Content-Type", ""), err.read().decode()


def metric(exposition: str, name: str, **labels: str) -> float:
    """The value of one sample in Prometheus text format (0 when absent)."""
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))  # the exposition sorts labels
    for line in exposition.splitlines():
        if line.startswith(f"{name}{{{wanted}}} ") or (not labels and line.startswith(f"{name} ")):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_healthz_reports_database_and_phrasebank(running: Running) -> None:
    status, ctype, body = get(running, "/healthz")
    assert status == 200 and ctype == "application/json"
    health = json.loads(body)
    assert health["status"] == "ok" and health["database"] == "ok" and health["phrases"] > 20


def test_healthz_is_503_when_the_database_is_gone(running: Running) -> None:
    from sqlalchemy import create_engine

    real = running.kindly.store.engine
    running.kindly.store.engine = create_engine("sqlite:////nonexistent-dir/kindly.db")
    try:
        status, _, body = get(running, "/healthz")
    finally:
        running.kindly.store.engine = real
    assert status == 503 and json.loads(body) == {
        "status": "unavailable",
        "database": "unreachable",
        "phrases": len(running.kindly.suggester.browse()),
    }


def test_metrics_count_requests_nudges_errors_and_latency(running: Running) -> None:
    running.fake.fail("chat.postEphemeral", "error", error="channel_not_found", times=1)
    running.sender.event(payloads.envelope(payloads.message(CUSTOMER, ANGRY)))
    running.fake.wait_for("chat.postEphemeral", count=2)
    running.fake.settle()
    assert running.sender.form(payloads.command("help", user=AGENT)).status == 200
    status, ctype, text = get(running, "/metrics")
    assert status == 200 and ctype.startswith("text/plain")
    assert metric(text, "kindly_requests_handled_total", kind="event:message") == 1
    assert metric(text, "kindly_requests_handled_total", kind="command") == 1
    assert metric(text, "kindly_nudges_sent_total", kind="frustrated_customer") == 1  # two agents, one refused
    assert metric(text, "kindly_nudges_dropped_total", reason="channel_not_found") == 1
    assert metric(text, "kindly_web_api_errors_total", method="chat.postEphemeral", error="channel_not_found") == 1
    assert metric(text, "kindly_handler_latency_seconds_count", kind="command") == 1
    assert 'kindly_handler_latency_seconds_bucket{kind="event:message",le="+Inf"} 1.0' in text
    assert ANGRY not in text and "xoxb" not in text


def test_metrics_count_http_errors_and_rate_limits(running: Running) -> None:
    running.fake.fail("chat.postEphemeral", "500", times=2)
    running.fake.fail("users.info", "429", retry_after=0, times=1)
    running.sender.event(payloads.envelope(payloads.message(CUSTOMER, ANGRY)))
    running.fake.wait_for("chat.postEphemeral", count=3)
    running.fake.settle()
    _, _, text = get(running, "/metrics")
    assert metric(text, "kindly_web_api_errors_total", method="chat.postEphemeral", error="http_500") == 2


@pytest.mark.parametrize("path", ["/healthz", "/metrics"])
def test_operator_endpoints_answer_get_only(running: Running, path: str) -> None:
    request = urllib.request.Request(running.url.removesuffix("/slack/events") + path, data=b"x", method="POST")
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(request, timeout=5)
    assert err.value.code == 404
