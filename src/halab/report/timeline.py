"""The timeline of one run: every request, the faults, and the daemons' states below them.

All rows share one time axis in seconds. The top row has one dot per request (latency in ms,
coloured by the web server that served it or by the kind of failure). Below it come one band per
Keepalived instance (MASTER/BACKUP/FAULT/STOP), one band per HAProxy server (UP/DOWN), and the
Galera cluster size each node reported. Each fault is a shaded span from apply to heal.
"""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.axes import Axes
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

from halab.experiments.history import Event, RequestEvent

from .plotting import (
    FAILURE_COLOURS,
    FAULT_SHADE,
    HAPROXY_COLOURS,
    HEAL_LINE,
    KEEPALIVED_COLOURS,
    new_figure,
    server_colour,
    to_png,
)
from .spans import Span, fault_spans, galera_sizes, haproxy_spans, keepalived_spans

BAND_ROW_IN = 0.28
REQUEST_ROWS_IN = 3.6
GALERA_IN = 1.3
WIDTH_IN = 11.0


def timeline_png(events: Sequence[Event], log_latency: bool = True) -> bytes:
    """Draw the timeline of a run's events."""
    keepalived = keepalived_spans(events)
    haproxy = haproxy_spans(events)
    sizes = galera_sizes(events)
    panels = [("requests", REQUEST_ROWS_IN)]
    if keepalived:
        panels.append(("keepalived", 0.45 + BAND_ROW_IN * len(keepalived)))
    if haproxy:
        panels.append(("haproxy", 0.45 + BAND_ROW_IN * len(haproxy)))
    if sizes:
        panels.append(("galera", GALERA_IN))

    heights = [height for _, height in panels]
    figure = new_figure(WIDTH_IN, sum(heights) + 0.6)
    axes = figure.subplots(len(panels), 1, sharex=True, squeeze=False,
                           gridspec_kw={"height_ratios": heights, "hspace": 0.12})[:, 0]
    faults = fault_spans(events)
    for (kind, _), ax in zip(panels, axes, strict=True):
        if kind == "requests":
            _draw_requests(ax, [e for e in events if isinstance(e, RequestEvent)], log_latency)
        elif kind == "keepalived":
            _draw_bands(ax, keepalived, KEEPALIVED_COLOURS, "Keepalived")
        elif kind == "haproxy":
            _draw_bands(ax, haproxy, HAPROXY_COLOURS, "HAProxy servers")
        else:
            _draw_galera(ax, sizes)
        _mark_faults(ax, faults, label=ax is axes[0])
    axes[-1].set_xlabel("time since run start (s)")
    return to_png(figure)


def _draw_requests(ax: Axes, requests: list[RequestEvent], log_latency: bool) -> None:
    servers = sorted({r.served_by or "unknown" for r in requests if r.ok})
    for index, server in enumerate(servers):
        chosen = [r for r in requests if r.ok and (r.served_by or "unknown") == server]
        _scatter(ax, chosen, server_colour(index), f"ok: {server}")
    for outcome, colour in FAILURE_COLOURS.items():
        chosen = [r for r in requests if r.outcome == outcome]
        if chosen:
            _scatter(ax, chosen, colour, f"failed: {outcome}", marker="x")
    ax.set_ylabel("latency (ms)")
    if log_latency and requests:
        ax.set_yscale("log")
        ax.yaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
        ax.yaxis.set_minor_formatter(NullFormatter())
    ax.grid(True, which="major", alpha=0.3)
    if requests:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False,
                  markerscale=2.5, title="requests", title_fontsize=8)
    else:
        ax.text(0.5, 0.5, "no requests recorded", transform=ax.transAxes, ha="center")


def _scatter(ax: Axes, requests: list[RequestEvent], colour: str, label: str,
             marker: str = "o") -> None:
    xs = [r.start_ms / 1000.0 for r in requests]
    ys = [max(r.latency_ms, 0.1) for r in requests]
    # Failures are fewer and matter more, so their crosses are larger and opaque.
    size, alpha = (6, 0.8) if marker == "o" else (16, 1.0)
    ax.scatter(xs, ys, s=size, c=colour, marker=marker, label=label, linewidths=0.9,
               alpha=alpha)


def _draw_bands(ax: Axes, rows: dict[str, list[Span]], colours: dict[str, str],
                title: str) -> None:
    labels = list(rows)
    for y, label in enumerate(labels):
        for span in rows[label]:
            width = (span.end_ms - span.start_ms) / 1000.0
            ax.broken_barh([(span.start_ms / 1000.0, width)], (y - 0.4, 0.8),
                           facecolors=colours.get(span.label, "#BBBBBB"), edgecolor="white",
                           linewidth=0.5, zorder=2)
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    ax.set_ylim(len(labels) - 0.5, -0.5)
    seen = sorted({span.label for spans in rows.values() for span in spans})
    handles = [Patch(color=colours.get(state, "#BBBBBB"), label=state) for state in seen]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8,
              frameon=False, title=title, title_fontsize=8)


def _draw_galera(ax: Axes, sizes: dict[str, list[tuple[float, float]]]) -> None:
    for index, (node, points) in enumerate(sizes.items()):
        xs = [t / 1000.0 for t, _ in points]
        ys = [size + 0.06 * (index - 1) for _, size in points]
        ax.step(xs, ys, where="post", label=node, color=server_colour(index), linewidth=1.4)
    top = max((size for points in sizes.values() for _, size in points), default=1)
    ax.set_ylim(-0.3, top + 0.5)
    ax.set_yticks(range(int(top) + 1))
    ax.set_ylabel("Galera size", fontsize=8)
    ax.grid(True, axis="y", alpha=0.3)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False,
              title="cluster size seen by\n(0: no response)", title_fontsize=8)


def _mark_faults(ax: Axes, faults: list[Span], label: bool) -> None:
    for span in faults:
        start, end = span.start_ms / 1000.0, span.end_ms / 1000.0
        ax.axvspan(start, end, color=FAULT_SHADE, alpha=0.08, linewidth=0, zorder=0)
        ax.axvline(start, color=FAULT_SHADE, linewidth=1.0, linestyle="--", zorder=3)
        ax.axvline(end, color=HEAL_LINE, linewidth=1.0, linestyle="--", zorder=3)
        if label:
            ax.annotate(f"fault: {span.label}", (start, 1.0), xycoords=("data", "axes fraction"),
                        xytext=(3, 3), textcoords="offset points", fontsize=8,
                        color=FAULT_SHADE, va="bottom")
            # One line above the fault's label, so a heal soon after a fault stays readable.
            ax.annotate("heal", (end, 1.0), xycoords=("data", "axes fraction"),
                        xytext=(3, 13), textcoords="offset points", fontsize=8,
                        color=HEAL_LINE, va="bottom")
