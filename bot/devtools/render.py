"""Block Kit to terminal text, so the demo can show what a person would see in Slack."""

from __future__ import annotations

import re
import textwrap
from typing import Any

_EMOJI = {
    ":seedling:": "🌱",
    ":warning:": "⚠️ ",
    ":white_check_mark:": "✅",
    ":clipboard:": "📋",
    ":zipper_mouth_face:": "🤐",
    ":bell:": "🔔",
}
_DATE = re.compile(r"<!date\^\d+\^[^|>]*\|([^>]*)>")


def mrkdwn(text: str) -> str:
    """Slack mrkdwn to plain text: emoji, bold/italic marks and escapes."""
    for code, char in _EMOJI.items():
        text = text.replace(code, char)
    text = _DATE.sub(r"\1", text)
    text = re.sub(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])", r"\1", text)
    text = re.sub(r"(?<![\w_])_([^_\n]+)_(?![\w_])", r"\1", text)
    text = text.replace("```", "")
    return text.replace("&gt;", ">").replace("&lt;", "<").replace("&amp;", "&")


def _wrap(text: str, width: int, indent: str) -> list[str]:
    lines: list[str] = []
    for raw in text.splitlines() or [""]:
        quote = raw.startswith("> ")
        body = raw[2:] if quote else raw
        prefix = indent + ("┃ " if quote else "")
        lines.extend(textwrap.wrap(body, width - len(prefix), initial_indent=prefix, subsequent_indent=prefix) or [prefix])
    return lines


def _label(element: dict[str, Any]) -> str:
    return str((element.get("text") or {}).get("text") or element.get("action_id") or "?")


def render_blocks(blocks: list[dict[str, Any]], width: int = 88, indent: str = "") -> str:
    out: list[str] = []
    for block in blocks:
        kind = block.get("type")
        if kind in ("section", "header"):
            text = mrkdwn(str((block.get("text") or {}).get("text") or ""))
            out.extend(_wrap(text.upper() if kind == "header" else text, width, indent))
            accessory = block.get("accessory")
            if accessory and accessory.get("type") == "button":
                out.append(f"{indent}  [ {_label(accessory)} ]")
        elif kind == "context":
            for element in block.get("elements", []):
                out.extend(_wrap(mrkdwn(str(element.get("text") or "")), width, indent + "  "))
        elif kind == "actions":
            labels = []
            for element in block.get("elements", []):
                if element.get("type") == "button":
                    labels.append(f"[ {_label(element)} ]")
                else:
                    placeholder = (element.get("placeholder") or {}).get("text") or "choose"
                    labels.append(f"[ {placeholder} ▾ ]")
            out.append(indent + "  ".join(labels))
        elif kind == "divider":
            out.append(indent + "─" * 20)
        elif kind == "input":
            label = (block.get("label") or {}).get("text") or ""
            out.append(f"{indent}{label}: [ ____________ ]")
    return "\n".join(out)
