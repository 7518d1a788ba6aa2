"""Logging settings: JSON lines on request, and library loggers that could print bodies held back."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from bot.config import settings_from
from bot.logs import JsonFormatter, configure_logging


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    levels = {name: logging.getLogger(name).level for name in ("slack_sdk", "slack_bolt", "bot.bolt")}
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, old in levels.items():
        logging.getLogger(name).setLevel(old)


def test_debug_level_still_keeps_slack_sdk_bodies_out(restore_logging: None) -> None:
    configure_logging(settings_from({"LOG_LEVEL": "debug"}))
    assert logging.getLogger().level == logging.DEBUG
    assert logging.getLogger("slack_sdk").level == logging.INFO  # its DEBUG lines carry request bodies
    assert logging.getLogger("bot.bolt").level >= logging.WARNING  # Bolt logs refused bodies at INFO


def test_json_format_writes_one_object_per_line(restore_logging: None) -> None:
    configure_logging(settings_from({"LOG_FORMAT": "json"}))
    handler = logging.getLogger().handlers[0]
    assert isinstance(handler.formatter, JsonFormatter)
    stream = io.StringIO()
    handler.setStream(stream)  # type: ignore[attr-defined]
    logging.getLogger("bot.test").warning("nudge %s sent", 7)
    entry = json.loads(stream.getvalue().strip())
    assert entry["message"] == "nudge 7 sent" and entry["level"] == "warning" and entry["logger"] == "bot.test"
