"""`.env.example` documents every variable bot/config.py reads, and parses into valid settings."""

from __future__ import annotations

import re
from pathlib import Path

from dotenv import dotenv_values

from bot.config import settings_from

ROOT = Path(__file__).resolve().parents[1]


def config_variables() -> set[str]:
    source = (ROOT / "bot" / "config.py").read_text()
    return set(re.findall(r'env(?:\.get)?[,(]\s*"([A-Z][A-Z0-9_]+)"', source)) | set(
        re.findall(r'_\w+\(env, "([A-Z][A-Z0-9_]+)"', source)
    )


def test_every_config_variable_is_documented() -> None:
    documented = set(dotenv_values(ROOT / ".env.example"))
    wanted = config_variables()
    assert {"SLACK_BOT_TOKEN", "SLACK_API_URL", "KINDLY_AGENTS", "DATABASE_URL"} <= wanted  # the regex works
    assert wanted - documented == set()


def test_every_documented_variable_has_a_comment() -> None:
    lines = (ROOT / ".env.example").read_text().splitlines()
    variable = re.compile(r"^[A-Z_]+=")
    for i, line in enumerate(lines):
        if variable.match(line):
            above = i - 1
            while above >= 0 and variable.match(lines[above]):  # a group of variables shares one comment
                above -= 1
            assert lines[above].startswith("#"), f"{line.split('=')[0]} has no comment above it"


def test_example_values_are_valid_settings() -> None:
    values = {k: v for k, v in dotenv_values(ROOT / ".env.example").items() if v}
    settings = settings_from(values)
    assert not settings.socket_mode and settings.port == 3000
    assert settings.frustration_threshold == 0.6 and settings.nudge_cooldown_minutes == 10
