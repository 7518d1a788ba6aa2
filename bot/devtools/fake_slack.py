"""A local stand-in for the Slack Web API: records every call, answers like Slack, fails on demand.

Used by the end-to-end tests and by `python -m bot demo`, so nothing needs a Slack account or
the network. It listens on 127.0.0.1 on a free port in a background thread. Point a WebClient
at `fake.api_url`; give payloads `fake.response_url(...)` so `respond()` lands here too.

    with FakeSlack(users={"U1": {"name": "Dana"}}) as fake:
        fake.fail("chat.postEphemeral", "429", retry_after=0)
        ...
        fake.wait_for("chat.postEphemeral")
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

DEFAULT_TEAM = "T0KINDLY"
DEFAULT_BOT_USER = "UKINDLYBOT"
DEFAULT_BOT_ID = "BKINDLY"


@dataclass(frozen=True)
class Call:
    """One request the app made: `method` is the Web API method, or `response_url` / `upload`."""

    method: str
    path: str
    params: dict[str, Any]
    token: str | None
    at: float = field(default_factory=time.monotonic)


@dataclass
class _Failure:
    kind: str  # "500", "429", "error" or "slow"
    error: str
    retry_after: int
    times: int
    delay: float = 0.0


class FakeSlack:
    def __init__(
        self,
        team_id: str = DEFAULT_TEAM,
        bot_user_id: str = DEFAULT_BOT_USER,
        bot_id: str = DEFAULT_BOT_ID,
        users: dict[str, dict[str, Any]] | None = None,
        usergroups: dict[str, list[str]] | None = None,
    ) -> None:
        self.team_id = team_id
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.users = dict(users or {})
        self.usergroups = dict(usergroups or {})
        self.socket_url: str | None = None  # what apps.connections.open hands out
        self.installed: dict[str, str] = {}  # bot token -> team ID, issued by oauth.v2.access
        self._calls: list[Call] = []
        self._failures: dict[str, deque[_Failure]] = defaultdict(deque)
        self._cond = threading.Condition()
        self._ids = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # lifecycle ----------------------------------------------------------------------------------

    def start(self) -> FakeSlack:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as Slack's API servers (every answer has a length)
            disable_nagle_algorithm = True  # headers and body go out as two writes; don't hold the second

            def do_GET(self) -> None:
                fake._serve(self)

            def do_POST(self) -> None:
                fake._serve(self)

            def log_message(self, format: str, *args: Any) -> None:  # quiet: tests read calls instead
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-slack", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base(self) -> str:
        assert self._server, "FakeSlack is not started"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def api_url(self) -> str:
        return self.base + "/api/"

    def response_url(self, name: str = "hook") -> str:
        return f"{self.base}/respond/{name}"

    # test controls --------------------------------------------------------------------------------

    def fail(
        self,
        method: str,
        kind: str,
        *,
        error: str = "internal_error",
        retry_after: int = 0,
        times: int = 1,
        delay: float = 0.0,
    ) -> None:
        """Make the next `times` calls of `method` fail: kind "500", "429" (with Retry-After),
        "error" (`ok: false` with `error`), or "slow" (answer normally, but only after `delay` s)."""
        if kind not in ("500", "429", "error", "slow"):
            raise ValueError("kind is one of 500, 429, error, slow")
        with self._cond:
            self._failures[method].append(_Failure(kind, error, retry_after, times, delay))

    def calls(self, method: str | None = None) -> list[Call]:
        with self._cond:
            return [c for c in self._calls if method is None or c.method == method]

    def clear(self) -> None:
        with self._cond:
            self._calls.clear()

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Block until `count` calls of `method` arrived (listeners run after the HTTP answer)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [c for c in self._calls if c.method == method]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"expected {count} {method} call(s), got {len(found)}")
                self._cond.wait(left)

    def settle(self, quiet: float = 0.3, timeout: float = 5.0) -> list[Call]:
        """Wait until no call arrived for `quiet` seconds; returns every call so far."""
        deadline = time.monotonic() + timeout
        with self._cond:
            seen = len(self._calls)
            while time.monotonic() < deadline:
                self._cond.wait(quiet)
                if len(self._calls) == seen:
                    break
                seen = len(self._calls)
            return list(self._calls)

    # serving --------------------------------------------------------------------------------------

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        url = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        params: dict[str, Any] = {k: v[-1] for k, v in parse_qs(url.query).items()}
        ctype = handler.headers.get("Content-Type") or ""
        if raw and "json" in ctype:
            try:
                params.update(json.loads(raw))
            except ValueError:
                params["_raw"] = raw.decode("utf-8", "replace")
        elif raw and url.path.startswith("/upload/"):
            params["_bytes"] = len(raw)  # a file's raw bytes (files_upload_v2 sends them as "form")
        elif raw and "form" in ctype:
            params.update({k: v[-1] for k, v in parse_qs(raw.decode()).items()})
        elif raw:
            params["_bytes"] = len(raw)
        auth = handler.headers.get("Authorization") or ""
        token = auth.removeprefix("Bearer ") or params.get("token")
        if url.path.startswith("/api/"):
            method = url.path.removeprefix("/api/")
        elif url.path.startswith("/respond/"):
            method = "response_url"
        elif url.path.startswith("/upload/"):
            method = "upload"
        else:
            method = url.path
        call = Call(method=method, path=url.path, params=params, token=token)
        status, headers, body = self._answer(method, {**params, "token": token})
        with self._cond:
            self._calls.append(call)
            self._cond.notify_all()
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json; charset=utf-8")
        handler.send_header("Content-Length", str(len(data)))
        for key, value in headers.items():
            handler.send_header(key, value)
        handler.end_headers()
        handler.wfile.write(data)

    def _take_failure(self, method: str) -> _Failure | None:
        with self._cond:
            queue = self._failures.get(method)
            if not queue:
                return None
            failure = queue[0]
            failure.times -= 1
            if failure.times <= 0:
                queue.popleft()
            return failure

    def _answer(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
        failure = self._take_failure(method)
        if failure and failure.kind == "slow":
            time.sleep(failure.delay)  # the client's timeout fires first; this thread then answers nobody
            failure = None
        if failure and failure.kind == "500":
            return 500, {}, b"<html>internal error</html>"
        if failure and failure.kind == "429":
            return 429, {"Retry-After": str(failure.retry_after)}, {"ok": False, "error": "ratelimited"}
        if failure:
            return 200, {}, {"ok": False, "error": failure.error}
        n = next(self._ids)
        ts = f"{int(time.time())}.{n:06d}"
        if method == "oauth.v2.access":
            # the code names the workspace being installed: "code-T123" installs team T123
            team = str(params.get("code", "")).removeprefix("code-") or self.team_id
            token = f"xoxb-{team}-installed"
            with self._cond:
                self.installed[token] = team
            return 200, {}, {
                "ok": True, "access_token": token, "token_type": "bot", "scope": "chat:write,commands",
                "bot_user_id": self.bot_user_id, "app_id": "AKINDLY", "team": {"id": team, "name": team},
                "enterprise": None, "is_enterprise_install": False, "authed_user": {"id": "UINSTALLER"},
            }  # fmt: skip
        if method == "auth.test":
            token = str(params.get("token") or "")
            return (
                200,
                {},
                {
                    "ok": True,
                    "url": "https://kindly-demo.slack.com/",
                    "team": "Kindly demo",
                    "user": "kindly",
                    "team_id": self.installed.get(token, self.team_id),
                    "user_id": self.bot_user_id,
                    "bot_id": self.bot_id,
                },
            )
        if method == "chat.postEphemeral":
            return 200, {}, {"ok": True, "message_ts": ts}
        if method == "chat.postMessage":
            return 200, {}, {"ok": True, "channel": params.get("channel"), "ts": ts, "message": {"ts": ts}}
        if method in ("views.open", "views.publish", "views.update", "views.push"):
            view = params.get("view")
            if isinstance(view, str):
                view = json.loads(view)
            return 200, {}, {"ok": True, "view": {**(view or {}), "id": f"V{n:08d}", "hash": f"h{n}"}}
        if method == "users.info":
            return 200, {}, {"ok": True, "user": self._user(str(params.get("user", "")))}
        if method == "usergroups.users.list":
            group = str(params.get("usergroup", ""))
            if group not in self.usergroups:
                return 200, {}, {"ok": False, "error": "no_such_subteam"}
            return 200, {}, {"ok": True, "users": self.usergroups[group]}
        if method == "conversations.open":
            user = str(params.get("users", "U0")).split(",")[0]
            return 200, {}, {"ok": True, "channel": {"id": "D" + user.lstrip("UW")}}
        if method == "files.getUploadURLExternal":
            return 200, {}, {"ok": True, "upload_url": f"{self.base}/upload/F{n:08d}", "file_id": f"F{n:08d}"}
        if method == "files.completeUploadExternal":
            files = params.get("files")
            return (
                200,
                {},
                {"ok": True, "files": json.loads(files) if isinstance(files, str) else files or []},
            )
        if method == "apps.connections.open":
            if not self.socket_url:
                return 200, {}, {"ok": False, "error": "socket_mode_not_enabled"}
            return 200, {}, {"ok": True, "url": self.socket_url}
        if method == "upload":
            return 200, {}, b"OK"
        return 200, {}, {"ok": True}

    def _user(self, user_id: str) -> dict[str, Any]:
        extra = self.users.get(user_id, {})
        name = str(extra.get("name", user_id.lower()))
        profile = {"first_name": name.split()[0], "real_name": name, "display_name": name}
        user = {
            "id": user_id,
            "team_id": self.team_id,
            "name": name.lower().replace(" ", "."),
            "real_name": name,
            "is_bot": False,
            "tz": "Europe/Berlin",
            "tz_offset": 3600,
            "profile": profile,
        }
        user.update({k: v for k, v in extra.items() if k != "name"})
        return user
