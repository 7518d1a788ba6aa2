"""Helpers for tests: constants, settings, and the real app served over HTTP against a fake Slack."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, create_engine, select
from sqlalchemy.engine import make_url

from bot.config import Settings, settings_from
from bot.devtools.fake_slack import FakeSlack
from bot.devtools.payloads import SignedSender

SECRET = "test-signing-secret"
AGENT = "UAGENT1"
AGENT2 = "UAGENT2"
CUSTOMER = "UCUST1"
EXTERNAL = "UEXT1"
OTHER_TEAM = "TOTHERORG"
CHANNEL = "CSUPPORT"

# Read at import, before the autouse `clean_env` fixture clears every KINDLY_ variable.
POSTGRES_URL = os.environ.get("KINDLY_TEST_POSTGRES_URL") or None
BACKENDS = ("sqlite", "postgresql")
POSTGRES_SKIP = "PostgreSQL variant SKIPPED: KINDLY_TEST_POSTGRES_URL is not set (.ci/run sets it)"


def database_url(db: Path | str) -> str:
    """A SQLAlchemy URL for `db`: a SQLite file path, or already a URL (PostgreSQL)."""
    return db if isinstance(db, str) and "://" in db else f"sqlite:///{db}"


@contextmanager
def fresh_postgres_schema(base_url: str) -> Iterator[str]:
    """A new, empty schema for one test; yields a URL whose connections see only it.

    A schema is far cheaper than a database (no template copy) and just as isolated: the
    app's unqualified table names resolve through `search_path`.
    """
    name = f"kt_{uuid.uuid4().hex[:16]}"
    admin = create_engine(base_url)
    try:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{name}"')
        url = make_url(base_url).update_query_dict({"options": f"-csearch_path={name}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
        admin.dispose()


def dump_database(url: str) -> str:
    """Every row of every table, as text: what a reader of the database could see."""
    engine = create_engine(url)
    try:
        meta = MetaData()
        meta.reflect(engine)
        with engine.connect() as conn:
            return "\n".join(repr(row) for table in meta.sorted_tables for row in conn.execute(select(table)))
    finally:
        engine.dispose()


def make_settings(fake: FakeSlack, db: Path | str, **extra: str) -> Settings:
    env = {
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake.api_url,
        "DATABASE_URL": database_url(db),
        "KINDLY_AGENTS": f"{AGENT},{AGENT2}",
        **extra,
    }
    return settings_from(env)


@dataclass
class Running:
    """The real Kindly app, served over HTTP on a loopback port, talking to a fake Slack."""

    app: Any
    kindly: Any
    server: Any
    url: str
    fake: FakeSlack
    db: Path | str
    sender: SignedSender

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.kindly.close()


def start_app(fake: FakeSlack, db: Path | str, **extra: str) -> Running:
    from bot.app import build_app, serve_http_in_thread

    app, kindly = build_app(make_settings(fake, db, **extra))
    server, url = serve_http_in_thread(app, kindly=kindly)
    return Running(app, kindly, server, url, fake, db, SignedSender(url, SECRET))


def shown_text(blocks: object) -> str:
    """Every string Slack renders in these blocks (text objects), not button values or IDs."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "text" and isinstance(value, str):
                    found.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(blocks)
    return "\n".join(found)
