"""A slack_sdk WebClient that keeps its HTTPS connections to Slack open between calls.

slack_sdk's sync client sends each Web API call through `urllib.request.urlopen`, which opens
a new TCP (and TLS) connection per call and closes it after. Kindly posts a nudge for every
frustrated message, so that handshake was paid on every nudge: a round trip or two of
latency to slack.com and the crypto CPU on our side. Here the transport is a urllib3 pool
(one per client, thread-safe); everything else — retries, rate-limit handling, response
parsing, errors — is slack_sdk's own, because only the method that moves bytes is replaced.
Bolt builds a plain WebClient for every request (`context.client`); `keep_alive(client)` gives
the same settings over the process's shared pools, for the calls on the message path.

The replaced method's contract (checked by the end-to-end tests, which all go through it):
return `{"status", "headers", "body"}` for a 2xx, raise `urllib.error.HTTPError` otherwise,
and raise an `OSError`-like error when the server cannot be reached.
"""

from __future__ import annotations

import io
import threading
import urllib.error
from http.client import HTTPMessage
from ssl import SSLContext
from typing import Any
from urllib.request import Request

import urllib3
from slack_sdk import WebClient

POOL_SIZE = 16  # connections kept per host: Bolt's listener threads plus the deferred sender


_pools: dict[int, urllib3.PoolManager] = {}  # one per SSL context in use (nearly always just the default)
_pools_lock = threading.Lock()


def _pool(ssl: SSLContext | None) -> urllib3.PoolManager:
    with _pools_lock:
        pool = _pools.get(id(ssl))
        if pool is None:
            pool = urllib3.PoolManager(
                num_pools=8,
                maxsize=POOL_SIZE,
                block=False,  # past maxsize, a call opens a one-off connection rather than waiting
                ssl_context=ssl,
                retries=False,  # slack_sdk's retry handlers decide, as with urllib
            )
            _pools[id(ssl)] = pool
        return pool


class KeepAliveWebClient(WebClient):
    """WebClient whose calls reuse pooled keep-alive connections (proxies keep slack_sdk's urllib path)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pool = _pool(self.ssl)

    def _perform_urllib_http_request_internal(self, url: str, req: Request) -> dict[str, Any]:
        if self.proxy is not None or not url.lower().startswith(("http://", "https://")):
            return super()._perform_urllib_http_request_internal(url, req)
        try:
            resp = self._pool.request(
                "POST",
                url,
                body=req.data,  # type: ignore[arg-type]  # bytes built by slack_sdk
                headers=dict(req.header_items()),
                timeout=urllib3.Timeout(connect=self.timeout, read=self.timeout),
                redirect=False,
                preload_content=True,
            )
        except urllib3.exceptions.ReadTimeoutError as exc:
            raise TimeoutError("timed out") from exc  # as urlopen: a read timeout is not retried
        except urllib3.exceptions.HTTPError as exc:
            raise urllib.error.URLError(exc) from exc  # as urlopen: unreachable or reset, which is retried
        headers = HTTPMessage()
        for key, value in resp.headers.items():
            headers[key] = value
        if not 200 <= resp.status < 300:
            raise urllib.error.HTTPError(url, resp.status, resp.reason or "", headers, io.BytesIO(resp.data))
        if headers.get_content_type() == "application/gzip":
            return {"status": resp.status, "headers": headers, "body": resp.data}
        charset = headers.get_content_charset() or "utf-8"
        return {"status": resp.status, "headers": headers, "body": resp.data.decode(charset)}


def keep_alive(client: WebClient, token: str | None = None) -> WebClient:
    """`client`'s URL, timeout and retry handlers, and its token unless `token` is given, over
    the shared keep-alive pools."""
    if isinstance(client, KeepAliveWebClient) and token is None:
        return client
    return KeepAliveWebClient(
        token=token or client.token,
        base_url=client.base_url,
        timeout=client.timeout,
        ssl=client.ssl,
        proxy=client.proxy,
        headers=dict(client.headers),
        team_id=client.default_params.get("team_id"),
        logger=client.logger,
        retry_handlers=list(client.retry_handlers),
    )
