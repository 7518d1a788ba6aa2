"""Kindly: private, patient phrasing help for customer-support agents on Slack."""

__version__ = "0.1.0"
