"""Tone analysis: pure functions over text, no Slack and no I/O after import."""

from bot.tone.analyzer import analyze
from bot.tone.model import CURT, FRUSTRATED, WARM, Analysis, Context, Cue

__all__ = ["CURT", "FRUSTRATED", "WARM", "Analysis", "Context", "Cue", "analyze"]
