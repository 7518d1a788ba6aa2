"""`python -m bot demo`: the whole flow offline, as each person would see it.

The real app runs in HTTP mode on a loopback port, against the local fake Slack Web API in
`bot.devtools.fake_slack`. A bundled support conversation is replayed as signed requests,
exactly as Slack would send them, and for every step the demo prints what the customer, the
agents and the channel see. Nothing leaves this machine.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot import blocks
from bot.config import settings_from
from bot.devtools import payloads
from bot.devtools.fake_slack import Call, FakeSlack
from bot.devtools.render import mrkdwn, render_blocks
from bot.devtools.waiting import wait_recorded

CHANNEL = "CSUPPORT"
CHANNEL_NAME = "#support"
DANA, SAM, KIM = "UDANA", "USAM", "UKIM"
PEOPLE = {DANA: "Dana (customer)", SAM: "Sam (agent)", KIM: "Kim (agent)"}
SECRET = "demo-signing-secret"
WIDTH = 88


@dataclass(frozen=True)
class Say:
    user: str
    text: str
    in_thread: bool = True
    why: str = ""


@dataclass(frozen=True)
class Command:
    user: str
    text: str
    why: str = ""


@dataclass(frozen=True)
class Click:
    user: str
    action_id: str
    why: str = ""


@dataclass(frozen=True)
class OpenHome:
    user: str
    why: str = ""


Step = Say | Command | Click | OpenHome

CONVERSATION: tuple[Step, ...] = (
    Say(DANA, "Hello, my blender order (4411) has not shipped yet. Can you help?", in_thread=False,
        why="A customer opens a thread. Calm: Kindly stays quiet."),
    Say(SAM, "Hi Dana, thanks for reaching out! Let me look into your order right away.",
        why="Sam, an agent, joins the thread."),
    Say(DANA, "This is the THIRD time I'm asking!! I've been waiting 3 days for a reply and nobody answers. "
        "I want a refund.", why="The customer is frustrated now."),
    Say(KIM, "Check the FAQ.", why="Kim, another agent, answers in a hurry."),
    Click(SAM, blocks.ACTION_USE, why="Sam clicks “Use this” on the first suggestion."),
    Say(SAM, "Dana, I'm so sorry you've had to chase us. I've checked: your blender shipped today and "
        "will arrive Thursday. I'll message you here once it's delivered.", why="Sam's kind reply."),
    Command(SAM, "check Read the docs, it's all there.", why="Sam checks a draft before sending it."),
    Command(KIM, "refund is late", why="Kim asks for phrasing help in her own words."),
    OpenHome(SAM, why="Sam opens Kindly's App Home tab."),
)  # fmt: skip


class Printer:
    def __init__(self, out: Callable[[str], None]) -> None:
        self.out = out

    def rule(self, title: str) -> None:
        self.out("")
        self.out(f"── {title} " + "─" * max(WIDTH - len(title) - 4, 3))

    def line(self, text: str = "", indent: int = 2) -> None:
        self.out(" " * indent + text)

    def panel(self, who: str, body: str, where: str = "ephemeral, in the channel") -> None:
        self.line(f"Only {who} sees, from Kindly ({where}):")
        for row in body.splitlines():
            self.line("│ " + row, indent=4)


class Demo:
    def __init__(self, out: Callable[[str], None] = print) -> None:
        self.p = Printer(out)
        self.roots: dict[str, str] = {}
        self.root_ts: str | None = None
        self.nudges: dict[str, list[dict[str, Any]]] = {}

    def run(self) -> int:
        from bot.app import build_app, serve_http_in_thread

        with (
            tempfile.TemporaryDirectory(prefix="kindly-demo-") as tmp,
            FakeSlack(users={DANA: {"name": "Dana Reyes"}, SAM: {"name": "Sam Lee"}, KIM: {"name": "Kim Ito"}}) as fake,
        ):
            db = Path(tmp) / "kindly-demo.db"
            settings = settings_from(
                {
                    "SLACK_BOT_TOKEN": "xoxb-demo",
                    "SLACK_SIGNING_SECRET": SECRET,
                    "SLACK_API_URL": fake.api_url,
                    "DATABASE_URL": f"sqlite:///{db}",
                    "KINDLY_AGENTS": f"{SAM},{KIM}",
                }
            )
            app, kindly = build_app(settings)
            server, url = serve_http_in_thread(app)
            self.fake, self.kindly = fake, kindly
            self.sender = payloads.SignedSender(url, SECRET)
            try:
                self._intro(url, fake)
                for number, step in enumerate(CONVERSATION, 1):
                    self._step(number, step)
                self._outro(db)
            finally:
                server.shutdown()
                server.server_close()
                kindly.store.close()
        public = fake.calls("chat.postMessage")
        return 0 if not public and self.nudges else 1

    # the steps ----------------------------------------------------------------------------------

    def _intro(self, url: str, fake: FakeSlack) -> None:
        self.p.line("Kindly demo: a support conversation in #support, replayed offline.", indent=0)
        self.p.line(f"The real app serves {url} (HTTP mode); its Web API calls go to a local fake", indent=0)
        self.p.line(f"Slack at {fake.api_url}. No Slack account, no network. Every request is signed.", indent=0)
        self.p.line("Agents: Sam and Kim. Everyone else (Dana) is a customer.", indent=0)

    def _step(self, number: int, step: Step) -> None:
        self.fake.clear()
        if isinstance(step, Say):
            self._say(number, step)
        elif isinstance(step, Command):
            self._command(number, step)
        elif isinstance(step, Click):
            self._click(number, step)
        else:
            self._home(number, step)

    def _say(self, number: int, step: Say) -> None:
        where = f"the thread in {CHANNEL_NAME}" if step.in_thread else CHANNEL_NAME
        self.p.rule(f"{number}. {PEOPLE[step.user]} writes in {where}")
        if step.why:
            self.p.line(step.why)
        thread = self.root_ts if step.in_thread else None
        event = payloads.message(step.user, step.text, channel=CHANNEL, thread_ts=thread)
        if not step.in_thread:
            self.root_ts = str(event["ts"])
        reply = self.sender.event(payloads.envelope(event))
        wait_recorded(self.kindly.store, str(event["ts"]))
        self.p.line(f"Everyone in {CHANNEL_NAME} sees:  {PEOPLE[step.user].split()[0]}: {step.text}")
        calls = self.fake.settle(quiet=0.4)
        nudges = [c for c in calls if c.method == "chat.postEphemeral"]
        if reply.status != 200:
            self.p.line(f"(Slack would retry: the app answered {reply.status})")
        for call in nudges:
            target = str(call.params["user"])
            self.nudges.setdefault(target, []).append(call.params)
            self.p.panel(PEOPLE.get(target, target), render_blocks(call.params["blocks"], WIDTH - 8))
        if nudges:
            customers = [name for uid, name in PEOPLE.items() if "customer" in name]
            self.p.line(f"{', '.join(customers)} and the rest of the channel see nothing from Kindly.")
        else:
            self.p.line("Kindly stays quiet: nobody sees anything from it.")
        self._no_public_posts(calls)

    def _command(self, number: int, step: Command) -> None:
        self.p.rule(f"{number}. {PEOPLE[step.user]} types /kindly {step.text}")
        if step.why:
            self.p.line(step.why)
        form = payloads.command(step.text, user=step.user, channel=CHANNEL, response_url=self.fake.response_url("cmd"))
        reply = self.sender.form(form)
        body = reply.json() or {}
        self.p.panel(PEOPLE[step.user], render_blocks(body.get("blocks") or [], WIDTH - 8), where="ephemeral")
        self.p.line("Nobody else sees the command or the answer.")

    def _click(self, number: int, step: Click) -> None:
        self.p.rule(f"{number}. {PEOPLE[step.user]} clicks a button on their nudge")
        if step.why:
            self.p.line(step.why)
        element = self._button(step.user, step.action_id)
        if element is None:
            self.p.line("(no such button in this run)")
            return
        payload = payloads.block_action(
            step.action_id, element["value"], user=step.user, channel=CHANNEL,
            response_url=self.fake.response_url(step.action_id),
        )  # fmt: skip
        self.sender.interaction(payload)
        calls = self.fake.settle(quiet=0.4)
        for call in calls:
            if call.method == "response_url":
                self.p.line("The nudge is replaced, still only for " + PEOPLE[step.user].split()[0] + ":")
                self.p.panel(PEOPLE[step.user], render_blocks(call.params.get("blocks") or [], WIDTH - 8))
        self.p.line(
            f"Recorded: nudge outcome “used”. {PEOPLE[step.user].split()[0]} pastes and edits it; Kindly never posts."
        )

    def _home(self, number: int, step: OpenHome) -> None:
        self.p.rule(f"{number}. {PEOPLE[step.user]} opens the App Home tab")
        if step.why:
            self.p.line(step.why)
        self.sender.event(payloads.app_home_opened(step.user))
        for call in self.fake.settle(quiet=0.4):
            if call.method == "views.publish":
                view_blocks = call.params["view"]["blocks"]
                head = [
                    b
                    for b in view_blocks
                    if not (b["type"] == "section" and "accessory" not in b and b["text"]["text"].startswith("&gt;"))
                ]
                shown = render_blocks(head, WIDTH - 8)
                self.p.panel(PEOPLE[step.user], shown, where="their own App Home tab")
                self.p.line("(the phrasings listed under the filters are left out here)")

    def _outro(self, db: Path) -> None:
        from bot.store.schema import messages

        self.p.rule("What Kindly stored")
        with self.kindly.store.engine.connect() as conn:
            rows = conn.execute(select(messages).order_by(messages.c.id)).mappings().all()
        for row in rows:
            cues = row["cues"] or "-"
            self.p.line(
                f"{row['role']:<8} {row['user_id']:<6} frustration {row['frustration']:.2f}  "
                f"curtness {row['curtness']:.2f}  cues: {cues[:48]}"
            )
        stored = b"".join(p.read_bytes() for p in db.parent.iterdir() if p.name.startswith(db.name))
        leaked = [s.text for s in CONVERSATION if isinstance(s, Say) and s.text[:20].encode() in stored]
        self.p.line(f"IDs, timestamps, scores and cue names only: message text found in the database: {len(leaked)}.")
        self.p.rule("Requests not signed by Slack")
        forged = payloads.SignedSender(self.sender.url, "not-the-secret").event(
            payloads.envelope(payloads.message(DANA, "hi"))
        )
        stale = self.sender.event(payloads.envelope(payloads.message(DANA, "hi")), timestamp=int(time.time()) - 600)
        self.p.line(f"Signed with the wrong secret: HTTP {forged.status}. Ten minutes old: HTTP {stale.status}.")
        self.p.rule("Done")
        self.p.line("Next: create your Slack app from manifest.yml (see the README) and run `python -m bot`.")

    # helpers -------------------------------------------------------------------------------------

    def _button(self, user: str, action_id: str) -> dict[str, Any] | None:
        for params in reversed(self.nudges.get(user, [])):
            for block in params["blocks"]:
                for element in [block.get("accessory") or {}, *block.get("elements", [])]:
                    if element.get("action_id") == action_id:
                        return element
        return None

    def _no_public_posts(self, calls: list[Call]) -> None:
        if any(c.method == "chat.postMessage" for c in calls):
            self.p.line("!! Kindly posted publicly: this is a bug.")


def run_demo(out: Callable[[str], None] = print) -> int:
    started = time.monotonic()
    code = Demo(out).run()
    out(f"  (finished in {time.monotonic() - started:.1f} s)")
    return code


__all__ = ["CONVERSATION", "mrkdwn", "run_demo"]
