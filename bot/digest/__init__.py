"""The weekly digest for team leads: pure metrics over the store, rendering and scheduling.

Nothing in this package imports slack_sdk or slack_bolt; Slack delivery is `bot/slack_digest.py`.
"""
