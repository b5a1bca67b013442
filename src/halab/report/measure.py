"""Measured values that the report compares with predictions, and the comparison itself.

Two figures are computed here because `halab.experiments.analysis` reports each layer's first
change of any kind, which is not the moment a prediction describes:

- VRRP takeover: the first instance entering MASTER after the disruption (the analysis also
  counts the failed master leaving MASTER or entering FAULT).
- Galera eviction: the first responding node reporting a smaller cluster than it did before (the
  analysis also counts the failed node no longer responding to the poll).
- Detection: the first sign that a daemon noticed the fault: an advert with a lower priority
  than the same source sent before (tracking lowered it), an instance entering FAULT, or a
  server marked DOWN.

Every other measured value is the analysis's own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from halab.experiments.analysis import vrrp_transitions
from halab.experiments.history import (
    Event,
    FaultEvent,
    GaleraEvent,
    HaproxyEvent,
    VrrpAdvertEvent,
    VrrpEvent,
)

from .predict import Prediction, is_slower, predict
from .runs import RunData


@dataclass(frozen=True)
class Comparison:
    """One layer of one disruption: predicted worst case beside the measured value, in ms."""

    fault_id: str
    name: str
    phase: str
    layer: str
    predicted_ms: float
    formula: str
    measured_ms: float | None
    recovered: bool
    slower: bool | None


def vrrp_takeover_ms(events: Sequence[Event], start_ms: float, end_ms: float) -> float | None:
    """Return ms from `start_ms` to the first VRRP instance entering MASTER before `end_ms`."""
    for transition in vrrp_transitions(events):
        if start_ms <= transition.t_ms < end_ms and transition.to_state == "MASTER":
            return transition.t_ms - start_ms
    return None


def galera_eviction_ms(events: Sequence[Event], start_ms: float, end_ms: float) -> float | None:
    """Return ms from `start_ms` to the first node that reports a smaller cluster size."""
    last_size: dict[str, int] = {}
    for event in events:
        if not isinstance(event, GaleraEvent) or event.cluster_size is None:
            continue
        before = last_size.get(event.host)
        last_size[event.host] = event.cluster_size
        if before is not None and event.cluster_size < before and start_ms <= event.t_ms < end_ms:
            return event.t_ms - start_ms
    return None


def detection_ms(events: Sequence[Event], start_ms: float, end_ms: float) -> float | None:
    """Return ms from `start_ms` to the first daemon reaction to the fault (see above)."""
    last_priority: dict[tuple[str, int], int] = {}
    for event in events:
        if not start_ms <= event.t_ms < end_ms:
            if isinstance(event, VrrpAdvertEvent) and event.t_ms < start_ms:
                last_priority[(event.src, event.vrid)] = event.priority
            continue
        if isinstance(event, VrrpAdvertEvent):
            before = last_priority.get((event.src, event.vrid))
            last_priority[(event.src, event.vrid)] = event.priority
            if before is not None and event.priority < before:
                return event.t_ms - start_ms
        elif (isinstance(event, VrrpEvent) and event.state == "FAULT") or (
            isinstance(event, HaproxyEvent) and event.state == "DOWN"
        ):
            return event.t_ms - start_ms
    return None


def _measured(
    layer: str, disruption: dict[str, Any], events: Sequence[Event]
) -> float | None:
    start, end = disruption["at_ms"], disruption["window_end_ms"]
    if layer == "vrrp":
        return vrrp_takeover_ms(events, start, end)
    if layer == "galera":
        return galera_eviction_ms(events, start, end)
    if layer == "downtime":
        return disruption["downtime_ms"]
    return disruption["reactions_ms"].get(layer)


def compare_run(run: RunData) -> list[Comparison]:
    """Compare every prediction of a run with its measured value (none without a topology)."""
    if run.topology is None or run.history is None or run.figures is None:
        return []
    events = run.history.events()
    faults = {e.fault_id: e for e in events if isinstance(e, FaultEvent) and e.kind == "fault"}
    rows: list[Comparison] = []
    for disruption in run.disruptions:
        fault = faults.get(disruption["fault_id"])
        if fault is None:
            continue
        for prediction in predict(run.topology, fault, disruption["phase"]):
            rows.append(_compare(prediction, disruption, events))
    return rows


def _compare(
    prediction: Prediction, disruption: dict[str, Any], events: Sequence[Event]
) -> Comparison:
    measured = _measured(prediction.layer, disruption, events)
    unrecovered = prediction.layer == "downtime" and not disruption["recovered"]
    slower = True if unrecovered else is_slower(measured, prediction.worst_ms)
    return Comparison(
        fault_id=disruption["fault_id"],
        name=disruption["name"],
        phase=disruption["phase"],
        layer=prediction.layer,
        predicted_ms=prediction.worst_ms,
        formula=prediction.formula,
        measured_ms=measured,
        recovered=not unrecovered,
        slower=slower,
    )


def slower_than_predicted(comparisons: Sequence[Comparison]) -> bool:
    return any(c.slower for c in comparisons)


# The per-layer breakdown of each disruption

MILESTONES = (
    ("first_failure", "first failed request"),
    ("detection", "detection"),
    ("vrrp", "VRRP: new MASTER"),
    ("haproxy_down", "HAProxy: server DOWN"),
    ("haproxy_up", "HAProxy: server UP"),
    ("galera", "Galera: node evicted"),
    ("downtime", "first success (downtime end)"),
)


@dataclass(frozen=True)
class Milestone:
    """One step of a failover, in ms from the disruption, or None where it did not happen."""

    key: str
    label: str
    measured_ms: float | None
    predicted_ms: float | None


@dataclass(frozen=True)
class Breakdown:
    fault_id: str
    name: str
    phase: str
    milestones: tuple[Milestone, ...]


def breakdowns(run: RunData, comparisons: Sequence[Comparison]) -> list[Breakdown]:
    """Return the milestones of each disruption that had any reaction, with predictions."""
    if run.history is None:
        return []
    events = run.history.events()
    result = []
    for disruption in run.disruptions:
        predicted = {
            c.layer: c.predicted_ms
            for c in comparisons
            if c.fault_id == disruption["fault_id"] and c.phase == disruption["phase"]
        }
        milestones = tuple(
            Milestone(key, label, _milestone(key, disruption, events), predicted.get(key))
            for key, label in MILESTONES
        )
        if any(m.measured_ms is not None for m in milestones) or predicted:
            result.append(
                Breakdown(disruption["fault_id"], disruption["name"], disruption["phase"],
                          milestones)
            )
    return result


def _milestone(key: str, disruption: dict[str, Any], events: Sequence[Event]) -> float | None:
    start, end = disruption["at_ms"], disruption["window_end_ms"]
    if key == "first_failure":
        return disruption["reactions_ms"]["first_failure"]
    if key == "detection":
        return detection_ms(events, start, end)
    if key == "downtime":
        # With no failed request, the downtime is 0 and the first success is not a milestone.
        first_failure = disruption["reactions_ms"]["first_failure"]
        return None if first_failure is None else disruption["reactions_ms"]["first_success"]
    return _measured(key, disruption, events)
