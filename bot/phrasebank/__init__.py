"""The curated phrasebank: YAML under `phrasebank/`, validated on load, merged with a team's folder.

pb = load_phrasebank(settings.phrasebank_dir)
for phrase in pb.suggest("refund is late", k=3):
    print(render(phrase, name="Sam"))
"""

from bot.phrasebank.bank import Phrasebank, clear_cache, load_phrasebank, render
from bot.phrasebank.loader import BUNDLED_DIR
from bot.phrasebank.schema import (
    INTENTS,
    PLACEHOLDERS,
    SITUATIONS,
    Phrase,
    PhrasebankError,
    Problem,
    Replacement,
)

__all__ = [
    "BUNDLED_DIR",
    "INTENTS",
    "PLACEHOLDERS",
    "SITUATIONS",
    "Phrase",
    "Phrasebank",
    "PhrasebankError",
    "Problem",
    "Replacement",
    "clear_cache",
    "load_phrasebank",
    "render",
]
