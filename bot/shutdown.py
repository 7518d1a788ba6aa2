"""Stopping `python -m bot run` on SIGTERM or SIGINT without cutting work off or losing it silently.

Docker and Kubernetes stop a container with SIGTERM, then SIGKILL a little later. On the first
signal Kindly stops taking requests, lets those in flight and their listener work (Bolt runs
listeners on a thread pool after the ack) finish, sends the deferred nudges that come due within
SHUTDOWN_GRACE_SECONDS, gives up the rest with an accurate record (their rows deleted, logged,
counted as dropped "shutdown"), then stops the digest scheduler and closes the store. A second
signal ends the process at once.

Deferred nudges are deliberately not persisted for another process to send: a nudge's blocks
can hold the agent's own draft (a curt reply's rewrite), and Kindly never stores message text.
Dropping one with an accurate record is preferred.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable
from types import FrameType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from slack_bolt import App

    from bot.app import Kindly

log = logging.getLogger("bot.run")

SHUTDOWN_GRACE_SECONDS = 10.0  # signal to exit, give or take a second a step; give Docker/Kubernetes a bit more
STEP_MIN_SECONDS = 1.0  # each step may take this long even after the grace period is spent
SIGNALS = (signal.SIGTERM, signal.SIGINT)


class StopSignal:
    """The first SIGTERM or SIGINT: remembered, waited for, and `then` run in a new thread.

    A handler runs in the main thread, where `serve_forever` is looping: `server.shutdown()`
    called there would wait for itself. The default handlers come back, so a second signal kills.
    """

    def __init__(self) -> None:
        self.received: str | None = None
        self._event = threading.Event()
        self._then: Callable[[], object] | None = None

    def install(self, then: Callable[[], object] | None = None) -> StopSignal:
        self._then = then
        for sig in SIGNALS:
            signal.signal(sig, self._handle)
        return self

    def wait(self) -> str | None:
        self._event.wait()
        return self.received

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        for sig in SIGNALS:
            signal.signal(sig, signal.SIG_DFL)
        self.received = signal.Signals(signum).name
        self._event.set()
        if self._then is not None:
            threading.Thread(target=self._then, name="kindly-stop", daemon=True).start()


def stop_gracefully(
    app: App,
    kindly: Kindly,
    *,
    server: Any = None,
    socket_handler: Any = None,
    scheduler: Any = None,
    cause: str | None = None,
    grace: float = SHUTDOWN_GRACE_SECONDS,
) -> tuple[int, int]:
    """Finish what was accepted, in order, within `grace` seconds; returns (deferred sent, dropped).

    `server` must have left `serve_forever` already (StopSignal runs its `shutdown`).
    """
    deadline = time.monotonic() + grace
    log.info("stopping (%s): no new requests; finishing those in flight, deferred nudges within %gs", cause, grace)
    if server is not None:
        _step("requests in flight", server.server_close, deadline)  # joins the request threads
    if socket_handler is not None:
        _step("Socket Mode connection", socket_handler.close, deadline)  # waits for its message workers
    _step("listener work", lambda: app.listener_runner.listener_executor.shutdown(wait=True), deadline)
    sent, dropped = kindly.deferred.drain(max(deadline - time.monotonic(), 0.0))
    if scheduler is not None and getattr(scheduler, "running", True):
        _step("digest scheduler", lambda: scheduler.shutdown(wait=True), deadline)
    kindly.close()
    log.info("stopped: %d deferred nudge(s) sent, %d dropped", sent, dropped)
    return sent, dropped


def _step(what: str, step: Callable[[], object], deadline: float) -> None:
    """Run one step, waiting for it until `deadline` (or a second) at most: a stuck request must not hold the exit."""

    def guarded() -> None:
        try:
            step()
        except Exception as exc:  # the remaining steps must still run
            log.warning("stopping: %s failed: %s", what, type(exc).__name__)

    worker = threading.Thread(target=guarded, name=f"kindly-stop-{what.split()[0]}", daemon=True)
    worker.start()
    worker.join(max(deadline - time.monotonic(), STEP_MIN_SECONDS))
    if worker.is_alive():
        log.warning("stopping: %s not finished within the grace period; not waiting", what)
