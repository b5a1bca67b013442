"""Formatting and grouping shared by the HTML and Markdown writers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .build import GroupRow
from .predict import TOLERANCE_FRACTION, TOLERANCE_MS

LAYER_NAMES = {
    "vrrp": "VRRP: new MASTER",
    "haproxy_down": "HAProxy: server DOWN",
    "galera": "Galera: node evicted",
    "downtime": "client downtime",
}
TOLERANCE_TEXT = f"{TOLERANCE_MS:.0f} ms or {TOLERANCE_FRACTION:.0%} of the prediction, the larger"
PROFILE_ORDER = ("seed", "tuned")


@dataclass
class SideBySide:
    """One scenario on one topology, with its repeats summarized per profile."""

    scenario: str
    topology: str
    by_profile: dict[str, GroupRow]


def profiles_of(groups: list[GroupRow]) -> list[str]:
    """Return the profiles present: seed, tuned, then any other in name order."""
    present = {g.profile for g in groups}
    known = [p for p in PROFILE_ORDER if p in present]
    return known + sorted(present - set(PROFILE_ORDER))


def side_by_side(groups: list[GroupRow]) -> list[SideBySide]:
    rows: dict[tuple[str, str], SideBySide] = {}
    for group in groups:
        key = (group.scenario, group.topology)
        rows.setdefault(key, SideBySide(group.scenario, group.topology, {}))
        rows[key].by_profile[group.profile] = group
    return [rows[key] for key in sorted(rows)]


def fmt_ms(value: float | None, missing: str = "-") -> str:
    """Format milliseconds for a table: ms below 10 s, seconds with one decimal above."""
    if value is None:
        return missing
    if abs(value) >= 10000:
        return f"{value / 1000:.1f} s"
    return f"{value:.0f} ms"


def fmt_ms1(value: float | None) -> str:
    """Format a small latency with one decimal."""
    return "-" if value is None else f"{value:.1f} ms"


def fmt_count(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


def fmt_value(value: Any, key: str = "") -> str:
    """Format a measured or expected value of a verdict check; `key` ending in _ms adds ms."""
    if isinstance(value, bool) or value is None:
        return str(value).lower() if value is not None else "not measured"
    if key.endswith("_ms") and isinstance(value, int | float):
        return fmt_ms(float(value))
    if isinstance(value, float):
        return f"{value:.3g}" if value < 1 else f"{value:.0f}"
    return str(value)
