"""Turn Slack message markup into the plain words a person reads, before scoring.

Slack sends `<@U123>` mentions, `<#C123|name>` channels, `<https://…|label>` links, code
spans and `:shortcode:` emoji, with `&`, `<` and `>` escaped. None of that is sentiment,
except emoji: `:rage:` is anger, `:pray:` or `:slightly_smiling_face:` are not.
"""

from __future__ import annotations

import re
from typing import NamedTuple

MAX_CHARS = 4000  # longer texts are judged on their first MAX_CHARS characters

_CODE_BLOCK = re.compile(r"```.*?(?:```|$)", re.S)
_CODE_SPAN = re.compile(r"`[^`\n]*`")
_LINK = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")
_SHORTCODE = re.compile(r":([a-z0-9_+\-']+):")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u2028-\u202e\ufeff]")

# Emoji that signal anger or exasperation, as Slack shortcodes and as characters.
ANGRY_SHORTCODES = frozenset(
    {
        "rage", "angry", "pout", "triumph", "face_with_symbols_on_mouth", "cursing_face",
        "unamused", "face_with_rolling_eyes", "roll_eyes", "facepalm", "face_palm",
        "man-facepalming", "woman-facepalming", "person_facepalming", "-1", "thumbsdown",
        "middle_finger", "reversed_hand_with_middle_finger_extended", "anger", "tired_face",
        "weary", "confounded", "persevere", "expressionless", "neutral_face", "exploding_head",
    }
)  # fmt: skip
ANGRY_CHARACTERS = frozenset("😡😠🤬😤🙄👎🖕💢🤦😩😫😖😒🤯")


class PlainText(NamedTuple):
    text: str  # what VADER and the cues read
    angry_emoji: int  # emoji that signal anger, counted before they were removed
    other_emoji: int  # shortcodes that carry no anger (removed: VADER does not know them)
    truncated: bool


def _collapse_spaces(text: str) -> str:
    if "  " in text or "\n" in text or "\t" in text or "\r" in text or text[:1] == " " or text[-1:] == " ":
        return " ".join(text.split())
    return text


def _link(match: re.Match[str]) -> str:
    target, label = match.group(1), match.group(2)
    if target.startswith(("@", "!")):
        return " "  # mentions and broadcasts carry no tone
    if target.startswith("#"):
        return f" {label or 'channel'} "
    return f" {label} " if label else " link "


def to_plain(text: str) -> PlainText:
    """Strip Slack markup; keep the words a person would read."""
    truncated = len(text) > MAX_CHARS
    if truncated:
        text = text[:MAX_CHARS]
    if not text.isprintable() and _CONTROL.search(text):
        text = _CONTROL.sub(" ", text)
    angry = other = 0
    if "`" in text:
        text = _CODE_SPAN.sub(" ", _CODE_BLOCK.sub(" ", text))
    if "<" in text:
        text = _LINK.sub(_link, text)
    if text.count(":") >= 2:
        codes = _SHORTCODE.findall(text)
        if codes:
            angry = sum(1 for code in codes if code in ANGRY_SHORTCODES)
            other = len(codes) - angry
            text = _SHORTCODE.sub(" ", text)
    if "&" in text:
        text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    if not text.isascii():
        angry += sum(1 for ch in text if ch in ANGRY_CHARACTERS)
    return PlainText(text=_collapse_spaces(text), angry_emoji=angry, other_emoji=other, truncated=truncated)
