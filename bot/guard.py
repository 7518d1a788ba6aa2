"""Refuse signed requests whose shape Slack never sends, before Bolt's own middleware trusts it.

Bolt's authorization and argument-building code reads `body["event"].get(...)`,
`body["actions"][0]` and the like without checking types, so a signed body with `"event": 0`
made it answer 500 with a stack trace in the log. Slack never sends such a body; the check
below runs right after signature verification (`App(before_authorize=...)`) and answers 400.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware

log = logging.getLogger(__name__)

_OBJECTS = ("team", "user", "channel", "container", "view", "message", "enterprise", "event")
_STRINGS = ("type", "team_id", "enterprise_id", "api_app_id", "event_id", "command", "user_id", "channel_id")


def shape_problem(body: Any) -> str | None:
    """The first field whose type Slack would never send, or None when the body looks sane."""
    if not isinstance(body, dict):
        return "body"
    for key in _STRINGS:
        if body.get(key) is not None and not isinstance(body[key], str):
            return key
    for key in _OBJECTS:
        if body.get(key) is not None and not isinstance(body[key], dict):
            return key
    if body.get("type") == "event_callback":
        event = body.get("event")
        if not isinstance(event, dict) or not isinstance(event.get("type"), str):
            return "event"
    if "actions" in body:
        actions = body["actions"]
        if not isinstance(actions, list) or not actions or not all(isinstance(a, dict) for a in actions):
            return "actions"
    authorizations = body.get("authorizations")
    if authorizations is not None and not (
        isinstance(authorizations, list) and all(isinstance(a, dict) for a in authorizations)
    ):
        return "authorizations"
    return None


class RefuseMalformed(Middleware):
    """Bolt middleware (before authorization): 400 for an impossible shape, else carry on.

    A `Middleware` subclass, not a function: Bolt builds a function middleware's keyword
    arguments from the body first, and that is where a malformed body would already fail.
    """

    def process(self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]) -> BoltResponse | None:
        problem = shape_problem(req.body)
        if problem is not None:
            log.warning("signed request with a malformed %r field refused", problem)
            return BoltResponse(status=400, body="malformed request")
        return next()
