"""Hostile input to POST /slack/events: malformed, mistyped, incomplete, huge, unknown, replayed, forged.

Every input goes over real HTTP to the real app (loopback only, a fixed seed, a bounded count).
No answer may be a 500 or carry a stack trace, no listener may raise, a forged or stale request
gets 401, and afterwards the app still answers a slash command and nudges as before.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pytest
from kindly_harness import AGENT, CUSTOMER, SECRET, Running
from slack_sdk.signature import SignatureVerifier

from bot.devtools import payloads

ANGRY = "This is the THIRD time I'm asking. I've been waiting 3 days for my refund and nobody answers!!"
JSON, FORM = "application/json", "application/x-www-form-urlencoded"
ODD_VALUES: list[Any] = [
    None,
    0,
    -1,
    1.5,
    True,
    [],
    {},
    ["C1"],
    {"id": "C1"},
    "",
    "\x00",
    "x" * 5000,
    "<!channel>",
    "😡" * 50,
]
HOSTILE_TEXTS = [
    "\x00\x01\x02",
    "\u202e\u202dRTL",
    "Z̷̧̛͓a̸l̴g̶o̵" * 200,
    "a" * 200_000,
    "<@U1>" * 2000,
    "\ud800".encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
]


@dataclass(frozen=True)
class Hostile:
    category: str
    body: str | bytes
    content_type: str = JSON
    signed: bool = True  # signed with the right secret and a fresh timestamp
    signature: str | None = None
    timestamp: int | None = None
    expect: tuple[int, ...] = (200, 400, 404, 413)


def valid_envelope(rng: random.Random) -> dict[str, Any]:
    return payloads.envelope(payloads.message(CUSTOMER, ANGRY, channel=f"CFUZZ{rng.randrange(1000)}"))


def mutations(rng: random.Random) -> Iterator[Hostile]:
    base = json.dumps(valid_envelope(rng))
    for _ in range(60):  # truncated, spliced and garbage JSON
        cut = rng.randrange(1, len(base))
        yield Hostile("malformed json", base[:cut])
        yield Hostile("malformed json", base[:cut] + base[rng.randrange(len(base)) :])
    yield Hostile("malformed json", bytes(rng.randrange(256) for _ in range(300)))
    yield Hostile("malformed json", b'\xff\xfe{"type": "event_callback"}')
    yield Hostile("malformed json", "[" * 100_000 + "]" * 100_000)  # nesting deeper than the parser's recursion limit
    yield Hostile("malformed json", "")
    for value in ("null", "1", '"str"', "[]", "true", "[{}]"):
        yield Hostile("wrong top-level type", value)
    envelope_keys = [
        "type",
        "team_id",
        "event_id",
        "event",
        "authorizations",
        "api_app_id",
        "event_time",
        "is_ext_shared_channel",
    ]
    event_keys = [
        "type",
        "channel",
        "user",
        "text",
        "ts",
        "thread_ts",
        "channel_type",
        "subtype",
        "team",
        "user_team",
        "bot_id",
    ]
    for key in envelope_keys:
        for value in ODD_VALUES:
            env = valid_envelope(rng)
            env[key] = value
            yield Hostile("wrong type (envelope)", json.dumps(env))
    for key in event_keys:
        for value in ODD_VALUES:
            env = valid_envelope(rng)
            env["event"][key] = value
            yield Hostile("wrong type (event)", json.dumps(env))
    for key in envelope_keys:
        env = valid_envelope(rng)
        del env[key]
        yield Hostile("missing field", json.dumps(env))
    for key in event_keys[:6]:
        env = valid_envelope(rng)
        env["event"].pop(key, None)
        yield Hostile("missing field", json.dumps(env))
    for kind in (
        "reaction_added",
        "app_mention",
        "member_joined_channel",
        "tokens_revoked",
        "x" * 300,
        "",
        "message.channels",
    ):
        env = valid_envelope(rng)
        env["event"]["type"] = kind
        yield Hostile("unknown event type", json.dumps(env))
    for kind in ("app_rate_limited", "interactive_message", "no_such_type"):
        yield Hostile("unknown envelope type", json.dumps({"type": kind, "team_id": "T1", "minute_rate_limited": 1}))
    for text in HOSTILE_TEXTS:
        env = valid_envelope(rng)
        env["event"]["text"] = text
        yield Hostile("hostile text", json.dumps(env))
    for size in (900_000, 1_500_000, 12_000_000):  # under the limit (parsed), and two over it (refused unread)
        env = valid_envelope(rng)
        env["event"]["text"] = "x " * (size // 2)
        yield Hostile("huge body", json.dumps(env))
    command = payloads.command("help", user=AGENT)
    for key in list(command):
        for value in ("", "\x00", "x" * 3000, "<!channel>"):
            yield Hostile("form: odd command field", urlencode({**command, key: value}), FORM)
    for raw in (
        "payload=%7Bbad",
        "payload=null",
        "payload=1",
        "payload=%5B%5D",
        "payload=" + "%7B" * 5000,
        "a=b&&&=",
        "%%%",
    ):
        yield Hostile("form: malformed payload", raw, FORM)
    action = payloads.block_action("kindly_use", "1:phrase", user=AGENT)
    for key in ("actions", "user", "container", "team", "channel"):
        for value in (None, [], {}, "x", 1):
            yield Hostile("form: mistyped interaction", urlencode({"payload": json.dumps({**action, key: value})}), FORM)
    for ctype in ("text/plain", "application/xml", "", "multipart/form-data; boundary=x"):
        yield Hostile("wrong content type", base, ctype)
    # forged: wrong secret, random signatures, signature of another body, missing or odd headers
    for _ in range(20):
        sig = "v0=" + "".join(rng.choice("0123456789abcdef") for _ in range(64))
        yield Hostile("forged signature", base, signature=sig, expect=(401,))
    other = SignatureVerifier("not-the-secret")
    now = str(int(time.time()))
    yield Hostile("forged signature", base, signature=other.generate_signature(timestamp=now, body=base), expect=(401,))
    good_for_other_body = SignatureVerifier("x").generate_signature(timestamp=now, body="{}")
    for sig in ("", "v0=", "v1=abc", "sha256=abc", good_for_other_body, "v0=" + "g" * 64):
        yield Hostile("forged signature", base, signature=sig or "none", expect=(401,))
    # replayed: a correctly signed body whose timestamp is outside the five-minute window
    for age in (301, 600, 3600, 86_400, -600, -86_400):
        yield Hostile("replayed (stale timestamp)", base, timestamp=int(time.time()) - age, expect=(401,))


def sign(stamp: str, raw: bytes, secret: str = SECRET) -> str:
    """Slack's v0 signature over raw bytes (slack_sdk's helper wants text; fuzz bodies may not be)."""
    digest = hmac.new(secret.encode(), b"v0:" + stamp.encode() + b":" + raw, hashlib.sha256).hexdigest()
    return f"v0={digest}"


def post(running: Running, h: Hostile) -> payloads.Reply:
    import urllib.error
    import urllib.request

    raw = h.body if isinstance(h.body, bytes) else h.body.encode("utf-8", "surrogatepass")
    stamp = str(int(time.time()) if h.timestamp is None else h.timestamp)
    sig = h.signature or sign(stamp, raw)
    request = urllib.request.Request(
        running.url, data=raw, method="POST",
        headers={"Content-Type": h.content_type, "X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": sig},
    )  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=30) as resp:
            return payloads.Reply(resp.status, resp.read().decode("utf-8", "replace"), dict(resp.headers))
    except urllib.error.HTTPError as err:
        return payloads.Reply(err.code, err.read().decode("utf-8", "replace"), dict(err.headers))


def test_hostile_requests_never_crash_or_leak(running: Running, all_logs: pytest.LogCaptureFixture) -> None:
    inputs = list(mutations(random.Random(20261122)))
    statuses: dict[str, set[int]] = {}
    for h in inputs:
        reply = post(running, h)
        statuses.setdefault(h.category, set()).add(reply.status)
        assert reply.status in h.expect, (h.category, reply.status, reply.body[:200])
        assert "Traceback" not in reply.body and 'File "' not in reply.body
    running.fake.settle(quiet=0.5, timeout=30)
    assert len(inputs) >= 400
    crashes = [r for r in all_logs.records if r.exc_info or r.levelno >= logging.ERROR]
    assert not crashes, [r.getMessage()[:200] for r in crashes]
    # still serving, and still doing its job
    assert running.sender.form(payloads.command("help", user=AGENT)).status == 200
    running.fake.clear()
    assert running.sender.event(payloads.envelope(payloads.message(CUSTOMER, ANGRY, channel="CAFTERFUZZ"))).status == 200
    running.fake.wait_for("chat.postEphemeral")
    print(f"\nhostile inputs tried: {len(inputs)}; statuses by category: {statuses}")


def test_a_replay_inside_the_window_is_deduplicated(running: Running) -> None:
    """An identical signed request sent again (captured and replayed) is accepted but never nudges twice."""
    envelope = payloads.envelope(payloads.message(CUSTOMER, ANGRY))
    raw = json.dumps(envelope)
    for _ in range(5):
        assert running.sender.post(raw, JSON).status == 200
    running.fake.wait_for("chat.postEphemeral", count=2)
    sent = [c for c in running.fake.settle() if c.method == "chat.postEphemeral"]
    assert sorted(c.params["user"] for c in sent) == sorted({c.params["user"] for c in sent})  # once per agent
