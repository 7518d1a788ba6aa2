"""The path of one person-written message: score it, record it once, decide who hears about it.

No Slack here: the events listener turns the payload into an `IncomingMessage`, calls
`Watcher.handle`, and renders and posts the `PlannedNudge`s it gets back.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError

from bot import nudges
from bot.agents import Workspaces
from bot.backlog import Backlog
from bot.config import Settings
from bot.store import MessageRecord, NewNudge, Store, ThreadSummary
from bot.suggestions import PhraseLike, Rewritten, Suggester
from bot.tone import Analysis, Context, analyze

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class IncomingMessage:
    team_id: str
    event_id: str
    channel_id: str
    user_id: str
    text: str
    ts: str
    thread_ts: str | None  # the root's ts when this is a reply in a thread
    external: bool = False  # the author belongs to another organisation (Slack Connect)

    @property
    def root_ts(self) -> str:
        return self.thread_ts or self.ts

    @property
    def sent_at(self) -> datetime:
        try:
            return datetime.fromtimestamp(float(self.ts), UTC)
        except ValueError:
            return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class PlannedNudge:
    """A nudge recorded in the store and ready to render for one agent."""

    nudge_id: int
    kind: str
    target: str
    team_id: str
    channel_id: str
    thread_ts: str  # the thread's root
    post_thread_ts: str | None  # where Slack should show it: the thread, or the channel for a root message
    author_id: str
    analysis: Analysis
    phrases: tuple[PhraseLike, ...]
    rewrite: Rewritten | None = None


class Watcher:
    def __init__(
        self,
        settings: Settings,
        store: Store,
        directory: Workspaces,
        suggester: Suggester,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        backlog: Backlog | None = None,
    ) -> None:
        self.settings = settings
        self.backlog = backlog  # records of messages that came while the database was down
        self.store = store
        self.directory = directory  # one agent directory and channel list per team
        self.suggester = suggester
        self.clock = clock
        # Within one process, messages of one thread are handled one at a time, so the cooldown
        # check and the nudge insert cannot interleave (across processes, retries are still
        # caught by the event_id constraint; a cooldown overlap would need two processes racing).
        self._locks: weakref.WeakValueDictionary[tuple[str, str, str], threading.Lock] = weakref.WeakValueDictionary()
        self._locks_guard = threading.Lock()

    def _thread_lock(self, msg: IncomingMessage) -> threading.Lock:
        key = (msg.team_id, msg.channel_id, msg.root_ts)
        with self._locks_guard:
            lock = self._locks.get(key)
            if lock is None:
                lock = threading.Lock()
                self._locks[key] = lock
            return lock

    def watches(self, channel_id: str, team_id: str | None = None) -> bool:
        """Whether the team's settings (without a team: the defaults) have Kindly read this channel."""
        return self.directory.watches(team_id, channel_id) if team_id else self.directory.defaults.watches(channel_id)

    def handle(self, msg: IncomingMessage) -> list[PlannedNudge]:
        """Score and record the message; return the nudges to send (none for a retried event).

        With the database unreachable the error still reaches the caller (no nudge), but the
        message's record, scored without its thread's context, waits in the backlog.
        """
        if not self.watches(msg.channel_id, msg.team_id):
            return []
        lock = self._thread_lock(msg)  # held in a local: the weak dictionary keeps it while in use
        with lock:
            try:
                with self.store.connection() as db:  # one connection: the reads, then one write
                    planned = self._handle(msg, db)
            except (OperationalError, InterfaceError):
                self._keep_for_later(msg)
                raise
        if self.backlog is not None:
            self.backlog.nudge()  # the database answers: records kept during an outage can go now
        return planned

    def _keep_for_later(self, msg: IncomingMessage) -> None:
        if self.backlog is None:
            return
        try:
            role = self._role(msg)  # a team first seen during the outage has no settings to go by
        except SQLAlchemyError:
            log.error("database unavailable and team %s not yet known: event %s not kept", msg.team_id, msg.event_id)
            return
        self.backlog.keep(self._record(msg, role, analyze(msg.text, Context())))

    def _role(self, msg: IncomingMessage) -> str:
        return self.directory.for_team(msg.team_id).role(msg.user_id, external=msg.external)

    def _record(self, msg: IncomingMessage, role: str, analysis: Analysis) -> MessageRecord:
        return MessageRecord(
            team_id=msg.team_id,
            event_id=msg.event_id,
            channel_id=msg.channel_id,
            thread_ts=msg.root_ts,
            ts=msg.ts,
            user_id=msg.user_id,
            role=role,
            frustration=analysis.frustration,
            curtness=analysis.curtness,
            warmth=analysis.warmth,
            compound=analysis.compound,
            cues=analysis.cue_names,
            judgeable=analysis.judgeable,
            frustrated=role == nudges.CUSTOMER and analysis.is_frustrated(self.settings.frustration_threshold),
            curt=role == nudges.AGENT and analysis.is_curt(self.settings.curtness_threshold),
            created_at=msg.sent_at,
        )

    def _handle(self, msg: IncomingMessage, db: Connection) -> list[PlannedNudge]:
        role = self._role(msg)
        summary = self.store.thread_summary(msg.team_id, msg.channel_id, msg.root_ts, msg.ts, conn=db)
        if role == nudges.CUSTOMER:
            waiting = None
            if summary.first_unanswered_at is not None:
                waiting = max((msg.sent_at - summary.first_unanswered_at).total_seconds() / 60, 0.0)
            context = Context(unanswered=summary.unanswered + 1, minutes_waiting=waiting)
        else:
            context = Context(customer_frustration=summary.last_customer_frustration)
        analysis = analyze(msg.text, context)
        record = self._record(msg, role, analysis)
        frustrated, curt = record.frustrated, record.curt
        kind, targets = self._targets(msg, role, summary, frustrated, curt, db)
        phrases: tuple[PhraseLike, ...] = ()
        rewritten = None
        if targets:
            rewritten = self.suggester.rewrite(msg.text) if kind == nudges.CURT_REPLY else None
            phrases = tuple(self._phrases(msg, kind, analysis, summary))
        now = self.clock()
        planned = [NewNudge(t, kind, tuple(p.id for p in phrases), analysis.cue_names, now) for t in targets]
        ids = self.store.record(record, planned, conn=db)  # the message and its nudges, one transaction
        if ids is None:
            log.info("event %s already handled (a Slack retry); no nudge", msg.event_id)
            return []
        return [
            PlannedNudge(
                nudge_id=nudge_id,
                kind=kind,
                target=target,
                team_id=msg.team_id,
                channel_id=msg.channel_id,
                thread_ts=msg.root_ts,
                post_thread_ts=msg.thread_ts,
                author_id=msg.user_id,
                analysis=analysis,
                phrases=phrases,
                rewrite=rewritten,
            )
            for nudge_id, target in zip(ids, targets, strict=True)
        ]

    def _targets(
        self, msg: IncomingMessage, role: str, summary: ThreadSummary, frustrated: bool, curt: bool, db: Connection
    ) -> tuple[str, list[str]]:
        """The nudge kind this message calls for, and the agents who should get it now."""
        if frustrated:
            channel_agents: list[str] = []
            if not summary.agents:  # the thread's own agents, when there are any, are the only candidates
                limit = self.settings.max_channel_agents
                channel_agents = self.store.recent_channel_agents(msg.team_id, msg.channel_id, limit, conn=db)
                if not channel_agents:
                    channel_agents = sorted(self.directory.for_team(msg.team_id).agents())
            candidates = nudges.customer_nudge_candidates(summary.agents, channel_agents, self.settings.max_channel_agents)
            kind = nudges.FRUSTRATED_CUSTOMER
        elif curt:
            candidates = nudges.curt_nudge_candidates(msg.user_id, role)
            kind = nudges.CURT_REPLY
        else:
            return "", []
        agents = self.directory.for_team(msg.team_id).agents()
        return kind, [t for t in nudges.only_agents(candidates, agents) if self._may_nudge(msg, t, db)]

    def _phrases(self, msg: IncomingMessage, kind: str, analysis: Analysis, summary: ThreadSummary) -> list[PhraseLike]:
        if kind == nudges.CURT_REPLY and summary.last_customer_frustration is not None:
            # phrasings for the customer being answered, matched on their cues (their text is gone)
            return self.suggester.suggest_for_cues(summary.last_customer_cues, summary.last_customer_frustration, k=2)
        return self.suggester.suggest(analysis, k=3 if kind == nudges.FRUSTRATED_CUSTOMER else 2, text=msg.text)

    def _may_nudge(self, msg: IncomingMessage, agent: str, db: Connection) -> bool:
        now = self.clock()
        enabled, muted, last_nudged_at = self.store.nudge_gate(msg.team_id, agent, msg.channel_id, msg.root_ts, now, conn=db)
        gate = nudges.AgentGate(enabled=enabled, muted=muted, last_nudged_at=last_nudged_at)
        return nudges.may_nudge(gate, now, timedelta(minutes=self.settings.nudge_cooldown_minutes))
