"""Per-call latency of Phrasebank.suggest() (and, for reference, rewrite()).

The Slack app asks for suggestions on every message it nudges about, so a lookup over the
whole phrasebank must stay well under a millisecond. Prints mean and p99 per query and
overall; exits 1 if the overall mean is over budget (default 1000 µs).

    python benchmarks/suggest_speed.py [--calls 2000] [--budget-us 1000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.phrasebank import clear_cache, load_phrasebank
from bot.rewrite import rewrite
from bot.tone import analyze

TEXT_QUERIES = [
    "refund delayed",
    "site down",
    "locked out of my account",
    "customer swearing at me",
    "third time contacting us about the same bug we can't reproduce",
    "",
]
CUSTOMER_MESSAGES = [
    "I've been waiting for 3 days and nobody has replied to me.",
    "This is the THIRD time I'm asking. Where is my refund?!",
    "Your site is down again, we can't work!!!",
]
DRAFTS = [
    ("No. Read the docs at https://docs.example.com/export", "How do I export to CSV?"),
    ("As I said, the fix ships in v2.3.", "Is it fixed yet?? This is the third time I ask"),
]


def _time(fn: Callable[[], object], calls: int) -> list[float]:
    """Microseconds per call, after a short warm-up."""
    for _ in range(min(50, calls)):
        fn()
    samples = []
    for _ in range(calls):
        start = time.perf_counter_ns()
        fn()
        samples.append((time.perf_counter_ns() - start) / 1000)
    return samples


def _p99(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def _line(label: str, samples: list[float]) -> str:
    return f"  {label:<58} mean {statistics.fmean(samples):8.1f} µs   p99 {_p99(samples):8.1f} µs"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000, help="calls per query (default 2000)")
    parser.add_argument("--budget-us", type=float, default=1000.0, help="overall mean budget in µs")
    args = parser.parse_args()

    clear_cache()
    start = time.perf_counter()
    pb = load_phrasebank()
    load_ms = (time.perf_counter() - start) * 1000
    print(f"phrasebank: {len(pb.phrases)} phrases, {len(pb.replacements)} replacements, loaded in {load_ms:.1f} ms")

    every: list[float] = []
    print(f"suggest(k=3), {args.calls} calls each:")
    for query in TEXT_QUERIES:
        samples = _time(lambda q=query: pb.suggest(q, k=3), args.calls)
        every += samples
        print(_line(f"text {query!r}"[:58], samples))
    for message in CUSTOMER_MESSAGES:
        analysis = analyze(message)
        samples = _time(lambda a=analysis, m=message: pb.suggest(a, k=3, text=m), args.calls)
        every += samples
        print(_line(f"Analysis+text {message!r}"[:58], samples))
    mean, p99 = statistics.fmean(every), _p99(every)
    verdict = "OK" if mean < args.budget_us else "OVER BUDGET"
    print(
        f"suggest() overall: mean {mean:.1f} µs, p99 {p99:.1f} µs over {len(every)} calls "
        f"({verdict}, budget {args.budget_us:.0f} µs)"
    )

    print(f"rewrite() for reference (includes the tone analyzer), {max(1, args.calls // 10)} calls each:")
    for draft, customer in DRAFTS:
        samples = _time(lambda d=draft, c=customer: rewrite(d, c, phrasebank=pb), max(1, args.calls // 10))
        print(_line(f"{draft!r}"[:58], samples))
    return 0 if mean < args.budget_us else 1


if __name__ == "__main__":
    sys.exit(main())
