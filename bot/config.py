"""Settings read once from the environment (and a `.env` file, via python-dotenv).

Every variable of the public contract in DESIGN.md is read here and nowhere else, so an
operator can find the whole configuration surface in one file. A malformed value raises
`ConfigError` naming the variable, instead of failing later somewhere obscure.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import dotenv_values

DEFAULT_API_URL = "https://slack.com/api/"
DEFAULT_DATABASE_URL = "sqlite:///kindly.db"

_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,}$")
_GROUP_ID = re.compile(r"^S[A-Z0-9]{2,}$")


class ConfigError(ValueError):
    """A configuration variable is missing or malformed; the message names it."""


@dataclass(frozen=True)
class Settings:
    """Typed view of the environment. Build it with `load_settings()`."""

    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_client_id: str | None = None
    slack_client_secret: str | None = None
    slack_api_url: str = DEFAULT_API_URL
    port: int = 3000
    database_url: str = DEFAULT_DATABASE_URL
    agents: frozenset[str] = frozenset()
    agent_group: str | None = None
    leads: frozenset[str] = frozenset()
    channels: frozenset[str] = frozenset()
    phrasebank_dir: Path | None = None
    # Sensitivity and politeness of nudging (see README "Configuration").
    frustration_threshold: float = 0.6
    curtness_threshold: float = 0.55
    nudge_cooldown_minutes: int = 10
    max_channel_agents: int = 3
    retention_days: int = 90
    log_format: str = "text"
    log_level: str = "INFO"
    extra: Mapping[str, str] = field(default_factory=dict)

    @property
    def socket_mode(self) -> bool:
        return bool(self.slack_app_token)

    @property
    def oauth_enabled(self) -> bool:
        return bool(self.slack_client_id and self.slack_client_secret)

    def require_slack_credentials(self) -> None:
        """Fail early with the variable's name when the app cannot talk to Slack."""
        if not self.oauth_enabled and not self.slack_bot_token:
            raise ConfigError("SLACK_BOT_TOKEN is required (an xoxb- token) unless OAuth is configured")
        if not self.socket_mode and not self.slack_signing_secret:
            raise ConfigError("SLACK_SIGNING_SECRET is required in HTTP mode (no SLACK_APP_TOKEN set)")


def _ids(env: Mapping[str, str], name: str, pattern: re.Pattern[str], what: str) -> frozenset[str]:
    raw = env.get(name, "") or ""
    ids = [part.strip() for part in raw.split(",") if part.strip()]
    for item in ids:
        if not pattern.match(item):
            raise ConfigError(f"{name}: {item!r} is not a Slack {what} ID")
    return frozenset(ids)


def _int(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}: {raw!r} is not a whole number") from None
    if not low <= value <= high:
        raise ConfigError(f"{name}: {value} is outside {low}..{high}")
    return value


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name}: {raw!r} is not a number") from None
    if not 0.0 <= value <= 1.0:
        raise ConfigError(f"{name}: {value} must be between 0 and 1")
    return value


def _token(env: Mapping[str, str], name: str, prefix: str) -> str | None:
    raw = (env.get(name) or "").strip()
    if not raw:
        return None
    if not raw.startswith(prefix):
        raise ConfigError(f"{name}: must start with {prefix!r}")
    return raw


def _optional(env: Mapping[str, str], name: str) -> str | None:
    raw = (env.get(name) or "").strip()
    return raw or None


def _api_url(env: Mapping[str, str]) -> str:
    raw = (env.get("SLACK_API_URL") or "").strip() or DEFAULT_API_URL
    if not re.match(r"^https?://[^\s/]+", raw):
        raise ConfigError(f"SLACK_API_URL: {raw!r} is not an http(s) URL")
    return raw if raw.endswith("/") else raw + "/"


def _database_url(env: Mapping[str, str]) -> str:
    raw = (env.get("DATABASE_URL") or "").strip() or DEFAULT_DATABASE_URL
    if "://" not in raw:
        raise ConfigError(f"DATABASE_URL: {raw!r} is not a SQLAlchemy URL (e.g. sqlite:///kindly.db)")
    return raw


def _choice(env: Mapping[str, str], name: str, default: str, choices: tuple[str, ...]) -> str:
    raw = (env.get(name) or "").strip().lower() or default
    if raw not in choices:
        raise ConfigError(f"{name}: {raw!r} is not one of {', '.join(choices)}")
    return raw


def settings_from(env: Mapping[str, str]) -> Settings:
    """Build settings from a mapping (tests pass their own; `load_settings` passes the environment)."""
    group = _optional(env, "KINDLY_AGENT_GROUP")
    if group and not _GROUP_ID.match(group):
        raise ConfigError(f"KINDLY_AGENT_GROUP: {group!r} is not a Slack user group ID (S...)")
    phrasebank = _optional(env, "PHRASEBANK_DIR")
    return Settings(
        slack_bot_token=_token(env, "SLACK_BOT_TOKEN", "xoxb-"),
        slack_signing_secret=_optional(env, "SLACK_SIGNING_SECRET"),
        slack_app_token=_token(env, "SLACK_APP_TOKEN", "xapp-"),
        slack_client_id=_optional(env, "SLACK_CLIENT_ID"),
        slack_client_secret=_optional(env, "SLACK_CLIENT_SECRET"),
        slack_api_url=_api_url(env),
        port=_int(env, "PORT", 3000, 0, 65535),
        database_url=_database_url(env),
        agents=_ids(env, "KINDLY_AGENTS", _USER_ID, "user"),
        agent_group=group,
        leads=_ids(env, "KINDLY_LEADS", _USER_ID, "user"),
        channels=_ids(env, "KINDLY_CHANNELS", _CHANNEL_ID, "channel"),
        phrasebank_dir=Path(phrasebank) if phrasebank else None,
        frustration_threshold=_float(env, "KINDLY_FRUSTRATION_THRESHOLD", 0.6),
        curtness_threshold=_float(env, "KINDLY_CURTNESS_THRESHOLD", 0.55),
        nudge_cooldown_minutes=_int(env, "KINDLY_NUDGE_COOLDOWN_MINUTES", 10, 0, 24 * 60),
        max_channel_agents=_int(env, "KINDLY_MAX_CHANNEL_AGENTS", 3, 1, 50),
        retention_days=_int(env, "KINDLY_RETENTION_DAYS", 90, 1, 3650),
        log_format=_choice(env, "LOG_FORMAT", "text", ("text", "json")),
        log_level=_choice(env, "LOG_LEVEL", "info", ("debug", "info", "warning", "error")).upper(),
        extra={k: v for k, v in env.items() if k.startswith("KINDLY_")},
    )


def load_settings(env_file: str | os.PathLike[str] | None = ".env") -> Settings:
    """Read `.env` (if present) under the real environment; the environment wins."""
    merged: dict[str, str] = {}
    if env_file and Path(env_file).is_file():
        merged.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    merged.update(os.environ)
    return settings_from(merged)
