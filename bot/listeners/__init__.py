"""Thin Slack adapters, one module per kind, as in Slack's bolt-python starter template."""

from slack_bolt import App

from bot.listeners import actions, commands, events, shortcuts, views


def register_listeners(app: App) -> None:
    # Events first: Bolt tries listeners in registration order, and message events are by far the
    # most frequent requests. The events module's catch-all only matches `message` events, so it
    # cannot shadow an action, command, shortcut or view listener registered after it.
    events.register(app)
    actions.register(app)
    commands.register(app)
    shortcuts.register(app)
    views.register(app)
