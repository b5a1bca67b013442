"""Targets: a bound on one statistic of one benchmark figure, and its check.

A check returns `met`, `not met`, or `unknown` when the figure was not measured (no run, or
every run unrecovered). Pure: the benchmarks define their targets beside their code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

MET = "met"
NOT_MET = "not met"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Target:
    """`statistic` of `metric` in group `group` must be at most (or at least) `limit`."""

    title: str
    group: str
    metric: str
    statistic: str
    limit: float
    at_least: bool = False

    def describe(self) -> str:
        relation = ">=" if self.at_least else "<="
        return f"{self.metric} {self.statistic} {relation} {self.limit:g}"


def check_target(target: Target, measured: float | None) -> dict[str, Any]:
    """Compare one measured statistic with its target and return a JSON-ready row."""
    if measured is None:
        status = UNKNOWN
    elif target.at_least:
        status = MET if measured >= target.limit else NOT_MET
    else:
        status = MET if measured <= target.limit else NOT_MET
    return {
        "title": target.title,
        "group": target.group,
        "target": target.describe(),
        "measured": measured,
        "status": status,
    }


def lookup(summaries: dict[str, dict[str, dict[str, Any]]], target: Target) -> float | None:
    """Return summaries[group][metric][statistic], or None when any level is missing."""
    value = summaries.get(target.group, {}).get(target.metric, {}).get(target.statistic)
    return None if value is None else float(value)


def check_all(targets: list[Target],
              summaries: dict[str, dict[str, dict[str, Any]]]) -> list[dict[str, Any]]:
    """Check every target against the per-group summaries."""
    return [check_target(target, lookup(summaries, target)) for target in targets]
