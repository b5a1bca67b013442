"""Table rows of a report, as plain data shared by the HTML and Markdown writers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from halab.experiments.history import Event, VrrpAdvertEvent


@dataclass(frozen=True)
class AdvertRow:
    """A run of identical VRRP adverts from one source: its first one and how many followed."""

    t_s: float
    src: str
    vrid: int
    priority: int
    advert_int_ms: float
    version: int
    count: int


def advert_rows(events: Sequence[Event]) -> list[AdvertRow]:
    """Return the first advert of each source and each advert that changed priority or interval.

    This is the Wireshark view of a failover: one row per change, so 101, then 91, then 101
    shows the master's tracked check failing and recovering.
    """
    rows: list[AdvertRow] = []
    current: dict[tuple[str, int], int] = {}
    for event in events:
        if not isinstance(event, VrrpAdvertEvent):
            continue
        key = (event.src, event.vrid)
        index = current.get(key)
        if index is not None:
            previous = rows[index]
            same = (previous.priority, previous.advert_int_ms) == (
                event.priority,
                event.advert_int_ms,
            )
            if same:
                rows[index] = _counted(previous, previous.count + 1)
                continue
        current[key] = len(rows)
        rows.append(
            AdvertRow(event.t_ms / 1000.0, event.src, event.vrid, event.priority,
                      event.advert_int_ms, event.version, 1)
        )
    return rows


def _counted(row: AdvertRow, count: int) -> AdvertRow:
    return AdvertRow(row.t_s, row.src, row.vrid, row.priority, row.advert_int_ms, row.version,
                     count)


def priority_sequence(rows: Sequence[AdvertRow], src: str) -> list[int]:
    """Return the priorities one source advertised, in order, each change once."""
    return [row.priority for row in rows if row.src == src]


def run_downtime_ms(disruptions: Sequence[dict[str, Any]]) -> float | None:
    """Return a run's worst downtime over its faults and heals, or None if one never recovered.

    A run with no fault returns 0.
    """
    if any(d["downtime_ms"] is None for d in disruptions):
        return None
    return max((d["downtime_ms"] for d in disruptions), default=0.0)
