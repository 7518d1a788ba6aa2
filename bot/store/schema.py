"""The database schema (SQLAlchemy Core). The same tables on SQLite and PostgreSQL.

Privacy: no column holds message text. Messages are kept as IDs, timestamps, scores and
cue names only (DESIGN.md invariant 2). Every table carries `team_id` so each workspace's
data stays apart in every query.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

SCHEMA_VERSION = 5

metadata = MetaData()

# One row per person-written message Kindly scored. `event_id` is unique per team, which is
# what makes a Slack retry (same event_id) unable to produce a second nudge.
messages = Table(
    "messages",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("team_id", String(32), nullable=False),
    Column("event_id", String(64), nullable=False),
    Column("channel_id", String(32), nullable=False),
    Column("thread_ts", String(32), nullable=False),  # the thread's root ts (== ts for a root message)
    Column("ts", String(32), nullable=False),
    Column("user_id", String(32), nullable=False),
    Column("role", String(16), nullable=False),  # "customer" | "agent"
    Column("frustration", Float, nullable=False),
    Column("curtness", Float, nullable=False),
    Column("warmth", Float, nullable=False),
    Column("compound", Float, nullable=False),
    Column("cues", String(512), nullable=False, default=""),  # comma-separated cue names
    Column("judgeable", Boolean, nullable=False, default=True),
    Column("frustrated", Boolean, nullable=False, default=False),  # over the threshold in force then
    Column("curt", Boolean, nullable=False, default=False),
    Column("created_at", DateTime(timezone=True), nullable=False),  # the message's own time (from ts)
    UniqueConstraint("team_id", "event_id", name="uq_messages_event"),
    Index("ix_messages_team_time", "team_id", "created_at"),
    Index("ix_messages_thread", "team_id", "channel_id", "thread_ts"),
    # The digest's "first agent reply after the customer's first message" is one seek here
    # (equality on thread and role, range on time); without it planners walk the time index.
    # Since v3 it also carries curt and user_id, so the digest's other per-thread seeks (curt
    # replies after a frustrated message, the agents of a frustrated thread) never touch the table.
    Index("ix_messages_thread_role_time", "team_id", "channel_id", "thread_ts", "role", "created_at", "curt", "user_id"),
    # The digest's per-week passes read only these columns: a range scan of this index covers
    # them, so a week's figures never read the table (v3). `cues` is empty but on frustrated
    # messages, so it costs the index little.
    Index(
        "ix_messages_week",
        "team_id",
        "created_at",
        "channel_id",
        "thread_ts",
        "role",
        "frustrated",
        "curt",
        "user_id",
        "cues",
    ),
)

# One row per nudge shown to an agent (automatic or on demand).
nudges = Table(
    "nudges",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("team_id", String(32), nullable=False),
    Column("channel_id", String(32), nullable=False),
    Column("thread_ts", String(32), nullable=False),
    Column("message_ts", String(32), nullable=False),  # the message that triggered it
    Column("target_user_id", String(32), nullable=False),  # always an agent
    Column("kind", String(24), nullable=False),  # "frustrated_customer" | "curt_reply" | "on_demand"
    Column("phrase_ids", String(512), nullable=False, default=""),  # comma-separated
    Column("cues", String(512), nullable=False, default=""),
    Column("sent_at", DateTime(timezone=True), nullable=False),
    Column("outcome", String(16), nullable=False, default="none"),  # none|used|more|not_helpful|muted
    Column("outcome_at", DateTime(timezone=True), nullable=True),
    Column("phrase_used", String(64), nullable=True),
    Index("ix_nudges_team_time", "team_id", "sent_at"),
    # The cooldown check's max(sent_at) for one agent and thread is one seek here (v4 added
    # sent_at); without it SQLite answers max() by walking the team's time index backwards.
    Index("ix_nudges_target_thread", "team_id", "target_user_id", "channel_id", "thread_ts", "sent_at"),
)

# A mute silences nudges for one agent: a whole thread (channel_id + thread_ts), or everything
# until `until`. `until` NULL means until unmuted.
mutes = Table(
    "mutes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("team_id", String(32), nullable=False),
    Column("user_id", String(32), nullable=False),
    Column("channel_id", String(32), nullable=True),
    Column("thread_ts", String(32), nullable=True),
    Column("until", DateTime(timezone=True), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_mutes_user", "team_id", "user_id"),
)

# Per-user preferences set from App Home.
user_settings = Table(
    "user_settings",
    metadata,
    Column("team_id", String(32), primary_key=True),
    Column("user_id", String(32), primary_key=True),
    Column("nudges_enabled", Boolean, nullable=False, default=True),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# One row per (team, lead, ISO week): inserting it is the claim that makes a digest go out
# at most once, whatever the number of app processes (DESIGN.md invariant 6).
digest_claims = Table(
    "digest_claims",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("team_id", String(32), nullable=False),
    Column("lead_id", String(32), nullable=False),
    Column("iso_week", String(10), nullable=False),  # e.g. "2026-W47"
    Column("claimed_at", DateTime(timezone=True), nullable=False),
    Column("sent_at", DateTime(timezone=True), nullable=True),
    Column("status", String(16), nullable=False, default="claimed"),  # claimed|sent|failed
    UniqueConstraint("team_id", "lead_id", "iso_week", name="uq_digest_claim"),
)

# Per-workspace configuration set by a workspace admin in Slack (App Home -> Settings), v5.
# A row replaces the KINDLY_AGENTS/AGENT_GROUP/LEADS/CHANNELS defaults for its team as a whole;
# no row: the environment's values (single-workspace mode) or nothing at all (OAuth mode).
# The ID lists are comma-separated Slack IDs; `updated_by` is the admin's user ID.
workspace_settings = Table(
    "workspace_settings",
    metadata,
    Column("team_id", String(32), primary_key=True),
    Column("agents", Text, nullable=False, default=""),
    Column("agent_group", String(32), nullable=True),
    Column("leads", Text, nullable=False, default=""),
    Column("channels", Text, nullable=False, default=""),
    Column("updated_by", String(32), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

schema_version = Table(
    "kindly_schema_version",
    metadata,
    Column("version", Integer, primary_key=True),
    Column("applied_at", DateTime(timezone=True), nullable=False),
)
