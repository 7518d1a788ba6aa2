"""Settings: defaults, parsing, and errors that name the malformed variable."""

from pathlib import Path

import pytest

from bot.config import DEFAULT_API_URL, ConfigError, load_settings, settings_from


def test_defaults_match_the_contract() -> None:
    s = settings_from({})
    assert s.slack_api_url == DEFAULT_API_URL
    assert s.port == 3000
    assert s.database_url == "sqlite:///kindly.db"
    assert s.agents == frozenset() and s.leads == frozenset() and s.channels == frozenset()
    assert s.agent_group is None and s.phrasebank_dir is None
    assert not s.socket_mode
    assert s.nudge_cooldown_minutes == 10


def test_values_are_parsed() -> None:
    s = settings_from(
        {
            "SLACK_BOT_TOKEN": "xoxb-1",
            "SLACK_APP_TOKEN": "xapp-1",
            "SLACK_API_URL": "http://127.0.0.1:9000/api",
            "PORT": "8080",
            "KINDLY_AGENTS": "U1AAA, U2BBB",
            "KINDLY_AGENT_GROUP": "S0GROUP",
            "KINDLY_LEADS": "U3CCC",
            "KINDLY_CHANNELS": "C1SUP,G2PRIV",
            "PHRASEBANK_DIR": "/srv/pb",
            "KINDLY_FRUSTRATION_THRESHOLD": "0.7",
        }
    )
    assert s.socket_mode
    assert s.slack_api_url == "http://127.0.0.1:9000/api/"  # trailing slash added
    assert s.port == 8080
    assert s.agents == {"U1AAA", "U2BBB"}
    assert s.agent_group == "S0GROUP"
    assert s.channels == {"C1SUP", "G2PRIV"}
    assert s.phrasebank_dir == Path("/srv/pb")
    assert s.frustration_threshold == 0.7


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SLACK_BOT_TOKEN", "xapp-wrong-kind"),
        ("SLACK_APP_TOKEN", "xoxb-wrong-kind"),
        ("SLACK_API_URL", "slack.com/api"),
        ("PORT", "eighty"),
        ("PORT", "70000"),
        ("DATABASE_URL", "kindly.db"),
        ("KINDLY_AGENTS", "U1AAA,not-an-id"),
        ("KINDLY_AGENT_GROUP", "U1AAA"),
        ("KINDLY_LEADS", "#general"),
        ("KINDLY_CHANNELS", "support"),
        ("KINDLY_FRUSTRATION_THRESHOLD", "1.5"),
        ("KINDLY_CURTNESS_THRESHOLD", "high"),
        ("KINDLY_NUDGE_COOLDOWN_MINUTES", "-1"),
        ("LOG_FORMAT", "xml"),
    ],
)
def test_malformed_value_names_the_variable(name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=name):
        settings_from({name: value})


def test_missing_credentials_name_the_variable() -> None:
    with pytest.raises(ConfigError, match="SLACK_BOT_TOKEN"):
        settings_from({"SLACK_SIGNING_SECRET": "s"}).require_slack_credentials()
    with pytest.raises(ConfigError, match="SLACK_SIGNING_SECRET"):
        settings_from({"SLACK_BOT_TOKEN": "xoxb-1"}).require_slack_credentials()
    settings_from({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"}).require_slack_credentials()


def test_dotenv_file_is_read_and_the_environment_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("PORT=4000\nKINDLY_LEADS=U9LEAD\n")
    monkeypatch.delenv("KINDLY_LEADS", raising=False)
    monkeypatch.setenv("PORT", "5000")
    s = load_settings(env_file)
    assert s.port == 5000
    assert s.leads == {"U9LEAD"}
