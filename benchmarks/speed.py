"""Per-message cost of analyze() beside raw VADER polarity_scores(), on the same messages.

Messages: the eval sets' test texts when ../shared/eval exists, else a built-in sample of
support-style messages. Each detector runs over all messages several times; the best
round is kept (least disturbed by other work on the machine).

    python benchmarks/speed.py [--eval-dir ../shared/eval] [--rounds 5]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from benchmarks.evalsets import DEFAULT_EVAL_DIR, find_sets, read_set
from bot.tone import analyze
from bot.tone.vader import VADER

SAMPLE = [
    "Still not working. Again.",
    "I've been waiting 3 days for my refund, this is the third time I'm asking!!",
    "Thanks so much, that fixed it :pray:",
    "Read the docs.",
    "Hi <@U024BE7LH>, I'm sorry about the wait. I'll check the logs and get back to you by 3pm.",
    "WHY IS THE SITE DOWN AGAIN?? I want to talk to a manager.",
    "Could you share the error message you see? That will help us find it faster.",
    "As I said, it works on my end.",
]


def _time_once(fn: Callable[[str], object], texts: list[str]) -> float:
    start = time.perf_counter()
    for text in texts:
        fn(text)
    return time.perf_counter() - start


def _per_message_us(fns: list[Callable[[str], object]], texts: list[str], rounds: int) -> list[float]:
    """Best round of each function, rounds interleaved so background load hits both alike."""
    best = [float("inf")] * len(fns)
    for _ in range(rounds):
        for i, fn in enumerate(fns):
            best[i] = min(best[i], _time_once(fn, texts))
    return [b / len(texts) * 1e6 for b in best]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    texts: list[str] = []
    for path in find_sets(args.eval_dir, "test"):
        texts.extend(read_set(path).texts)
    source = f"{len(texts)} eval test messages" if texts else f"{len(SAMPLE)} built-in sample messages x 200"
    texts = texts or SAMPLE * 200
    vader = SentimentIntensityAnalyzer()
    analyze(texts[0])  # warm up both
    vader.polarity_scores(texts[0])
    kindly_us, vader_us, shortcut_us = _per_message_us(
        [analyze, vader.polarity_scores, VADER.polarity_scores], texts, args.rounds
    )
    print(f"Speed over {source}, best of {args.rounds} interleaved rounds:")
    print(f"  analyze()                          {kindly_us:8.1f} us/message")
    print(f"  raw VADER polarity_scores()        {vader_us:8.1f} us/message")
    print(f"  ratio                              {kindly_us / vader_us:8.2f}x  (target <= 1.5x)")
    print(f"  of which Kindly's VADER call       {shortcut_us:8.1f} us/message (same scores, ASCII shortcut)")
    print(f"  cues, markup and scoring overhead  {kindly_us - shortcut_us:8.1f} us/message")
    return 0


if __name__ == "__main__":
    sys.exit(main())
