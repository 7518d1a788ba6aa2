"""Value types of the tone analyzer. Plain data, so nudges, the store and digests can use them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

FRUSTRATED = 0.5  # default cut-offs; the app's sensitivity settings may override them
CURT = 0.5
WARM = 0.5


class Cue(NamedTuple):
    """One named thing Kindly noticed in a text, with a short explanation a person can read.

    `kind` says which way it points: "frustration", "curt", "warm" or "info" (e.g. not_english).
    A NamedTuple, not a dataclass: analyze() makes several per message and must stay cheap.
    """

    name: str
    explanation: str
    kind: str


@dataclass(frozen=True, slots=True)
class Context:
    """What the conversation around a message tells us.

    unanswered: customer messages in the thread since the last agent reply (this one included).
    minutes_waiting: minutes since the customer's earlier unanswered message, if any.
    customer_frustration: for an agent reply, the frustration of the customer message it answers.
    """

    unanswered: int = 0
    minutes_waiting: float | None = None
    customer_frustration: float | None = None


@dataclass(slots=True)
class Analysis:
    """The judgement of one text. All scores are in [0, 1].

    A value: treat it as read-only. (Not `frozen=True` only because frozen dataclasses cost
    about a microsecond more to build, and analyze() runs on every message.)"""

    vader: dict[str, float]
    frustration: float
    curtness: float
    warmth: float
    cues: tuple[Cue, ...] = ()
    judgeable: bool = True
    length: int = 0
    flags: tuple[str, ...] = field(default=())

    @property
    def compound(self) -> float:
        return self.vader.get("compound", 0.0)

    @property
    def cue_names(self) -> tuple[str, ...]:
        return tuple(cue.name for cue in self.cues)

    def has(self, name: str) -> bool:
        return any(cue.name == name for cue in self.cues)

    def is_frustrated(self, threshold: float = FRUSTRATED) -> bool:
        return self.judgeable and self.frustration >= threshold

    def is_curt(self, threshold: float = CURT) -> bool:
        return self.judgeable and self.curtness >= threshold

    def is_warm(self, threshold: float = WARM) -> bool:
        return self.judgeable and self.warmth >= threshold

    def to_dict(self) -> dict[str, object]:
        return {
            "frustration": round(self.frustration, 3),
            "curtness": round(self.curtness, 3),
            "warmth": round(self.warmth, 3),
            "vader": self.vader,
            "judgeable": self.judgeable,
            "flags": list(self.flags),
            "cues": [{"name": c.name, "kind": c.kind, "explanation": c.explanation} for c in self.cues],
        }
