"""The week's chart: daily frustrated vs recovered threads, as PNG bytes.

Built on matplotlib's object API with the Agg canvas (no pyplot, no global backend), so it is
safe in a server thread and needs no display. The size is fixed so uploads look the same.
"""

from __future__ import annotations

import io

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from bot.digest.report import Digest

WIDTH_PX, HEIGHT_PX, DPI = 800, 400, 100


def chart_png(d: Digest) -> bytes:
    """Grouped bars per local day; an empty week says so on the chart instead of drawing zeros."""
    team = d.team
    days = [f"{day:%a %d}" for day in d.current.window.days]
    fig = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    xs = range(len(days))
    ax.bar([x - 0.2 for x in xs], team.frustrated_by_day, width=0.4, label="frustrated", color="#d9822b")
    ax.bar([x + 0.2 for x in xs], team.recovered_by_day, width=0.4, label="recovered", color="#2b8a3e")
    ax.set_xticks(list(xs), days)
    ax.set_ylabel("threads")
    peak = max((*team.frustrated_by_day, *team.recovered_by_day, 1))
    ax.set_ylim(0, peak * 1.3)  # headroom so the legend never covers a bar
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(f"Frustrated vs recovered threads, {d.iso_week} ({d.tz})")
    if d.current.has_data:
        ax.legend(loc="upper right", frameon=False)
    else:
        ax.text(0.5, 0.5, "no data this week", transform=ax.transAxes, ha="center", va="center", color="#666")
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI)
    return buf.getvalue()
