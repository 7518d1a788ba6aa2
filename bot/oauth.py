"""Multi-workspace installs: Bolt's OAuth flow with slack_sdk's SQLAlchemy stores in Kindly's database.

When SLACK_CLIENT_ID and SLACK_CLIENT_SECRET are set, GET /slack/install offers "Add to Slack"
and GET /slack/oauth_redirect completes the install; each workspace's bot token is kept in
`slack_installations`/`slack_bots`, OAuth state in `slack_oauth_states`, beside Kindly's own
tables. Bolt then authorizes every request by its team, and every Kindly query is scoped by
that team ID, so workspaces never see each other's figures or settings.
"""

from __future__ import annotations

from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Engine

from bot.config import Settings

# What each scope is for: README.md ("Scopes, and why") and manifest.yml.
BOT_SCOPES = (
    "channels:history",
    "groups:history",
    "chat:write",
    "commands",
    "users:read",
    "usergroups:read",
    "im:write",
    "files:write",
)
STATE_EXPIRATION_SECONDS = 600


def oauth_settings(settings: Settings, engine: Engine) -> OAuthSettings:
    """Install and redirect endpoints backed by the app's own database (tables created if missing)."""
    assert settings.slack_client_id and settings.slack_client_secret
    installations = SQLAlchemyInstallationStore(client_id=settings.slack_client_id, engine=engine)
    states = SQLAlchemyOAuthStateStore(expiration_seconds=STATE_EXPIRATION_SECONDS, engine=engine)
    installations.create_tables()  # checkfirst: safe on every start and from several processes
    states.create_tables()
    return OAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        scopes=list(BOT_SCOPES),
        installation_store=installations,
        installation_store_bot_only=True,
        state_store=states,
        state_expiration_seconds=STATE_EXPIRATION_SECONDS,
    )
