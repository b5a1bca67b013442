"""Daemon states over time, as spans and steps that the timeline draws.

Pure: each function reads history events and returns plain tuples in ms on the run's clock.
A state lasts from its event to the next event of the same row, and the last one to the end of
the run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from halab.experiments.history import (
    Event,
    FaultEvent,
    GaleraEvent,
    HaproxyEvent,
    RequestEvent,
    VrrpEvent,
)


@dataclass(frozen=True)
class Span:
    start_ms: float
    end_ms: float
    label: str


def run_end_ms(events: Sequence[Event]) -> float:
    """Return the last time of a run: its last event or the end of its last request."""
    ends = [e.end_ms if isinstance(e, RequestEvent) else e.t_ms for e in events]
    return max(ends, default=0.0)


def _spans_by_row(
    events: Sequence[Event], row_of: Callable[[Event], str | None], state_of: Callable[[Event], str]
) -> dict[str, list[Span]]:
    end = run_end_ms(events)
    marks: dict[str, list[tuple[float, str]]] = {}
    for event in events:
        row = row_of(event)
        if row is not None:
            marks.setdefault(row, []).append((event.t_ms, state_of(event)))
    rows: dict[str, list[Span]] = {}
    for row, points in sorted(marks.items()):
        spans = []
        for (start, state), following in zip(points, points[1:] + [(end, "")], strict=True):
            if spans and spans[-1].label == state:
                spans[-1] = Span(spans[-1].start_ms, following[0], state)
            else:
                spans.append(Span(start, max(start, following[0]), state))
        rows[row] = spans
    return rows


def keepalived_spans(events: Sequence[Event]) -> dict[str, list[Span]]:
    """Return MASTER/BACKUP/FAULT/STOP spans per `host instance` row."""

    def row(event: Event) -> str | None:
        return f"{event.host} {event.instance}" if isinstance(event, VrrpEvent) else None

    return _spans_by_row(events, row, lambda e: e.state)  # type: ignore[attr-defined]


def haproxy_spans(events: Sequence[Event]) -> dict[str, list[Span]]:
    """Return UP/DOWN (and MAINT, NOLB, DRAIN) spans per `host: backend/server` row."""

    def row(event: Event) -> str | None:
        if not isinstance(event, HaproxyEvent):
            return None
        return f"{event.host}: {event.backend}/{event.server}"

    return _spans_by_row(events, row, lambda e: e.state)  # type: ignore[attr-defined]


def galera_sizes(events: Sequence[Event]) -> dict[str, list[tuple[float, float]]]:
    """Return (t_ms, cluster size) steps per node, with size 0 where the node did not respond."""
    steps: dict[str, list[tuple[float, float]]] = {}
    for event in events:
        if isinstance(event, GaleraEvent):
            size = float(event.cluster_size) if event.cluster_size is not None else 0.0
            steps.setdefault(event.host, []).append((event.t_ms, size))
    end = run_end_ms(events)
    for points in steps.values():
        points.append((end, points[-1][1]))
    return dict(sorted(steps.items()))


def fault_spans(events: Sequence[Event]) -> list[Span]:
    """Return one span per fault, from its apply to its heal (or the end of the run)."""
    end = run_end_ms(events)
    marks = [e for e in events if isinstance(e, FaultEvent)]
    spans = []
    for mark in marks:
        if mark.kind != "fault":
            continue
        heals = [m.t_ms for m in marks if m.kind == "heal" and m.fault_id == mark.fault_id]
        heal_at = min((t for t in heals if t >= mark.t_ms), default=end)
        spans.append(Span(mark.t_ms, heal_at, mark.name))
    return spans
