"""How fast is one week's digest next to a single full-table scan, and does memory stay flat?

    python benchmarks/digest_speed.py [--sizes 100000,1000000] [--url postgresql://...]

For each size a fresh subprocess generates the synthetic store (benchmarks/synth_store.py), and
another fresh subprocess measures, so each peak RSS belongs to the measurement alone:
- the digest: `build_digest` for ISO week END_WEEK (this week and the previous one, every
  figure of the DM), median of RUNS runs after one warm-up;
- the scan: `SELECT channel_id, count(*) FROM messages GROUP BY channel_id` on the same
  connection, measured the same way;
- their ratio (target: at most 3x) and the process's peak RSS.
"""

from __future__ import annotations

import argparse
import json
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

RUNS = 5
TARGET_RATIO = 3.0


def _timed(fn: object) -> float:
    started = time.perf_counter()
    fn()  # type: ignore[operator]
    return time.perf_counter() - started


def measure(url: str) -> dict[str, float]:
    """Runs inside the measuring subprocess; prints nothing but returns the figures."""
    from sqlalchemy import text

    from benchmarks.synth_store import END_WEEK, TEAM
    from bot.digest.report import build_digest
    from bot.digest.week import format_iso_week
    from bot.store.engine import make_engine

    engine = make_engine(url)
    week = format_iso_week(*END_WEEK)
    scan_sql = text("SELECT channel_id, count(*) FROM messages GROUP BY channel_id")
    with engine.connect() as conn:
        rows = int(conn.execute(text("SELECT count(*) FROM messages")).scalar_one())
        digest_runs, scan_runs = [], []
        for i in range(RUNS + 1):  # the first round warms the cache and is dropped
            d = _timed(lambda: build_digest(conn, TEAM, week, "Europe/Paris"))
            s = _timed(lambda: conn.execute(scan_sql).all())
            if i:
                digest_runs.append(d)
                scan_runs.append(s)
        figures = build_digest(conn, TEAM, week, "Europe/Paris").team
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return {
        "rows": rows,
        "digest_s": statistics.median(digest_runs),
        "scan_s": statistics.median(scan_runs),
        "peak_rss_mb": peak_kb / 1024,
        "threads": figures.threads,
        "frustrated_threads": figures.frustrated_threads,
    }


def run_size(rows: int, workdir: Path, url: str | None) -> dict[str, float]:
    db = workdir / f"kindly-bench-{rows}.db"
    target = ["--url", url] if url else ["--db", str(db)]
    gen = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "synth_store.py"), "--rows", str(rows), *target],
        check=True,
        capture_output=True,
        text=True,
    )
    print(f"  {gen.stdout.strip()}")
    out = subprocess.run(
        [sys.executable, __file__, "--measure", url or f"sqlite:///{db}"],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000", help="comma-separated row counts")
    parser.add_argument("--workdir", type=Path, help="where the SQLite files go (default: a temp dir)")
    parser.add_argument("--url", help="a scratch database URL (e.g. PostgreSQL) instead of SQLite files")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return 0
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    results = []
    with tempfile.TemporaryDirectory(prefix="kindly-bench-") as tmp:
        workdir = args.workdir or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        for rows in sizes:
            print(f"{rows:,} rows:")
            results.append(run_size(rows, workdir, args.url))
    print()
    print("rows       digest (ms)  scan (ms)  ratio  peak RSS (MB)  threads in week")
    for r in results:
        ratio = r["digest_s"] / r["scan_s"]
        print(
            f"{int(r['rows']):<10,} {r['digest_s'] * 1000:>11.0f}  {r['scan_s'] * 1000:>9.0f}  {ratio:>5.2f}"
            f"  {r['peak_rss_mb']:>13.0f}  {int(r['threads']):,} ({int(r['frustrated_threads']):,} frustrated)"
        )
    worst = max(r["digest_s"] / r["scan_s"] for r in results)
    verdict = "met" if worst <= TARGET_RATIO else "NOT met"
    print(f"\ntarget: digest <= {TARGET_RATIO:g}x the full-table scan: {verdict} (worst {worst:.2f}x)")
    where = args.url.split("://")[0] if args.url else f"SQLite {sqlite3.sqlite_version} files"
    print(f"Python {sys.version.split()[0]}, {where}; medians of {RUNS} runs after a warm-up")
    return 0


if __name__ == "__main__":
    sys.exit(main())
