"""Fit logistic weights for the analyzer's features on dev data, and print them.

Frustration is fitted on goemotions dev only: the airline set is CC BY-NC-SA and its README
asks for a licensing opinion before it informs product decisions, so it is only reported.
Curtness is fitted on politeness dev. The printed weights are a starting point that a
person rounds and reviews into `bot/tone/weights.py`; domain cues keep hand-set floors.

    python benchmarks/tune_weights.py [--eval-dir ../shared/eval]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.evalsets import DEFAULT_EVAL_DIR, read_set
from bot.tone.analyzer import _VADER, features
from bot.tone.cues import find_cues, read
from bot.tone.slack_text import to_plain


def feature_rows(texts: list[str]) -> list[dict[str, float]]:
    rows = []
    for text in texts:
        plain = to_plain(text)
        r = read(plain.text)
        cues = find_cues(r)
        feats = features(r, _VADER.polarity_scores(plain.text)["compound"], cues)
        if plain.angry_emoji:
            feats["angry_emoji"] = 1.0
        rows.append(feats)
    return rows


def fit(rows: list[dict[str, float]], labels: list[int], l2: float = 1.0) -> tuple[float, dict[str, float]]:
    names = sorted({k for row in rows for k in row})
    x = np.array([[row.get(n, 0.0) for n in names] for row in rows])
    y = np.array(labels, dtype=float)
    w = np.zeros(len(names))
    b = 0.0
    lr = 0.5
    for _ in range(4000):
        p = 1 / (1 + np.exp(-(x @ w + b)))
        grad_w = x.T @ (p - y) / len(y) + l2 * w / len(y)
        grad_b = float(np.mean(p - y))
        w -= lr * grad_w
        b -= lr * grad_b
    return b, dict(zip(names, w.round(2).tolist(), strict=True))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR)
    args = parser.parse_args()
    for name, target in (("goemotions_frustration", "frustration"), ("politeness_requests", "curtness")):
        path = args.eval_dir / name / "dev.csv"
        if not path.exists():
            print(f"{path}: missing, skipped")
            continue
        data = read_set(path)
        bias, weights = fit(feature_rows(data.texts), data.labels)
        print(f"== {target} (fitted on {name}/dev.csv, n={len(data.texts)})")
        print(f"bias {bias:+.2f}")
        for key, value in sorted(weights.items(), key=lambda kv: -abs(kv[1])):
            print(f"  {key:24s} {value:+.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
