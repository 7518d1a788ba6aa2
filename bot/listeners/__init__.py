"""Thin Slack adapters, one module per kind, as in Slack's bolt-python starter template."""

from slack_bolt import App

from bot.listeners import actions, commands, events, shortcuts, views


def register_listeners(app: App) -> None:
    actions.register(app)
    commands.register(app)
    shortcuts.register(app)
    views.register(app)
    events.register(app)  # last: it ends with the catch-all for message subtypes Kindly ignores
