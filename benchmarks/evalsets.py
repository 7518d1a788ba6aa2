"""Shared helpers for the detection benchmarks: find the eval sets, read them, score them.

The data stays in ../shared/eval (its licences differ from ours); nothing here copies it.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_EVAL_DIR = ROOT.parent / "shared" / "eval"

# label that counts as "positive" for each task
POSITIVE = {"frustrated": "frustrated", "calm": "frustrated", "curt": "curt", "warm": "curt"}


@dataclass(frozen=True)
class EvalSet:
    name: str
    task: str  # "frustration" | "tone"
    texts: list[str]
    labels: list[int]  # 1 = frustrated / curt
    domains: list[str]


def read_set(path: Path) -> EvalSet:
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    labels_seen = {row["label"] for row in rows}
    task = "frustration" if "frustrated" in labels_seen else "tone"
    positive = "frustrated" if task == "frustration" else "curt"
    return EvalSet(
        name=path.parent.name,
        task=task,
        texts=[row["text"] for row in rows],
        labels=[1 if row["label"] == positive else 0 for row in rows],
        domains=[row.get("domain") or "" for row in rows],
    )


def find_sets(eval_dir: Path, split: str) -> list[Path]:
    """Every `<eval_dir>/*/<split>.csv` (the reference folder sits one level deeper on purpose)."""
    return sorted(p for p in eval_dir.glob(f"*/{split}.csv") if p.is_file())


def roc_auc(scores: Sequence[float], labels: Sequence[int]) -> float:
    """Mann-Whitney U with average ranks for ties."""
    order = sorted(range(len(scores)), key=lambda i: scores[i])
    ranks = [0.0] * len(scores)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and scores[order[j + 1]] == scores[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    pos = sum(labels)
    neg = len(labels) - pos
    if not pos or not neg:
        return float("nan")
    rank_sum = sum(r for r, y in zip(ranks, labels, strict=True) if y)
    return (rank_sum - pos * (pos + 1) / 2) / (pos * neg)


@dataclass(frozen=True)
class Prf:
    precision: float
    recall: float
    f1: float
    balanced_accuracy: float


def prf(flags: Iterable[bool], labels: Sequence[int]) -> Prf:
    tp = fp = fn = tn = 0
    for flag, y in zip(flags, labels, strict=True):
        if flag and y:
            tp += 1
        elif flag:
            fp += 1
        elif y:
            fn += 1
        else:
            tn += 1
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    tnr = tn / (tn + fp) if tn + fp else 0.0
    return Prf(p, r, f1, (r + tnr) / 2)


def best_threshold(scores: Sequence[float], labels: Sequence[int]) -> float:
    """The cut-off maximising balanced accuracy (chosen on dev, then applied to test)."""
    candidates = sorted(set(round(s, 3) for s in scores))
    best, best_ba = 0.5, -1.0
    for t in candidates:
        ba = prf((s >= t for s in scores), labels).balanced_accuracy
        if ba > best_ba:
            best, best_ba = t, ba
    return best


Scorer = Callable[[str], float]
