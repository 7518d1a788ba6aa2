"""Messages that arrive while the database is down are acknowledged; their records wait here.

Slack gets its 200 before Kindly touches the database, so an outage used to mean the scores
of every message in it were never stored, and the digest undercounted that stretch. The
records hold no text (IDs, timestamps, scores, cue names), so keeping them in memory for a
while is as private as storing them. A daemon thread writes them once the database answers
again; a Slack retry of the same event is still caught by the event_id constraint. No nudge
is sent for them: mutes and cooldowns could not be checked, and by then it is late anyway.

What it cannot do: survive the process exiting during the outage (the count lost is logged),
or hold more than `max_records` (the overflow is dropped and counted).
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable

from sqlalchemy.exc import SQLAlchemyError

from bot.store import MessageRecord, Store

log = logging.getLogger(__name__)

MAX_RECORDS = 10_000  # about a busy team's day of messages, a few MB
RETRY_SECONDS = 5.0


class Backlog:
    """A bounded, ordered queue of records waiting for the database, and the thread that writes them."""

    def __init__(
        self,
        store: Store,
        max_records: int = MAX_RECORDS,
        retry_seconds: float = RETRY_SECONDS,
        on_dropped: Callable[[], None] = lambda: None,
    ) -> None:
        self.store = store
        self.max_records = max_records
        self.retry_seconds = retry_seconds
        self.on_dropped = on_dropped
        self._records: deque[MessageRecord] = deque()
        self._cond = threading.Condition()
        self._flushing = threading.Lock()  # one writer at a time, so records keep their order
        self._thread: threading.Thread | None = None
        self._stopped = False

    def pending(self) -> int:
        with self._cond:
            return len(self._records)

    def keep(self, record: MessageRecord) -> bool:
        """Hold a record until the database is back; False (and counted) when the backlog is full."""
        with self._cond:
            if len(self._records) >= self.max_records:
                full = True
            else:
                full = False
                if not self._records:
                    log.warning("database unavailable: keeping message records in memory until it is back")
                self._records.append(record)
                self._start()
        if full:
            log.error(
                "database unavailable and %d records already waiting: event %s not kept", self.max_records, record.event_id
            )
            self.on_dropped()
        return not full

    def nudge(self) -> None:
        """The database just answered: try the waiting records now rather than at the next retry."""
        with self._cond:
            if self._records:
                self._cond.notify_all()

    def flush(self) -> int:
        """Write waiting records in arrival order until done or the database fails again; the count written."""
        written = 0
        with self._flushing:
            while True:
                with self._cond:
                    if not self._records:
                        break
                    record = self._records[0]
                try:
                    self.store.record(record)  # None for an event already stored (a retry): fine
                except SQLAlchemyError as exc:
                    log.debug("database still unavailable (%s); %d records wait", type(exc).__name__, self.pending())
                    break
                with self._cond:
                    self._records.popleft()
                written += 1
        if written:
            log.info("database back: %d message records written, %d still waiting", written, self.pending())
        return written

    def stop(self) -> int:
        """Stop the writer after one last try; the number of records lost (logged)."""
        with self._cond:
            self._stopped = True
            self._cond.notify_all()
        self.flush()
        lost = self.pending()
        if lost:
            log.error("stopping with the database unavailable: %d message records were never stored", lost)
        return lost

    def _start(self) -> None:
        if not self._stopped and (self._thread is None or not self._thread.is_alive()):
            self._thread = threading.Thread(target=self._run, name="kindly-backlog", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while True:
            with self._cond:
                if self._stopped or not self._records:
                    self._thread = None
                    return
                self._cond.wait(self.retry_seconds)
                if self._stopped:
                    self._thread = None
                    return
            self.flush()
