"""Block Kit rendering. Every user-typed string passes through `escape` and `clip` here.

Slack parses `<!channel>`, `<@U…>` and `<http…|…>` in mrkdwn and plain text alike, so text a
person typed is escaped before Kindly echoes it; and every string is clipped to the field's
limit (with a visible marker) so Slack never rejects a message because a draft was long.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from bot import nudges
from bot.store import WeekStats
from bot.store.workspaces import WorkspaceSettings
from bot.suggestions import PhraseLike, Rewritten
from bot.tone import Analysis

Block = dict[str, Any]

SECTION_LIMIT = 3000
HEADER_LIMIT = 150
BUTTON_TEXT_LIMIT = 75
BUTTON_VALUE_LIMIT = 2000
CONTEXT_LIMIT = 2000
MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
TITLE_LIMIT = 24
OPTION_LIMIT = 75
FALLBACK_LIMIT = 3000
HOME_UNFILTERED = 12  # phrases on App Home before the agent picks an intent or situation
DRAFT_SHOWN = 1200  # a draft longer than this is shown cut, with a note

ACTION_USE = "nudge_use"
ACTION_MORE = "nudge_more"
ACTION_NOT_HELPFUL = "nudge_not_helpful"
ACTION_MUTE = "nudge_mute"
ACTION_HOME_TOGGLE = "home_toggle_nudges"
ACTION_HOME_MUTE = "home_mute_hour"
ACTION_HOME_UNMUTE = "home_unmute"
ACTION_HOME_INTENT = "home_pick_intent"
ACTION_HOME_SITUATION = "home_pick_situation"
COMPOSE_CALLBACK = "kindly_compose"
ACTION_HOME_WORKSPACE_SETTINGS = "home_workspace_settings"
WORKSPACE_SETTINGS_CALLBACK = "kindly_workspace_settings"
CHECK_TONE_CALLBACK = "kindly_check_tone"

_PARTIAL_ENTITY = re.compile(r"&[a-z]{0,4}$")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_DEBUG_NOTE = re.compile(r"\s*\(customer cues:[^)]*\)")  # the rewriter's working note, not for agents


def reason_text(reason: str) -> str:
    return escape(_DEBUG_NOTE.sub("", reason))


def escape(text: str) -> str:
    """Make typed text inert: `<!channel>` and `<@U1>` are shown, not triggered."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int, marker: str = "…") -> str:
    """Cut already-escaped text to `limit` characters without splitting an entity."""
    if len(text) <= limit:
        return text
    cut = _PARTIAL_ENTITY.sub("", text[: max(limit - len(marker), 0)])
    return cut + marker


def user_text(text: str, limit: int) -> str:
    """Escape and clip text a person typed, saying visibly when it was cut."""
    safe = escape(text)
    if len(safe) <= limit:
        return safe
    note = f"… _(cut: {len(text)} characters in all)_"
    if len(note) * 2 > limit:  # no room to explain: a bare ellipsis still shows the cut
        return clip(safe, limit)
    return clip(safe, limit - len(note), marker="") + note


def quote(text: str, limit: int = SECTION_LIMIT) -> str:
    """A block quote of typed text (each line prefixed, so Slack keeps it one quote)."""
    body = user_text(text, limit - 200)
    return "\n".join("&gt; " + line for line in body.splitlines() or [""])


def copyable(text: str, limit: int = SECTION_LIMIT) -> str:
    """Text in a code block, easy to select and copy."""
    return "```" + user_text(text.replace("```", "'''"), limit - 6) + "```"


def section(text: str, accessory: Block | None = None, block_id: str | None = None) -> Block:
    block: Block = {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, SECTION_LIMIT)}}
    if accessory:
        block["accessory"] = accessory
    if block_id:
        block["block_id"] = block_id
    return block


def context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": clip(text, CONTEXT_LIMIT)}]}


def header(text: str) -> Block:
    return {"type": "header", "text": {"type": "plain_text", "text": clip(text, HEADER_LIMIT), "emoji": True}}


def divider() -> Block:
    return {"type": "divider"}


def button(text: str, action_id: str, value: str = "", style: str | None = None) -> Block:
    element: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": clip(text, BUTTON_TEXT_LIMIT), "emoji": True},
        "action_id": action_id,
    }
    if value:
        element["value"] = value[:BUTTON_VALUE_LIMIT]
    if style:
        element["style"] = style
    return element


def actions(*elements: Block, block_id: str | None = None) -> Block:
    block: Block = {"type": "actions", "elements": list(elements)[:25]}
    if block_id:
        block["block_id"] = block_id
    return block


def capped(blocks: Sequence[Block], limit: int = MESSAGE_BLOCKS) -> list[Block]:
    """Keep within Slack's block count; the last block (usually the buttons) is kept."""
    if len(blocks) <= limit:
        return list(blocks)
    return [*blocks[: limit - 1], blocks[-1]]


def fallback(text: str) -> str:
    return clip(text, FALLBACK_LIMIT)


# nudges ---------------------------------------------------------------------------------------


def encode_value(**fields: Any) -> str:
    """Button values carry IDs only (and, for a rewrite, the agent's own draft, clipped)."""
    value = json.dumps(fields, separators=(",", ":"))
    if len(value) > BUTTON_VALUE_LIMIT and "r" in fields:
        fields["r"] = fields["r"][: BUTTON_VALUE_LIMIT - len(value) + len(fields["r"]) - 50]
        value = json.dumps(fields, separators=(",", ":"))
    return value


def decode_value(raw: str | None) -> dict[str, Any]:
    try:
        value = json.loads(raw or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def noticed_lines(analysis: Analysis, kinds: Iterable[str]) -> list[str]:
    wanted = set(kinds)
    return [f"• {escape(cue.explanation)}" for cue in analysis.cues if cue.kind in wanted]


def phrase_blocks(nudge_id: int | None, phrases: Sequence[PhraseLike], author_id: str | None = None) -> list[Block]:
    blocks = []
    for phrase in phrases:
        use = None
        if nudge_id is not None:
            value = encode_value(n=nudge_id, p=phrase.id, a=author_id or "")
            use = button("Use this", ACTION_USE, value, style="primary")
        intent = escape(str(phrase.intent).replace("_", " "))
        text = _PLACEHOLDER.sub(r"[\1]", phrase.text)  # slots read as "fill me in", like "Use this" shows them
        blocks.append(section(f"{quote(text, 2500)}\n_{intent}_", accessory=use))
    return blocks


def nudge_buttons(nudge_id: int) -> Block:
    value = encode_value(n=nudge_id)
    return actions(
        button("More", ACTION_MORE, value),
        button("Not helpful", ACTION_NOT_HELPFUL, value),
        button("Mute this thread", ACTION_MUTE, value, style="danger"),
        block_id=f"nudge_{nudge_id}",
    )


def frustrated_customer_nudge(
    nudge_id: int, analysis: Analysis, phrases: Sequence[PhraseLike], author_id: str
) -> tuple[str, list[Block]]:
    """What an agent privately sees when a customer in their thread sounds frustrated."""
    noticed = noticed_lines(analysis, ("frustration", "info")) or ["• the overall tone reads as upset"]
    blocks: list[Block] = [
        section(":seedling: *This customer sounds frustrated.* Only you can see this.\n*What I noticed:*"),
        context("\n".join(noticed)),
    ]
    if phrases:
        blocks.append(section("*Phrasings that might fit:*"))
        blocks.extend(phrase_blocks(nudge_id, phrases, author_id))
    blocks.append(nudge_buttons(nudge_id))
    text = "Kindly: this customer sounds frustrated. " + "; ".join(line[2:] for line in noticed)
    return fallback(text), capped(blocks)


def curt_reply_nudge(
    nudge_id: int, analysis: Analysis, rewrite: Rewritten | None, phrases: Sequence[PhraseLike]
) -> tuple[str, list[Block]]:
    """What an agent privately sees when their own reply may read as curt."""
    reasons = noticed_lines(analysis, ("curt",))
    if rewrite:
        reasons += [f"• {reason_text(change.reason)}" for change in rewrite.changes if change.reason]
    reasons = list(dict.fromkeys(reasons)) or ["• it is short and gives the customer little to hold on to"]
    blocks: list[Block] = [
        section(":seedling: *Your reply may read as curt* to a customer who is already upset. Only you can see this."),
        context("\n".join(reasons[:10])),
    ]
    if rewrite and rewrite.changed:
        use = button("Use this", ACTION_USE, encode_value(n=nudge_id, r=rewrite.text), style="primary")
        blocks.append(section("*A warmer way to say it:*\n" + quote(rewrite.text, 2800), accessory=use))
    if phrases:
        blocks.append(section("*Phrasings that might help:*"))
        blocks.extend(phrase_blocks(nudge_id, phrases))
    blocks.append(nudge_buttons(nudge_id))
    return fallback("Kindly: your reply may read as curt. " + "; ".join(r[2:] for r in reasons)), capped(blocks)


def ready_to_paste(text: str, nudge_id: int | None = None) -> tuple[str, list[Block]]:
    """Shown after "Use this": the words in a code block, easy to copy."""
    blocks = [section(":clipboard: *Ready to paste* (select and copy):"), section(copyable(text))]
    if nudge_id is not None:
        blocks.append(context("Adjust it to your own voice before sending. Kindly never posts for you."))
    return fallback("Ready to paste: " + escape(text)), blocks


def more_phrases(nudge_id: int, phrases: Sequence[PhraseLike], author_id: str | None) -> tuple[str, list[Block]]:
    if not phrases:
        blocks = [section("That's every phrasing I have for this one. Your own words are often the kindest.")]
        return fallback("No more phrasings."), blocks
    blocks = [
        section("*More phrasings:*"),
        *phrase_blocks(nudge_id, phrases, author_id),
        nudge_buttons(nudge_id),
    ]
    return fallback("More phrasings from Kindly."), capped(blocks)


def acknowledged(text: str) -> tuple[str, list[Block]]:
    return fallback(text), [context(text)]


# /kindly --------------------------------------------------------------------------------------

HELP = (
    "*Kindly* helps you answer with compassion. Everything here is visible to you alone.\n"
    "• `/kindly refund is late` — phrasings for a situation, in your words\n"
    "• `/kindly check <draft>` — a tone check and a kinder rewrite before you send\n"
    "• `/kindly mute [30m|2h|1d]` — pause nudges (one hour by default); `/kindly unmute`\n"
    "• `/kindly stats` — your week with Kindly\n"
    "• `/kindly settings` — workspace admins: who the agents and leads are, which channels Kindly reads\n"
    "• `/kindly help` — this message\n"
    "Also: the *Check tone* message shortcut, the *Compose with Kindly* shortcut, and the App Home tab."
)


AGENTS_ONLY = (
    "Kindly helps the support team answer customers, so this is for agents only. "
    "If you answer customers, ask your Slack admin to add you to Kindly's agents."
)


def agents_only() -> tuple[str, list[Block]]:
    return acknowledged(AGENTS_ONLY)


def help_message(note: str | None = None) -> tuple[str, list[Block]]:
    blocks = [section(HELP)]
    if note:
        blocks.insert(0, context(note))
    return fallback("Kindly help: /kindly <situation>, check <draft>, mute, unmute, stats."), blocks


def phrases_for(query: str, phrases: Sequence[PhraseLike]) -> tuple[str, list[Block]]:
    shown = user_text(query, 200)
    if not phrases:
        return help_message(f"I have no phrasing for “{shown}” yet. Try other words, or:")
    blocks = [section(f"*Phrasings for* “{shown}”:"), *phrase_blocks(None, phrases)]
    blocks.append(context("Copy one and make it yours. `/kindly check <draft>` checks your reply."))
    return fallback(f"Phrasings for “{shown}”"), capped(blocks)


def describe_scores(analysis: Analysis) -> str:
    def pct(x: float) -> str:
        return f"{round(x * 100)}%"

    a = analysis
    return f"frustration {pct(a.frustration)} · curtness {pct(a.curtness)} · warmth {pct(a.warmth)}"


def tone_check(
    draft: str,
    analysis: Analysis,
    rewrite: Rewritten | None,
    curt_threshold: float,
    limit: int = MESSAGE_BLOCKS,
) -> list[Block]:
    """The analysis of a draft and the suggested rewrite (used by /kindly check and the modals)."""
    blocks: list[Block] = [section("*Your draft:*\n" + quote(draft[: DRAFT_SHOWN * 2], DRAFT_SHOWN + 200))]
    if not analysis.judgeable:
        blocks.append(context("Too short or not in English to judge the tone; here it is as written."))
    elif analysis.is_curt(curt_threshold):
        blocks.append(section(":warning: *It may read as curt.* " + describe_scores(analysis)))
    else:
        blocks.append(section(":white_check_mark: *It reads kindly.* " + describe_scores(analysis)))
    reasons = noticed_lines(analysis, ("curt", "warm", "info"))
    if reasons:
        blocks.append(context("\n".join(reasons[:10])))
    if rewrite and rewrite.changed:
        blocks.append(section("*Suggested rewrite* (select and copy):\n" + copyable(rewrite.text, 2900)))
        why = [f"• {reason_text(c.reason)}" for c in rewrite.changes if c.reason]
        if why:
            blocks.append(context("\n".join(list(dict.fromkeys(why))[:10])))
    return capped(blocks, limit)


def check_result(
    draft: str, analysis: Analysis, rewrite: Rewritten | None, curt_threshold: float
) -> tuple[str, list[Block]]:
    verdict = "may read as curt" if analysis.is_curt(curt_threshold) else "reads kindly"
    return fallback(f"Kindly: your draft {verdict}."), tone_check(draft, analysis, rewrite, curt_threshold)


def plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def week_line(stats: WeekStats, bold: str = "") -> str:
    b = bold
    return (
        f"{b}{plural(stats.received, 'nudge')}{b} received · {b}{stats.used}{b} used · "
        f"{b}{stats.more}{b} asked for more · {b}{stats.dismissed}{b} dismissed"
    )


def stats_message(stats: WeekStats) -> tuple[str, list[Block]]:
    line = "*Your week with Kindly:* " + week_line(stats)
    return fallback(line.replace("*", "")), [section(line)]


def muted_until_text(until: datetime | bool | None) -> str:
    if until is False:
        return "Nudges are on."
    if until is None or isinstance(until, bool):
        return "Nudges are muted until you unmute them."
    return f"Nudges are muted until <!date^{int(until.timestamp())}^{{time}} {{date_short}}|{until:%H:%M UTC}>."


def mute_confirmation(span_text: str) -> tuple[str, list[Block]]:
    return acknowledged(f":zipper_mouth_face: Muted for {span_text}. `/kindly unmute` turns nudges back on.")


# App Home -------------------------------------------------------------------------------------


def _option(value: str) -> Block:
    label = value.replace("_", " ")
    return {"text": {"type": "plain_text", "text": clip(label, OPTION_LIMIT)}, "value": value[:150]}


def _select(action_id: str, placeholder: str, values: Sequence[str], selected: str | None) -> Block:
    options = [_option("*"), *(_option(v) for v in values[:99])]
    options[0]["text"]["text"] = "all"
    element: Block = {
        "type": "static_select",
        "action_id": action_id,
        "placeholder": {"type": "plain_text", "text": placeholder},
        "options": options,
    }
    if selected and selected in values:
        element["initial_option"] = _option(selected)
    return element


NOT_SET_UP = (
    ":wave: *Kindly is not set up in this workspace yet.* Until a workspace admin names the agents, "
    "everyone is treated as a customer (so nobody gets nudges) and nobody receives the weekly digest."
)
SETTINGS_REFUSED = (
    "Thanks for wanting to help! Only workspace admins and owners, and the person who installed Kindly, "
    "can change who the agents and leads are. Please ask one of them."
)


def _people(ids: Iterable[str], none: str) -> str:
    ids = sorted(ids)
    if not ids:
        return none
    shown = " ".join(f"<@{i}>" for i in ids[:20])
    return shown + (f" and {len(ids) - 20} more" if len(ids) > 20 else "")


def workspace_summary(ws: WorkspaceSettings) -> str:
    """One paragraph of who-is-who for admins on App Home (IDs render as names in Slack)."""
    group = f" and the members of <!subteam^{ws.agent_group}>" if ws.agent_group else ""
    channels = " ".join(f"<#{c}>" for c in sorted(ws.channels)[:20]) if ws.channels else "every channel Kindly is invited to"
    lines = [
        f"*Agents:* {_people(ws.agents, 'nobody listed' if ws.agent_group else 'nobody yet')}{group}",
        f"*Leads (weekly digest):* {_people(ws.leads, 'nobody yet')}",
        f"*Channels:* {channels}",
    ]
    if ws.stored and ws.updated_by:
        when = f" on {ws.updated_at:%Y-%m-%d}" if ws.updated_at else ""
        lines.append(f"_Last changed by <@{ws.updated_by}>{when}._")
    return "\n".join(lines)


def is_set_up(ws: WorkspaceSettings) -> bool:
    return bool(ws.stored or ws.agents or ws.agent_group)


def workspace_blocks(ws: WorkspaceSettings, can_configure: bool) -> list[Block]:
    """The workspace part of App Home: a setup notice, and for admins the Settings button."""
    blocks: list[Block] = []
    if not is_set_up(ws):
        ask = (
            "Use *Settings* below to choose the agents, the leads who get the digest, and the channels Kindly reads."
            if can_configure
            else "Please ask a workspace admin (or whoever installed Kindly) to open *Settings* on this tab."
        )
        blocks += [section(f"{NOT_SET_UP}\n{ask}"), divider()]
    if can_configure:
        blocks += [
            header("Workspace settings"),
            section(workspace_summary(ws)),
            actions(button("Settings", ACTION_HOME_WORKSPACE_SETTINGS, "open", style="primary"), block_id="home_workspace"),
            context("Only workspace admins and owners, and the person who installed Kindly, see this."),
            divider(),
        ]
    return blocks


def workspace_settings_modal(ws: WorkspaceSettings) -> dict[str, Any]:
    """Admins pick agents, leads and channels with Slack's own pickers; the group ID is typed (validated)."""

    def picker(block_id: str, label: str, hint: str, element: Block) -> Block:
        return {
            "type": "input",
            "block_id": block_id,
            "optional": True,
            "label": {"type": "plain_text", "text": label},
            "hint": {"type": "plain_text", "text": hint},
            "element": element,
        }

    agents: Block = {"type": "multi_users_select", "action_id": "users", "initial_users": sorted(ws.agents)[:100]}
    leads: Block = {"type": "multi_users_select", "action_id": "users", "initial_users": sorted(ws.leads)[:100]}
    channels: Block = {
        "type": "multi_conversations_select",
        "action_id": "conversations",
        "filter": {"include": ["public", "private"], "exclude_bot_users": True},
        "initial_conversations": sorted(ws.channels)[:100],
    }
    group: Block = {"type": "plain_text_input", "action_id": "text", "max_length": 32}
    for element, key in ((agents, "initial_users"), (leads, "initial_users"), (channels, "initial_conversations")):
        if not element[key]:
            del element[key]  # Slack refuses an empty initial list
    if ws.agent_group:
        group["initial_value"] = ws.agent_group
    blocks = [
        section("Everyone who is not an agent is treated as a customer. These settings apply to this workspace only."),
        picker("agents", "Agents", "The people who answer customers: they get Kindly's private nudges.", agents),
        picker(
            "agent_group",
            "Agent user group ID (optional)",
            "Members of this user group are agents too, e.g. S0123ABCD (group page → ⋯ → Copy group ID; paid plans).",
            group,
        ),
        picker("leads", "Team leads", "They receive the weekly digest by DM.", leads),
        picker("channels", "Support channels", "Leave empty to read every channel Kindly is invited to.", channels),
    ]
    return _modal("Kindly settings", blocks, WORKSPACE_SETTINGS_CALLBACK, submit="Save")


def message_modal(text: str) -> dict[str, Any]:
    return _modal("Kindly", [section(text)], "kindly_message")


def settings_refused_modal() -> dict[str, Any]:
    return _modal("Kindly settings", [section(SETTINGS_REFUSED)], "kindly_settings_refused")


def home_view(
    stats: WeekStats,
    enabled: bool,
    muted: datetime | bool | None,
    intents: Sequence[str],
    situations: Sequence[str],
    phrases: Sequence[PhraseLike],
    intent: str | None = None,
    situation: str | None = None,
    sensitivity: str = "",
    workspace: Sequence[Block] = (),
) -> dict[str, Any]:
    """The App Home tab: the workspace notice (if any), the agent's week, their settings and the phrasebank."""
    toggle = "Turn nudges off" if enabled else "Turn nudges on"
    blocks: list[Block] = [
        *workspace,
        header("Your week with Kindly"),
        section(week_line(stats, bold="*")),
        context("Kindly counts nudges, never messages: nothing anyone wrote is kept."),
        divider(),
        header("Settings"),
        section(
            ("Nudges are *on*." if enabled else "Nudges are *off*: Kindly stays silent for you.")
            + " "
            + (muted_until_text(muted) if muted is not False else "")
        ),
        *([context(sensitivity)] if sensitivity else []),
        actions(
            button(toggle, ACTION_HOME_TOGGLE, "off" if enabled else "on"),
            button("Mute for an hour", ACTION_HOME_MUTE, "1h"),
            button("Unmute", ACTION_HOME_UNMUTE, "unmute"),
            block_id="home_settings",
        ),
        divider(),
        header("Phrasebank"),
        actions(
            _select(ACTION_HOME_INTENT, "Intent", intents, intent),
            _select(ACTION_HOME_SITUATION, "Situation", situations, situation),
            block_id="home_filters",
        ),
    ]
    room = VIEW_BLOCKS - len(blocks) - 1
    shown = phrases[: room if intent or situation else min(room, HOME_UNFILTERED)]
    blocks.extend(phrase_blocks(None, shown))
    if len(phrases) > len(shown):
        blocks.append(context(f"{len(phrases) - len(shown)} more: pick an intent or a situation to see them."))
    elif not phrases:
        blocks.append(context("No phrasing matches both filters."))
    metadata = json.dumps({"intent": intent, "situation": situation})
    return {"type": "home", "blocks": blocks[:VIEW_BLOCKS], "private_metadata": metadata}


# modals ---------------------------------------------------------------------------------------


def _modal(title: str, blocks: Sequence[Block], callback_id: str, submit: str | None = None) -> dict[str, Any]:
    view: dict[str, Any] = {
        "type": "modal",
        "callback_id": callback_id,
        "title": {"type": "plain_text", "text": clip(title, TITLE_LIMIT)},
        "close": {"type": "plain_text", "text": "Close"},
        "blocks": capped(blocks, VIEW_BLOCKS),
    }
    if submit:
        view["submit"] = {"type": "plain_text", "text": clip(submit, TITLE_LIMIT)}
    return view


def agents_only_modal() -> dict[str, Any]:
    return _modal("Kindly", [section(AGENTS_ONLY)], "kindly_agents_only")


def compose_modal() -> dict[str, Any]:
    """The global shortcut's form: the customer's message and the agent's draft."""

    def text_input(block_id: str, label: str, hint: str, optional: bool) -> Block:
        return {
            "type": "input",
            "block_id": block_id,
            "optional": optional,
            "label": {"type": "plain_text", "text": label},
            "hint": {"type": "plain_text", "text": hint},
            "element": {
                "type": "plain_text_input",
                "action_id": "text",
                "multiline": True,
                "max_length": 3000,
            },
        }

    blocks = [
        text_input("customer", "Customer's message", "Paste what the customer wrote (optional).", True),
        text_input("draft", "Your draft reply", "Kindly checks the tone and suggests a rewrite.", False),
        context("Nothing you paste here is stored."),
    ]
    return _modal("Compose with Kindly", blocks, COMPOSE_CALLBACK, submit="Check")


def analysis_modal(
    title: str,
    draft: str,
    analysis: Analysis,
    rewrite: Rewritten | None,
    curt_threshold: float,
    customer: Analysis | None = None,
    phrases: Sequence[PhraseLike] = (),
) -> dict[str, Any]:
    blocks: list[Block] = []
    if customer is not None:
        lines = noticed_lines(customer, ("frustration", "info"))
        state = "sounds frustrated" if customer.frustration >= 0.5 else "sounds calm enough"
        blocks.append(section(f"*The customer {state}.* {describe_scores(customer)}"))
        if lines:
            blocks.append(context("\n".join(lines[:10])))
        blocks.append(divider())
    blocks.extend(tone_check(draft, analysis, rewrite, curt_threshold, limit=VIEW_BLOCKS - 20))
    if phrases:
        blocks.append(section("*Phrasings that might help:*"))
        blocks.extend(phrase_blocks(None, phrases))
    return _modal(title, blocks, "kindly_result")


def nudge_kind_label(kind: str) -> str:
    return {
        nudges.FRUSTRATED_CUSTOMER: "frustrated customer",
        nudges.CURT_REPLY: "curt reply",
        nudges.ON_DEMAND: "on demand",
    }.get(kind, kind)
