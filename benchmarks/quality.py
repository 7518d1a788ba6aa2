"""Detection quality on the public eval sets: Kindly beside raw VADER, per set, on test.csv.

For each set: ROC-AUC, and precision / recall / F1 at two cut-offs: each detector's own
default (Kindly 0.5, VADER compound <= -0.05) and a cut-off chosen on dev.csv to maximise
balanced accuracy, then applied to test.csv. Nothing is tuned on test.

    python benchmarks/quality.py [--eval-dir ../shared/eval]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.evalsets import (
    DEFAULT_EVAL_DIR,
    EvalSet,
    Scorer,
    best_threshold,
    find_sets,
    prf,
    read_set,
    roc_auc,
)
from benchmarks.scorers import (
    VADER_DEFAULT_CUT,
    kindly_curtness,
    kindly_frustration,
    vader_negativity,
)
from bot.tone import CURT, FRUSTRATED

HEADER = f"{'set':28s} {'detector':8s} {'n':>5s} {'AUC':>6s} {'P@def':>6s} {'R@def':>6s} {'F1@def':>6s} " + (
    f"{'cut':>6s} {'P@dev':>6s} {'R@dev':>6s} {'F1@dev':>6s} {'BA@dev':>6s}"
)


def _row(name: str, detector: str, scorer: Scorer, default_cut: float, dev: EvalSet | None, test: EvalSet) -> str:
    scores = [scorer(t) for t in test.texts]
    auc = roc_auc(scores, test.labels)
    at_default = prf((s >= default_cut for s in scores), test.labels)
    cut = best_threshold([scorer(t) for t in dev.texts], dev.labels) if dev else default_cut
    at_dev = prf((s >= cut for s in scores), test.labels)
    return (
        f"{name:28s} {detector:8s} {len(scores):5d} {auc:6.3f} {at_default.precision:6.3f} {at_default.recall:6.3f} "
        f"{at_default.f1:6.3f} {cut:+6.2f} {at_dev.precision:6.3f} {at_dev.recall:6.3f} {at_dev.f1:6.3f} "
        f"{at_dev.balanced_accuracy:6.3f}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_EVAL_DIR, help="folder holding */test.csv")
    args = parser.parse_args()
    tests = find_sets(args.eval_dir, "test")
    if not tests:
        print(f"quality: no eval sets under {args.eval_dir}; skipped")
        return 0
    print("Detection quality on test.csv (cut-offs chosen on dev.csv; positive = frustrated / curt)")
    print(HEADER)
    for test_path in tests:
        test = read_set(test_path)
        dev_path = test_path.with_name("dev.csv")
        dev = read_set(dev_path) if dev_path.exists() else None
        kindly: Scorer = kindly_frustration if test.task == "frustration" else kindly_curtness
        kindly_cut = FRUSTRATED if test.task == "frustration" else CURT
        print(_row(test.name, "kindly", kindly, kindly_cut, dev, test))
        print(_row(test.name, "vader", vader_negativity, VADER_DEFAULT_CUT, dev, test))
        if test.task == "tone" and any(test.domains):
            for domain in sorted(set(test.domains)):
                idx = [i for i, d in enumerate(test.domains) if d == domain]
                labels = [test.labels[i] for i in idx]
                k = roc_auc([kindly(test.texts[i]) for i in idx], labels)
                v = roc_auc([vader_negativity(test.texts[i]) for i in idx], labels)
                print(f"  {test.name}/{domain}: AUC kindly {k:.3f}  vader {v:.3f}  (n={len(idx)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
