"""Load: signed message events over loopback, Kindly beside a bare Bolt app (the framework's floor).

Both apps run as their own process on the same threaded WSGI server, against the same local
fake Slack Web API, and get the same requests: a frustrated customer's message in a fresh
channel, which Kindly scores, records, and answers with one ephemeral nudge; the floor app
acks and posts one fixed ephemeral message. Latency is from sending the request to the fake
Slack recording the `chat.postEphemeral` call (one clock: this process's). Open-loop steps at
increasing rates give p50/p99; a closed-loop step (N senders, back to back) gives the
saturation throughput, whose ratio is the headline figure. Loopback only, bounded in count
and time.

    python benchmarks/load.py [--rates 25,50,100] [--seconds 4] [--saturation 600] [--senders 16]
                              [--database-url postgresql+psycopg://...]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.devtools import payloads
from bot.devtools.fake_slack import FakeSlack

SECRET = "load-signing-secret"
AGENT = "UAGENT1"
CUSTOMER = "UCUST1"
ANGRY = "This is the THIRD time I'm asking. I've been waiting 3 days for my refund and nobody answers!!"
MAX_REQUESTS = 5000  # per app, all steps together
STEP_TIMEOUT = 60.0  # seconds to wait for the last nudge of a step


def serve_floor(port: int, api_url: str) -> None:
    """The floor: Bolt with signature checks, one message listener that posts a fixed ephemeral."""
    from slack_bolt import App
    from slack_sdk import WebClient

    from bot.app import make_http_server

    app = App(
        client=WebClient(token="xoxb-floor", base_url=api_url),
        signing_secret=SECRET,
        token_verification_enabled=False,
    )

    @app.event("message")
    def on_message(event: dict, client: WebClient) -> None:
        client.chat_postEphemeral(channel=event["channel"], user=AGENT, text="Take a breath; you've got this.")

    server = make_http_server(app, port, "127.0.0.1")
    print(f"HTTP mode: POST http://0.0.0.0:{server.server_port}/slack/events", file=sys.stderr, flush=True)
    server.serve_forever()


def start(kind: str, fake: FakeSlack, workdir: Path, database_url: str | None) -> tuple[subprocess.Popen, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "KINDLY_", "DATABASE_URL", "LOG_"))}
    env.update(PORT="0", LOG_LEVEL="info")  # the default; the port is read from the INFO start line
    if kind == "kindly":
        env.update(
            SLACK_BOT_TOKEN="xoxb-load",
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_API_URL=fake.api_url,
            DATABASE_URL=database_url or f"sqlite:///{workdir / 'load.db'}",
            KINDLY_AGENTS=AGENT,
            KINDLY_MAX_CHANNEL_AGENTS="1",
        )
        argv = [sys.executable, "-m", "bot", "run"]
    else:
        argv = [sys.executable, str(Path(__file__).resolve()), "--serve-floor", fake.api_url]
    log = (workdir / f"{kind}.log").open("w")
    proc = subprocess.Popen(argv, env=env, cwd=workdir, stderr=log, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        match = re.search(r"POST http://0\.0\.0\.0:(\d+)/slack/events", (workdir / f"{kind}.log").read_text())
        if match:
            return proc, f"http://127.0.0.1:{match.group(1)}/slack/events"
        if proc.poll() is not None:
            break
        time.sleep(0.05)
    proc.kill()
    raise SystemExit(f"{kind} did not start:\n{(workdir / f'{kind}.log').read_text()}")


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU the process has used so far (Linux /proc), None where unavailable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


@dataclass
class Step:
    label: str
    sent: int
    nudged: int
    seconds: float
    latencies: list[float]
    errors: int
    cpu_ms_per_event: float | None = None  # the app process's CPU over the step, per nudged event

    @property
    def throughput(self) -> float:
        return self.nudged / self.seconds if self.seconds else 0.0

    def pct(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


class Driver:
    """Sends numbered events and matches each to its nudge by channel (one fresh channel per event)."""

    def __init__(self, fake: FakeSlack, url: str, tag: str) -> None:
        self.fake, self.sender, self.tag = fake, payloads.SignedSender(url, SECRET), tag
        self.sent_at: dict[str, float] = {}
        self.errors = 0
        self.count = 0
        self.lock = threading.Lock()

    def send_one(self) -> None:
        with self.lock:
            self.count += 1
            channel = f"C{self.tag}{self.count:06d}"
        body = json.dumps(payloads.envelope(payloads.message(CUSTOMER, ANGRY, channel=channel)))
        self.sent_at[channel] = time.monotonic()
        try:
            if self.sender.post(body, "application/json").status != 200:
                self.errors += 1
        except OSError:
            self.errors += 1

    def collect(self, channels: set[str], started: float) -> Step:
        deadline = time.monotonic() + STEP_TIMEOUT
        while time.monotonic() < deadline:
            done = {c.params.get("channel"): c.at for c in self.fake.calls("chat.postEphemeral")}
            if channels <= done.keys():
                break
            time.sleep(0.05)
        done = {c.params.get("channel"): c.at for c in self.fake.calls("chat.postEphemeral")}
        mine = [(done[ch], self.sent_at[ch]) for ch in channels if ch in done]
        end = max((at for at, _ in mine), default=started)
        return Step("", len(channels), len(mine), end - started, [at - sent for at, sent in mine], self.errors)

    def open_loop(self, rate: float, seconds: float) -> Step:
        total = max(1, int(rate * seconds))
        first = self.count + 1
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=64) as pool:
            for i in range(total):
                delay = started + i / rate - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                pool.submit(self.send_one)
        channels = {f"C{self.tag}{n:06d}" for n in range(first, first + total)}
        step = self.collect(channels, started)
        step.label = f"{rate:g}/s offered"
        return step

    def closed_loop(self, total: int, senders: int) -> Step:
        first = self.count + 1
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=senders) as pool:
            for _ in range(total):
                pool.submit(self.send_one)
        channels = {f"C{self.tag}{n:06d}" for n in range(first, first + total)}
        step = self.collect(channels, started)
        step.label = f"saturation ({senders} senders)"
        return step


def scrape_latency(url: str) -> str:
    """Kindly's own handler-latency histogram count, to show /metrics saw the run."""
    try:
        with urllib.request.urlopen(url.replace("/slack/events", "/metrics"), timeout=5) as resp:
            for line in resp.read().decode().splitlines():
                if line.startswith('kindly_handler_latency_seconds_count{kind="event:message"}'):
                    return line.rsplit(" ", 1)[1]
    except OSError:
        pass
    return "?"


@contextmanager
def fresh_database(url: str | None) -> Iterator[str | None]:
    """A new, empty PostgreSQL schema for the run (event IDs restart with every run), dropped after."""
    if not url:
        yield None
        return
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    name = f"kindly_load_{os.getpid()}"
    admin = create_engine(url)
    try:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{name}"')
        yield make_url(url).update_query_dict({"options": f"-csearch_path={name}"}).render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
        admin.dispose()


def run(args: argparse.Namespace) -> int:
    rates = [float(r) for r in args.rates.split(",")]
    planned = sum(int(r * args.seconds) for r in rates) + args.saturation
    if planned > MAX_REQUESTS:
        raise SystemExit(f"{planned} requests per app is over the bound of {MAX_REQUESTS}")
    results: dict[str, list[Step]] = {}
    with tempfile.TemporaryDirectory() as tmp, fresh_database(args.database_url) as database_url:
        for kind in ("floor", "kindly"):
            with FakeSlack() as fake:
                proc, url = start(kind, fake, Path(tmp), database_url)
                try:
                    driver = Driver(fake, url, "F" if kind == "floor" else "K")
                    driver.closed_loop(20, 4)  # warm-up: imports, pools, first queries
                    steps = [driver.open_loop(rate, args.seconds) for rate in rates]
                    before = cpu_seconds(proc.pid)
                    steps.append(driver.closed_loop(args.saturation, args.senders))
                    after = cpu_seconds(proc.pid)
                    if before is not None and after is not None and steps[-1].nudged:
                        steps[-1].cpu_ms_per_event = (after - before) * 1000 / steps[-1].nudged
                    results[kind] = steps
                    if kind == "kindly":
                        print(f"(Kindly's /metrics counted {scrape_latency(url)} message events)")
                finally:
                    proc.terminate()
                    proc.wait(timeout=10)
    print(f"\n{'step':<26}{'app':<8}{'sent':>6}{'nudged':>8}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for i in range(len(results["floor"])):
        for kind in ("floor", "kindly"):
            s = results[kind][i]
            print(
                f"{s.label:<26}{kind:<8}{s.sent:>6}{s.nudged:>8}{s.throughput:>9.1f}{s.pct(0.5):>9.1f}"
                f"{s.pct(0.99):>9.1f}{s.errors:>8}"
            )
    floor, kindly = results["floor"][-1], results["kindly"][-1]
    ratio = kindly.throughput / floor.throughput if floor.throughput else float("nan")
    print(
        f"\nsaturation throughput: Kindly {kindly.throughput:.1f}/s, floor {floor.throughput:.1f}/s -> "
        f"{ratio:.0%} of the floor (target >= 80%); p50 {statistics.median(kindly.latencies) * 1000:.1f} ms "
        f"vs {statistics.median(floor.latencies) * 1000:.1f} ms"
    )
    for kind, step in (("floor", floor), ("Kindly", kindly)):
        if step.cpu_ms_per_event is not None:
            print(f"{kind} app process CPU at saturation: {step.cpu_ms_per_event:.2f} ms per event")
    print(f"database: {args.database_url or 'SQLite file'}; load generator, fake Slack and app share this machine")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rates", default="25,50,100", help="open-loop steps, events per second")
    parser.add_argument("--seconds", type=float, default=4.0, help="length of each open-loop step")
    parser.add_argument("--saturation", type=int, default=600, help="events in the closed-loop step")
    parser.add_argument("--senders", type=int, default=16, help="concurrent senders in the closed-loop step")
    parser.add_argument("--database-url", help="Kindly's database (default: a SQLite file in a temp dir)")
    parser.add_argument("--serve-floor", metavar="API_URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_floor:
        serve_floor(0, args.serve_floor)
        return 0
    return run(args)


if __name__ == "__main__":
    raise SystemExit(main())
