"""The keep-alive Web API client: same answers and errors as slack_sdk's, over reused connections."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import ConnectionErrorRetryHandler

from bot.webclient import KeepAliveWebClient, keep_alive


class _Recorder(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.peers: list[tuple[str, int]] = []  # the client's address of each request
        self.answers: list[tuple[int, dict[str, str], dict[str, Any]]] = []


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: _Recorder

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.peers.append(self.client_address)
        status, headers, body = self.server.answers.pop(0) if self.server.answers else (200, {}, {"ok": True})
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture
def server() -> Iterator[_Recorder]:
    srv = _Recorder()
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def url(srv: _Recorder) -> str:
    return f"http://127.0.0.1:{srv.server_address[1]}/api/"


def test_calls_reuse_one_connection(server: _Recorder) -> None:
    client = KeepAliveWebClient(token="xoxb-1", base_url=url(server))
    for _ in range(3):
        assert client.chat_postEphemeral(channel="C1", user="U1", text="hi")["ok"] is True
    assert len(server.peers) == 3 and len(set(server.peers)) == 1


def test_slack_errors_and_rate_limits_surface_as_with_slack_sdk(server: _Recorder) -> None:
    server.answers += [
        (200, {}, {"ok": False, "error": "channel_not_found"}),
        (429, {"Retry-After": "7"}, {"ok": False, "error": "ratelimited"}),
    ]
    client = KeepAliveWebClient(token="xoxb-1", base_url=url(server))
    with pytest.raises(SlackApiError) as refused:
        client.chat_postEphemeral(channel="C1", user="U1", text="hi")
    assert refused.value.response["error"] == "channel_not_found"
    with pytest.raises(SlackApiError) as limited:
        client.chat_postEphemeral(channel="C1", user="U1", text="hi")
    assert limited.value.response.status_code == 429
    assert limited.value.response.headers["Retry-After"] == "7"


def test_an_unreachable_server_is_a_connection_error_that_slack_sdk_retries() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    retry = ConnectionErrorRetryHandler(max_retry_count=1)
    client = KeepAliveWebClient(token="xoxb-1", base_url=f"http://127.0.0.1:{port}/api/", retry_handlers=[retry])
    with pytest.raises(OSError):
        client.chat_postEphemeral(channel="C1", user="U1", text="hi")


def test_keep_alive_keeps_a_clients_token_url_and_retry_handlers(server: _Recorder) -> None:
    retry = ConnectionErrorRetryHandler(max_retry_count=1)
    plain = WebClient(token="xoxb-team", base_url=url(server), timeout=7, retry_handlers=[retry])
    kept = keep_alive(plain)
    assert isinstance(kept, KeepAliveWebClient) and keep_alive(kept) is kept
    assert (kept.token, kept.base_url, kept.timeout) == ("xoxb-team", url(server), 7)
    assert kept.retry_handlers == [retry]
    assert kept.chat_postEphemeral(channel="C1", user="U1", text="hi")["ok"] is True
