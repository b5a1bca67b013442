"""The plot across runs: each scenario's downtime, one box and one dot per run, by profile."""

from __future__ import annotations

import random

from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter

from .plotting import PROFILE_COLOURS, new_figure, server_colour, to_png

# Unrecovered runs have no downtime, so they are drawn at the top of the axis as a cross.
UNRECOVERED_MARKER = "x"
BOX_MIN_RUNS = 3

# Downtime values by scenario label, then by profile; None is an unrecovered run.
Values = dict[str, dict[str, list[float | None]]]


def downtime_png(values: Values) -> bytes | None:
    """Draw downtime per scenario (rows of `values`) and profile; None if no run has a value."""
    present = [v for by in values.values() for vs in by.values() for v in vs if v is not None]
    if not present:
        return None
    profiles = sorted({profile for by_profile in values.values() for profile in by_profile})
    figure = new_figure(max(6.0, 1.6 * len(values) + 2.5), 4.2)
    ax = figure.subplots()
    top = max(max(present), 10.0)
    jitter = random.Random(0)  # noqa: S311 - placement of dots, not security

    for index, profile in enumerate(profiles):
        colour = PROFILE_COLOURS.get(profile, server_colour(index))
        offset = -0.4 + (index + 0.5) * 0.8 / len(profiles)
        _draw_profile(ax, values, profile, colour, offset, 0.8 / len(profiles), top, jitter)
        ax.scatter([], [], color=colour, label=profile)

    ax.set_xticks(range(len(values)), list(values), fontsize=8)
    ax.set_xlim(-0.6, len(values) - 0.4)
    ax.set_yscale("symlog", linthresh=10.0)
    ax.set_ylim(0, top * 2.0)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    ax.set_ylabel("client-visible downtime (ms)")
    ax.grid(True, axis="y", alpha=0.3)
    ax.legend(title="profile (x: unrecovered)", fontsize=8, title_fontsize=8,
              loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    figure.tight_layout()
    return to_png(figure)


def _draw_profile(ax: Axes, values: Values, profile: str, colour: str, offset: float,
                  width: float, top: float, jitter: random.Random) -> None:
    """Draw one profile's box (from BOX_MIN_RUNS runs) and dots in every scenario column."""
    for x, by_profile in enumerate(values.values()):
        runs = by_profile.get(profile, [])
        position = x + offset
        present = [v for v in runs if v is not None]
        if len(present) >= BOX_MIN_RUNS:
            style = {"color": colour}
            ax.boxplot([present], positions=[position], widths=width * 0.8, showfliers=False,
                       medianprops=style, boxprops=style, whiskerprops=style, capprops=style)
        for value in runs:
            x_dot = position + jitter.uniform(-width / 5, width / 5)
            y_dot = value if value is not None else top * 1.1
            marker = "o" if value is not None else UNRECOVERED_MARKER
            ax.scatter([x_dot], [y_dot], color=colour, marker=marker, s=22, zorder=3,
                       clip_on=False)
