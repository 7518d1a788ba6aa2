"""Waiting for the app's background work, for the tests and the demo.

Bolt answers an event at once and handles it in a worker thread, so a replay that sends the
next message straight away could overtake the previous one. Waiting until a message's row is
in the store keeps a replayed conversation in order.
"""

from __future__ import annotations

import time

from sqlalchemy import select

from bot.store import Store
from bot.store.schema import messages


def wait_recorded(store: Store, ts: str, timeout: float = 5.0) -> None:
    """Block until the message with this ts was scored and recorded (raise after `timeout`)."""
    deadline = time.monotonic() + timeout
    query = select(messages.c.id).where(messages.c.ts == ts)
    while True:
        with store.engine.connect() as conn:
            if conn.execute(query).first() is not None:
                return
        if time.monotonic() > deadline:
            raise AssertionError(f"message {ts} was not recorded")
        time.sleep(0.01)
