"""Fixtures of the digest tests; the builders live in digest_helpers.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from digest_helpers import StoreBuilder, make_test_engine
from sqlalchemy import Engine


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    eng = make_test_engine(tmp_path / "kindly.db")
    yield eng
    eng.dispose()


@pytest.fixture
def store(engine: Engine) -> StoreBuilder:
    return StoreBuilder(engine)
