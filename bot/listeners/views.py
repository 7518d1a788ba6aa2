"""Modal submissions: the compose modal answers with the analysis and the rewrite in place."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot import blocks
from bot.app import deps
from bot.drafts import check_draft
from bot.listeners._common import is_agent_user


def _field(view: dict[str, Any], block_id: str) -> str:
    values = (view.get("state") or {}).get("values") or {}
    return str(((values.get(block_id) or {}).get("text") or {}).get("value") or "")


def on_compose_submit(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    user = body.get("user") or {}
    if not is_agent_user(deps(context), user.get("id", ""), user.get("team_id"), context.team_id):
        ack(response_action="update", view=blocks.agents_only_modal())
        return
    draft, customer = _field(view, "draft"), _field(view, "customer")
    if not draft.strip():
        ack(response_action="errors", errors={"draft": "Paste the reply you plan to send."})
        return
    kindly = deps(context)
    result = check_draft(kindly.suggester, draft, customer_text=customer or None)
    modal = blocks.analysis_modal(
        "Compose with Kindly",
        draft,
        result.analysis,
        result.rewrite,
        kindly.settings.curtness_threshold,
        customer=result.customer,
        phrases=result.phrases,
    )
    ack(response_action="update", view=modal)


def register(app: App) -> None:
    app.view(blocks.COMPOSE_CALLBACK)(on_compose_submit)
