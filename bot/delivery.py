"""Delivering nudges without letting Slack's rate limits hold up request handling.

slack_sdk's rate-limit handler sleeps Retry-After seconds in the calling thread. Bolt runs
every listener (and waits for every slash command's ack) on one small thread pool, so a 429
storm with long Retry-After values would leave no thread to answer Slack within 3 seconds.
Here a short Retry-After is still retried in place (`ShortRateLimitRetryHandler`); a longer
one hands the nudge to `Deferred`, one background thread that sends it once the wait is over,
if it is still timely, and forgets it (record deleted, logged, counted) if it is not.

Deferred nudges live in memory only, on purpose: a nudge's blocks can hold the agent's own
draft (a curt reply's rewrite), and Kindly never stores message text. On shutdown `drain`
sends those due within a grace period and forgets the rest, so no record counts a nudge
nobody received.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.http_retry import RateLimitErrorRetryHandler, RetryState
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse

log = logging.getLogger(__name__)

INLINE_RETRY_AFTER_MAX = 1.0  # seconds a listener thread may sleep for a 429
TIMELY_SECONDS = 300.0  # a nudge later than this after its message no longer helps the agent
MAX_PENDING = 1000  # deferred nudges held at once; beyond that new ones are dropped (and counted)
MAX_DEFERRALS = 5  # a nudge rate limited this many times in a row is given up


def retry_after(headers: dict[str, Any] | None) -> float | None:
    """Retry-After in seconds from a response's headers (values may be lists), None if absent."""
    for key, value in (headers or {}).items():
        if key.lower() == "retry-after":
            raw = value[0] if isinstance(value, list | tuple) and value else value
            try:
                return max(float(raw), 0.0)
            except (TypeError, ValueError):
                return None
    return None


class ShortRateLimitRetryHandler(RateLimitErrorRetryHandler):
    """Retries a 429 in the calling thread only when Slack asks for a short wait."""

    def __init__(self, max_wait: float = INLINE_RETRY_AFTER_MAX, max_retry_count: int = 1) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.max_wait = max_wait

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is None or response.status_code != 429:
            return False
        wait = retry_after(response.headers)
        return wait is not None and wait <= self.max_wait


@dataclass(order=True)
class _Job:
    due: float
    seq: int
    send: Callable[[], Any] = field(compare=False)
    give_up: Callable[[str], None] = field(compare=False)
    deadline: float = field(compare=False)


class Deferred:
    """One daemon thread sending rate-limited calls when Slack allows, while they still matter.

    A job's `send` returns False when it failed and gave up by itself; `drain` counts that as dropped.
    """

    def __init__(
        self,
        max_pending: int = MAX_PENDING,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.max_pending = max_pending
        self.clock = clock
        self.sleep = sleep
        self._jobs: list[_Job] = []
        self._seq = itertools.count()
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._stopped = False

    def pending(self) -> int:
        with self._cond:
            return len(self._jobs)

    def schedule(self, wait: float, deadline: float, send: Callable[[], Any], give_up: Callable[[str], None]) -> bool:
        """Run `send` after `wait` seconds unless that is past `deadline` (monotonic); False if refused."""
        due = self.clock() + wait
        if due > deadline:
            give_up("not_timely")
            return False
        with self._cond:
            refused = "shutdown" if self._stopped else "queue_full" if len(self._jobs) >= self.max_pending else None
            if refused is None:
                heapq.heappush(self._jobs, _Job(due, next(self._seq), send, give_up, deadline))
                self._start()
                self._cond.notify_all()
        if refused:
            give_up(refused)
            return False
        return True

    def stop(self) -> None:
        """Stop the sender thread and refuse new jobs; those waiting stay for `drain`."""
        with self._cond:
            self._stopped = True
            self._cond.notify_all()

    def drain(self, grace: float) -> tuple[int, int]:
        """Stop; in this thread, send the jobs due within `grace` seconds and give up the rest ("shutdown").

        Returns (sent, dropped). A send already under way in the sender thread may finish first.
        """
        end = self.clock() + grace
        self.stop()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(max(end - self.clock(), 0.0))
        sent = dropped = 0
        while (job := self._pop()) is not None:
            if job.due > end:
                job.give_up("shutdown")
                dropped += 1
                continue
            self.sleep(max(job.due - self.clock(), 0.0))
            if self._call(job):
                sent += 1
            else:
                dropped += 1
        return sent, dropped

    def _pop(self) -> _Job | None:
        with self._cond:
            return heapq.heappop(self._jobs) if self._jobs else None

    @staticmethod
    def _call(job: _Job) -> bool:
        try:
            return job.send() is not False
        except Exception:  # a job reports its own failures; the caller must outlive any of them
            log.exception("deferred call failed unexpectedly")
            return False

    def _start(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._run, name="kindly-deferred", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._stopped and (not self._jobs or self._jobs[0].due > self.clock()):
                    self._cond.wait(None if not self._jobs else max(self._jobs[0].due - self.clock(), 0.0))
                if self._stopped:
                    return
                job = heapq.heappop(self._jobs)
            self._call(job)


@dataclass
class NudgeSender:
    """Posts one ephemeral nudge; a long 429 defers it instead of holding the listener thread."""

    deferred: Deferred
    on_sent: Callable[[str], None] = lambda kind: None
    on_dropped: Callable[[str], None] = lambda reason: None
    timely_seconds: float = TIMELY_SECONDS

    def send(
        self,
        post: Callable[..., Any],
        kwargs: dict[str, Any],
        *,
        nudge_id: int,
        kind: str,
        forget: Callable[[], None],
        deadline: float | None = None,
        attempt: int = 1,
    ) -> bool | None:
        """True if sent, None if deferred, False if given up (then `forget` drops the nudge's record)."""
        deadline = self.deferred.clock() + self.timely_seconds if deadline is None else deadline
        try:
            post(**kwargs)
        except SlackApiError as exc:
            status = getattr(exc.response, "status_code", None)
            code = exc.response.get("error") if hasattr(exc.response, "get") else None
            wait = retry_after(getattr(exc.response, "headers", None)) if status == 429 else None
            if wait is not None and attempt < MAX_DEFERRALS:
                log.warning("chat.postEphemeral failed: HTTP 429, nudge %s deferred %.1fs", nudge_id, wait)

                def again() -> bool | None:
                    return self.send(
                        post, kwargs, nudge_id=nudge_id, kind=kind, forget=forget, deadline=deadline, attempt=attempt + 1
                    )

                def give_up(reason: str) -> None:
                    log.warning("nudge %s dropped: %s after HTTP 429", nudge_id, reason)
                    self._drop(forget, reason)

                return None if self.deferred.schedule(wait, deadline, again, give_up) else False
            log.warning("chat.postEphemeral failed: HTTP %s, error %s", status or "?", code or "unknown")
            self._drop(forget, f"http_{status}" if status and status != 200 else str(code or "unknown"))
            return False
        except (SlackRequestError, OSError) as exc:
            log.warning("chat.postEphemeral failed: %s", type(exc).__name__)
            self._drop(forget, type(exc).__name__)
            return False
        log.info("nudge %s (%s) sent", nudge_id, kind)
        self.on_sent(kind)
        return True

    def _drop(self, forget: Callable[[], None], reason: str) -> None:
        self.on_dropped(reason[:40])
        forget()
