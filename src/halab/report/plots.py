"""The smaller plots of one run: failover breakdown, round-robin split, VRRP advertisements."""

from __future__ import annotations

import math
from collections.abc import Sequence

from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from halab.experiments.history import Event, VrrpAdvertEvent

from .measure import Breakdown
from .plotting import FAULT_SHADE, new_figure, server_colour, to_png
from .spans import fault_spans
from .tables import advert_rows

GAP_INTERVALS = 2.5
# Above this many adverts from one source, markers would merge into a thick line.
DENSE_ADVERTS = 80
MEASURED_COLOUR = "#0072B2"
PREDICTED_COLOUR = "#000000"


def breakdown_png(items: Sequence[Breakdown]) -> bytes | None:
    """Draw one horizontal bar chart per disruption: ms from the fault to each milestone."""
    if not items:
        return None
    rows = len(items[0].milestones)
    figure = new_figure(9.5, 0.3 + len(items) * (0.5 + 0.32 * rows))
    axes = figure.subplots(len(items), 1, squeeze=False)[:, 0]
    for item, ax in zip(items, axes, strict=True):
        _draw_breakdown(ax, item)
    axes[-1].set_xlabel("ms after the fault (heal: after the heal)")
    handles = [
        Line2D([], [], color=MEASURED_COLOUR, linewidth=6, label="measured"),
        Line2D([], [], color=PREDICTED_COLOUR, marker="|", markersize=12, linestyle="",
               markeredgewidth=2, label="predicted worst case"),
    ]
    axes[0].legend(handles=handles, loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=2,
                   fontsize=8, frameon=False)
    figure.tight_layout()
    return to_png(figure)


def _draw_breakdown(ax: Axes, item: Breakdown) -> None:
    labels = [m.label for m in item.milestones]
    top = max(
        [m.measured_ms or 0.0 for m in item.milestones]
        + [m.predicted_ms or 0.0 for m in item.milestones]
        + [1.0]
    )
    for y, milestone in enumerate(item.milestones):
        if milestone.measured_ms is not None:
            ax.barh(y, milestone.measured_ms, color=MEASURED_COLOUR, height=0.6)
            ax.text(milestone.measured_ms + top * 0.01, y, f"{milestone.measured_ms:.0f}",
                    va="center", fontsize=8)
        else:
            ax.text(top * 0.01, y, "none", va="center", fontsize=8, color="#777777")
        if milestone.predicted_ms is not None:
            ax.plot([milestone.predicted_ms], [y], marker="|", markersize=14,
                    markeredgewidth=2, color=PREDICTED_COLOUR)
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    ax.set_ylim(len(labels) - 0.5, -0.5)
    ax.set_xlim(0, top * 1.15)
    ax.set_title(f"{item.phase}: {item.name}", fontsize=9, loc="left")
    ax.grid(True, axis="x", alpha=0.3)


def split_png(served_by: dict[str, dict[str, float]]) -> bytes | None:
    """Draw successful requests per web server, with each server's share."""
    if not served_by:
        return None
    names = list(served_by)
    counts = [served_by[name]["count"] for name in names]
    figure = new_figure(5.5, 0.9 + 0.45 * len(names))
    ax = figure.subplots()
    colours = [server_colour(index) for index in range(len(names))]
    ax.barh(names, counts, color=colours, height=0.6)
    for y, name in enumerate(names):
        share = served_by[name]["share"]
        ax.text(counts[y], y, f"  {counts[y]:.0f} ({share:.1%})", va="center", fontsize=9)
    ax.set_xlim(0, max(counts) * 1.35)
    ax.invert_yaxis()
    ax.set_xlabel("successful requests")
    ax.set_title("round-robin split (X-Served-By)", fontsize=10, loc="left")
    figure.tight_layout()
    return to_png(figure)


def adverts_png(events: Sequence[Event]) -> bytes | None:
    """Draw the priority of each captured VRRP advertisement over time, one line per source."""
    adverts = [e for e in events if isinstance(e, VrrpAdvertEvent)]
    if not adverts:
        return None
    figure = new_figure(10.0, 3.6)
    ax = figure.subplots()
    sources = sorted({(a.vrid, a.src) for a in adverts})
    for index, (vrid, src) in enumerate(sources):
        mine = [a for a in adverts if a.src == src and a.vrid == vrid]
        xs, ys = _with_gaps(mine)
        marker = "o" if len(mine) <= DENSE_ADVERTS else None
        ax.plot(xs, ys, marker=marker, markersize=3, linewidth=1.0, drawstyle="steps-post",
                color=server_colour(index),
                label=f"{src} (VRID {vrid})")
    # Each change of priority is labelled where it starts, as in the table below the plot.
    for row in advert_rows(adverts):
        ax.annotate(str(row.priority), (row.t_s, row.priority), xytext=(2, 4),
                    textcoords="offset points", fontsize=8)
    for span in fault_spans(events):
        ax.axvspan(span.start_ms / 1000, span.end_ms / 1000, color=FAULT_SHADE, alpha=0.08,
                   linewidth=0)
    priorities = [a.priority for a in adverts]
    ax.set_ylim(min(priorities) - 5, max(priorities) + 8)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("time since run start (s)")
    ax.set_ylabel("advertised priority")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False,
              title="source", title_fontsize=8)
    figure.tight_layout()
    return to_png(figure)


def _with_gaps(adverts: list[VrrpAdvertEvent]) -> tuple[list[float], list[float]]:
    """Return the points of one source's line, broken where it stopped advertising.

    A silence longer than GAP_INTERVALS advert intervals is a source that was not MASTER, and
    a line across it would suggest adverts that never happened.
    """
    xs: list[float] = []
    ys: list[float] = []
    for previous, advert in zip([None, *adverts], adverts, strict=False):
        if previous is not None:
            silence_ms = advert.t_ms - previous.t_ms
            if silence_ms > GAP_INTERVALS * max(previous.advert_int_ms, 1.0):
                xs.append(math.nan)
                ys.append(math.nan)
        xs.append(advert.t_ms / 1000)
        ys.append(advert.priority)
    return xs, ys
