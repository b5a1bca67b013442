"""The plot across runs: each scenario's downtime, one box and one dot per run, by profile."""

from __future__ import annotations

import random

from matplotlib.ticker import FuncFormatter

from .plotting import PROFILE_COLOURS, new_figure, server_colour, to_png

# Unrecovered runs have no downtime; they are drawn at the top of the axis as a cross.
UNRECOVERED_MARKER = "x"
BOX_MIN_RUNS = 3


def downtime_png(values: dict[str, dict[str, list[float | None]]]) -> bytes | None:
    """Draw downtime per scenario (rows of `values`) and profile; None with nothing to draw."""
    if not any(v is not None for by_profile in values.values() for vs in by_profile.values()
               for v in vs):
        return None
    profiles = sorted({p for by_profile in values.values() for p in by_profile})
    figure = new_figure(max(6.0, 1.6 * len(values) + 2.5), 4.2)
    ax = figure.subplots()
    width = 0.8 / len(profiles)
    top = max(v for by in values.values() for vs in by.values() for v in vs if v is not None)
    jitter = random.Random(0)  # noqa: S311 - placement of dots, not security
    for p_index, profile in enumerate(profiles):
        colour = PROFILE_COLOURS.get(profile, server_colour(p_index))
        for x, by_profile in enumerate(values.values()):
            runs = by_profile.get(profile, [])
            position = x - 0.4 + width * (p_index + 0.5)
            present = [v for v in runs if v is not None]
            if len(present) >= BOX_MIN_RUNS:
                ax.boxplot([present], positions=[position], widths=width * 0.8,
                           showfliers=False, medianprops={"color": colour},
                           boxprops={"color": colour}, whiskerprops={"color": colour},
                           capprops={"color": colour})
            xs = [position + jitter.uniform(-width / 5, width / 5) for _ in runs]
            ys = [v if v is not None else top * 1.1 for v in runs]
            markers = ["o" if v is not None else UNRECOVERED_MARKER for v in runs]
            for x_dot, y_dot, marker in zip(xs, ys, markers, strict=True):
                ax.scatter([x_dot], [y_dot], color=colour, marker=marker, s=22, zorder=3)
        ax.scatter([], [], color=colour, label=profile)
    ax.set_xticks(range(len(values)), list(values), fontsize=8)
    ax.set_xlim(-0.6, len(values) - 0.4)
    ax.set_yscale("symlog", linthresh=10.0)
    ax.set_ylim(0, max(top, 10.0) * 2.0)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    ax.set_ylabel("client-visible downtime (ms)")
    ax.grid(True, axis="y", alpha=0.3)
    ax.legend(title="profile (x: unrecovered)", fontsize=8, title_fontsize=8,
              loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    figure.tight_layout()
    return to_png(figure)
