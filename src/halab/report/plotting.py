"""Shared matplotlib set-up for the report's plots: the Agg backend, colours and PNG output.

Every plot function in `timeline`, `plots` and `across` returns PNG bytes, so the HTML report
can embed them and the Markdown report can write them beside itself.
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

DPI = 110

# Colours chosen to stay apart for common colour-vision deficiencies (Okabe-Ito palette).
SERVER_COLOURS = ["#0072B2", "#009E73", "#56B4E9", "#CC79A7", "#999933", "#332288"]
# The palette's yellow is unreadable as small marks on white, so failures use darker colours.
FAILURE_COLOURS = {
    "refused": "#D55E00",
    "reset": "#000000",
    "timeout": "#882255",
    "http_5xx": "#E69F00",
    "http_4xx": "#999933",
    "error": "#7F7F7F",
}
KEEPALIVED_COLOURS = {
    "MASTER": "#009E73",
    "BACKUP": "#9ECAE1",
    "FAULT": "#D55E00",
    "STOP": "#7F7F7F",
}
HAPROXY_COLOURS = {
    "UP": "#009E73",
    "DOWN": "#D55E00",
    "MAINT": "#7F7F7F",
    "NOLB": "#E69F00",
    "DRAIN": "#E69F00",
}
PROFILE_COLOURS = {"seed": "#E69F00", "tuned": "#0072B2"}
FAULT_SHADE = "#D55E00"
HEAL_LINE = "#009E73"


def server_colour(index: int) -> str:
    return SERVER_COLOURS[index % len(SERVER_COLOURS)]


def new_figure(width_in: float, height_in: float) -> Figure:
    return plt.figure(figsize=(width_in, height_in), dpi=DPI)


def to_png(figure: Figure) -> bytes:
    """Render a figure to PNG bytes and free it."""
    buffer = io.BytesIO()
    try:
        figure.savefig(buffer, format="png", bbox_inches="tight")
    finally:
        plt.close(figure)
    return buffer.getvalue()
