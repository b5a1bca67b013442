"""Pure analysis of one run's history: downtime, failed requests, reactions, writes, verdict.

Every function takes events (or a `History`) and returns plain data; nothing here touches the
lab. Times are milliseconds on the run's clock.

Definitions, for each disruption (a fault applied, or healed):

- The window of a fault runs from its `fault` event to its `heal` event, and the window of a
  heal from the `heal` event to the next fault (or the end of the run). A fault without a
  heal has a window up to the next fault or the end of the run.
- A request's time is its `start_ms`. A failed request belongs to a window when it ended at or
  after the window's start, so a request in flight at the fault and failed by it counts. It
  must also start before the window's end, or before the end of an outage that began in the
  window.
- An outage is a run of failed requests with no success between them: it starts at the last
  success before its first failure and ends at the first success after it. The outage of a
  window is the longest one whose first failure lies in the window (an unrecovered one is the
  longest), and its length is the client-visible `downtime_ms`. With no failed request in
  the window, `downtime_ms` is 0. `max_success_gap_ms` (the longest span between consecutive
  successes in the window, including the last one before it) shows a stall that produced no
  error, or a degraded period where a few successes split the failures into short outages.
- An outage with no success after it is unrecovered: `downtime_ms` is None and
  `unrecovered_ms` runs from the last success to the end of the run (its last event or the
  end of its last request).
- A layer's reaction is the time from the disruption to that layer's first change in the
  window: `first_failure`, `vrrp` (a VRRP instance entering a new state), `haproxy_down` and
  `haproxy_up` (a server marked DOWN, or UP), `galera` (a node status that differs from that
  node's previous one) and `first_success` (the end of the outage, or the first success in the
  window).
"""

from __future__ import annotations

import bisect
import logging
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from halab.experiments.history import (
    Event,
    FaultEvent,
    GaleraEvent,
    HaproxyEvent,
    History,
    RequestEvent,
    VrrpAdvertEvent,
    VrrpEvent,
)

log = logging.getLogger(__name__)

# The tipo values read back from the database: one list, or one list per database node.
DatabaseTipos = Sequence[str] | Mapping[str, Sequence[str]]


@dataclass(frozen=True)
class Window:
    """One disruption: a fault applied (`phase` apply) or healed (`phase` heal)."""

    fault_id: str
    name: str
    phase: str
    start_ms: float
    end_ms: float


@dataclass(frozen=True)
class Outage:
    """A client-visible gap: from the last success before failures to the first after."""

    last_success_ms: float | None
    first_failure_ms: float
    first_success_ms: float | None

    @property
    def recovered(self) -> bool:
        return self.first_success_ms is not None

    @property
    def downtime_ms(self) -> float | None:
        if self.first_success_ms is None:
            return None
        begin = self.last_success_ms if self.last_success_ms is not None else self.first_failure_ms
        return self.first_success_ms - begin


@dataclass
class DisruptionResult:
    """The figures of one disruption (see the module docstring for each definition)."""

    fault_id: str
    name: str
    phase: str
    at_ms: float
    window_end_ms: float
    downtime_ms: float | None
    recovered: bool
    unrecovered_ms: float | None
    last_success_ms: float | None
    first_success_ms: float | None
    max_success_gap_ms: float | None
    failed_reads: int
    failed_writes: int
    failed_by_outcome: dict[str, int]
    reactions_ms: dict[str, float | None]


@dataclass(frozen=True)
class VrrpTransition:
    """A VRRP instance on a host going from one state to another (None: first seen)."""

    t_ms: float
    host: str
    instance: str
    from_state: str | None
    to_state: str


@dataclass(frozen=True)
class MasterOverlap:
    """A span in which more than one host was MASTER of the same VRRP instance."""

    instance: str
    start_ms: float
    end_ms: float | None
    hosts: tuple[str, ...]


@dataclass
class WriteCheck:
    """Acknowledged writes compared with the tipo values found in the database."""

    acknowledged: int
    lost: list[str]
    duplicated: dict[str, int]
    unacknowledged_present: list[str]


@dataclass
class Verdict:
    """pass, fail or unknown, with each expectation's measured value."""

    result: str
    checks: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None


# Windows and outages


def fault_windows(events: Sequence[Event], run_end_ms: float) -> list[Window]:
    """Return one window per fault and per heal, in time order."""
    marks = [event for event in events if isinstance(event, FaultEvent)]
    windows: list[Window] = []
    for index, mark in enumerate(marks):
        later = marks[index + 1 :]
        if mark.kind == "fault":
            ends = [m.t_ms for m in later if m.kind == "heal" and m.fault_id == mark.fault_id]
            ends += [m.t_ms for m in later if m.kind == "fault"]
        else:
            ends = [m.t_ms for m in later if m.kind == "fault"]
        end_ms = min(ends) if ends else max(run_end_ms, mark.t_ms)
        phase = "apply" if mark.kind == "fault" else "heal"
        windows.append(Window(mark.fault_id, mark.name, phase, mark.t_ms, end_ms))
    return windows


def find_outage(
    requests: Sequence[RequestEvent],
    start_ms: float,
    end_ms: float,
    not_before_ms: float = float("-inf"),
) -> Outage | None:
    """Return the longest outage whose first failure lies in [start_ms, end_ms), or None.

    Failures separated by a success are separate outages; an unrecovered one counts as the
    longest. Failures that started before `not_before_ms` belong to an earlier window and
    are skipped. `requests` must be sorted by `start_ms`.
    """
    failures = [
        r
        for r in requests
        if not r.ok and r.end_ms >= start_ms and not_before_ms <= r.start_ms < end_ms
    ]
    successes = [r.start_ms for r in requests if r.ok]
    outages: list[Outage] = []
    for failure in failures:
        if outages and (outages[-1].first_success_ms is None
                        or failure.start_ms < outages[-1].first_success_ms):
            continue
        index = bisect.bisect_left(successes, failure.start_ms)
        after = bisect.bisect_right(successes, failure.start_ms)
        outages.append(Outage(
            last_success_ms=successes[index - 1] if index > 0 else None,
            first_failure_ms=failure.start_ms,
            first_success_ms=successes[after] if after < len(successes) else None,
        ))
    if not outages:
        return None
    return max(outages, key=lambda o: math.inf if o.downtime_ms is None else o.downtime_ms)


def max_success_gap(
    requests: Sequence[RequestEvent], start_ms: float, end_ms: float
) -> float | None:
    """Return the longest span between consecutive successes around [start_ms, end_ms)."""
    times = [r.start_ms for r in requests if r.ok]
    inside = [t for t in times if start_ms <= t < end_ms]
    before = [t for t in times if t < start_ms]
    after = [t for t in times if t >= end_ms]
    points = list(inside)
    if before:
        points.insert(0, before[-1])
    if after:
        points.append(after[0])
    if len(points) < 2:
        return None
    return max(b - a for a, b in zip(points, points[1:], strict=False))


# Layer reactions


def vrrp_transitions(events: Iterable[Event]) -> list[VrrpTransition]:
    """List each VRRP state change per (host, instance); repeats of a state are dropped."""
    last: dict[tuple[str, str], str] = {}
    transitions: list[VrrpTransition] = []
    for event in events:
        if not isinstance(event, VrrpEvent):
            continue
        key = (event.host, event.instance)
        previous = last.get(key)
        if previous == event.state:
            continue
        last[key] = event.state
        transitions.append(
            VrrpTransition(event.t_ms, event.host, event.instance, previous, event.state)
        )
    return transitions


def galera_changes(events: Iterable[Event]) -> list[GaleraEvent]:
    """Return the Galera samples that differ from the same node's previous sample."""
    last: dict[str, tuple] = {}
    changes: list[GaleraEvent] = []
    for event in events:
        if not isinstance(event, GaleraEvent):
            continue
        key = event.status_key()
        if event.host in last and last[event.host] != key:
            changes.append(event)
        last[event.host] = key
    return changes


def first_at_or_after(times: Iterable[float], start_ms: float, end_ms: float) -> float | None:
    inside = [t for t in times if start_ms <= t < end_ms]
    return min(inside) if inside else None


def layer_reactions(
    events: Sequence[Event], window: Window, outage: Outage | None, requests: Sequence[RequestEvent]
) -> dict[str, float | None]:
    """Return ms from the disruption to each layer's first reaction in its window."""
    start, end = window.start_ms, window.end_ms
    vrrp_at = first_at_or_after((t.t_ms for t in vrrp_transitions(events)), start, end)
    down_at = first_at_or_after(_haproxy_times(events, "DOWN"), start, end)
    up_at = first_at_or_after(_haproxy_times(events, "UP"), start, end)
    galera_at = first_at_or_after((e.t_ms for e in galera_changes(events)), start, end)
    if outage is not None:
        failure_at: float | None = outage.first_failure_ms
        success_at = outage.first_success_ms
    else:
        failure_at = None
        success_at = first_at_or_after((r.start_ms for r in requests if r.ok), start, end)

    def since(t: float | None) -> float | None:
        return None if t is None else max(0.0, t - start)

    return {
        "first_failure": since(failure_at),
        "vrrp": since(vrrp_at),
        "haproxy_down": since(down_at),
        "haproxy_up": since(up_at),
        "galera": since(galera_at),
        "first_success": since(success_at),
    }


def _haproxy_times(events: Iterable[Event], state: str) -> list[float]:
    return [e.t_ms for e in events if isinstance(e, HaproxyEvent) and e.state == state]


# Per disruption


def analyze_disruptions(history: History) -> list[DisruptionResult]:
    """Compute the figures of every fault and heal of a run."""
    events = history.events()
    requests = sorted((e for e in events if isinstance(e, RequestEvent)), key=lambda r: r.start_ms)
    run_end_ms = max((e.t_ms for e in events), default=0.0)
    if requests:
        run_end_ms = max(run_end_ms, requests[-1].end_ms)

    results: list[DisruptionResult] = []
    # Failures that started before this time belong to an earlier disruption's outage.
    claimed_until = float("-inf")
    for window in fault_windows(events, run_end_ms):
        outage = find_outage(requests, window.start_ms, window.end_ms, claimed_until)
        results.append(
            _disruption_result(events, requests, window, outage, claimed_until, run_end_ms)
        )
        claimed_until = max(claimed_until, window.end_ms)
        if outage is not None:
            claimed_until = max(claimed_until, outage.first_success_ms or float("inf"))
    return results


def _disruption_result(
    events: Sequence[Event],
    requests: Sequence[RequestEvent],
    window: Window,
    outage: Outage | None,
    claimed_until: float,
    run_end_ms: float,
) -> DisruptionResult:
    counted_until = window.end_ms
    if outage is not None:
        counted_until = max(counted_until, outage.first_success_ms or float("inf"))
    failed = [
        r
        for r in requests
        if not r.ok and r.end_ms >= window.start_ms and claimed_until <= r.start_ms < counted_until
    ]
    unrecovered_ms = None
    if outage is not None and not outage.recovered:
        begin = outage.last_success_ms
        begin = outage.first_failure_ms if begin is None else begin
        unrecovered_ms = run_end_ms - begin
    return DisruptionResult(
        fault_id=window.fault_id,
        name=window.name,
        phase=window.phase,
        at_ms=window.start_ms,
        window_end_ms=window.end_ms,
        downtime_ms=0.0 if outage is None else outage.downtime_ms,
        recovered=outage is None or outage.recovered,
        unrecovered_ms=unrecovered_ms,
        last_success_ms=None if outage is None else outage.last_success_ms,
        first_success_ms=None if outage is None else outage.first_success_ms,
        max_success_gap_ms=max_success_gap(requests, window.start_ms, window.end_ms),
        failed_reads=sum(1 for r in failed if r.op == "read"),
        failed_writes=sum(1 for r in failed if r.op == "write"),
        failed_by_outcome=dict(Counter(r.outcome for r in failed)),
        reactions_ms=layer_reactions(events, window, outage, requests),
    )


# Whole-run figures


def served_by_split(
    requests: Iterable[RequestEvent], start_ms: float | None = None, end_ms: float | None = None
) -> dict[str, dict[str, float]]:
    """Return count and share of successful requests per X-Served-By value."""
    chosen = [
        r
        for r in requests
        if r.ok
        and (start_ms is None or r.start_ms >= start_ms)
        and (end_ms is None or r.start_ms < end_ms)
    ]
    counts = Counter(r.served_by or "unknown" for r in chosen)
    total = sum(counts.values())
    return {name: {"count": n, "share": n / total} for name, n in sorted(counts.items())}


def alternation(requests: Iterable[RequestEvent]) -> float | None:
    """Return the share of consecutive successes (by start) served by different servers.

    Strict round robin between two servers gives 1.0, so long as each request finished before
    the next started; requests served by one server give 0.0.
    """
    served = [r.served_by for r in sorted(requests, key=lambda r: r.start_ms) if r.ok]
    if len(served) < 2:
        return None
    changes = sum(1 for a, b in zip(served, served[1:], strict=False) if a != b)
    return changes / (len(served) - 1)


def multiple_masters(events: Iterable[Event]) -> list[MasterOverlap]:
    """Return the spans in which two or more hosts were MASTER of one VRRP instance."""
    states: dict[str, dict[str, str]] = {}
    open_spans: dict[str, tuple[float, tuple[str, ...]]] = {}
    overlaps: list[MasterOverlap] = []
    for event in events:
        if not isinstance(event, VrrpEvent):
            continue
        hosts = states.setdefault(event.instance, {})
        hosts[event.host] = event.state
        masters = tuple(sorted(h for h, s in hosts.items() if s == "MASTER"))
        current = open_spans.get(event.instance)
        if current is not None and masters != current[1]:
            overlaps.append(MasterOverlap(event.instance, current[0], event.t_ms, current[1]))
            del open_spans[event.instance]
        if len(masters) > 1 and event.instance not in open_spans:
            open_spans[event.instance] = (event.t_ms, masters)
    for instance, (start, hosts_seen) in open_spans.items():
        overlaps.append(MasterOverlap(instance, start, None, hosts_seen))
    return overlaps


def write_check(requests: Iterable[RequestEvent], database_tipos: Sequence[str]) -> WriteCheck:
    """Compare the write ledger of a run with the tipo values found in the database.

    A write is acknowledged when its request succeeded. `lost` lists acknowledged ids missing
    from the database, and `duplicated` the probe ids found more than once.
    `unacknowledged_present` lists writes that failed at the client but were stored anyway.
    Those are allowed, because the client cannot tell a lost reply from a lost write.
    """
    requests = list(requests)
    acknowledged = {r.write_id for r in requests if r.op == "write" and r.ok and r.write_id}
    attempted = {r.write_id for r in requests if r.op == "write" and r.write_id}
    found = Counter(database_tipos)
    return WriteCheck(
        acknowledged=len(acknowledged),
        lost=sorted(acknowledged - set(found)),
        duplicated={tipo: n for tipo, n in sorted(found.items()) if n > 1 and tipo in attempted},
        unacknowledged_present=sorted((attempted - acknowledged) & set(found)),
    )


def write_check_nodes(
    requests: Iterable[RequestEvent], tipos_by_node: Mapping[str, Sequence[str]]
) -> dict[str, Any]:
    """Run the write check on each database node and merge the results.

    An id lost on any node counts as lost, listed as `node:id`, and a duplicate keeps the
    largest count seen on one node.
    """
    requests = list(requests)
    per_node = {node: write_check(requests, tipos) for node, tipos in sorted(tipos_by_node.items())}
    duplicated: dict[str, int] = {}
    for check in per_node.values():
        for tipo, count in check.duplicated.items():
            duplicated[tipo] = max(count, duplicated.get(tipo, 0))
    acknowledged = {r.write_id for r in requests if r.op == "write" and r.ok and r.write_id}
    return {
        "acknowledged": len(acknowledged),
        "lost": [f"{node}:{tipo}" for node, check in per_node.items() for tipo in check.lost],
        "duplicated": dict(sorted(duplicated.items())),
        "unacknowledged_present": sorted(
            {tipo for check in per_node.values() for tipo in check.unacknowledged_present}
        ),
        "per_node": {node: asdict(check) for node, check in per_node.items()},
    }


def advert_priority_changes(events: Iterable[Event]) -> list[VrrpAdvertEvent]:
    """Return the captured VRRP adverts whose priority differs from the same source's previous.

    The first advert of each (source, VRID) is included, so the list reads as a step function
    of each sender's priority, such as 101, then 91, then 101.
    """
    last: dict[tuple[str, int], int] = {}
    changes: list[VrrpAdvertEvent] = []
    for event in events:
        if not isinstance(event, VrrpAdvertEvent):
            continue
        key = (event.src, event.vrid)
        if last.get(key) != event.priority:
            changes.append(event)
        last[key] = event.priority
    return changes


# Repeats


def percentile(values: Sequence[float], fraction: float) -> float:
    """Return the percentile by linear interpolation between closest ranks."""
    if not values:
        raise ValueError("percentile of an empty list")
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summarize(values: Iterable[float | None]) -> dict[str, float | int | None]:
    """Return n, missing (None values, such as unrecovered runs), min, median, p95 and max."""
    values = list(values)
    present = [float(v) for v in values if v is not None]
    summary: dict[str, float | int | None] = {
        "n": len(present),
        "missing": len(values) - len(present),
    }
    for name, fraction in (("min", 0.0), ("median", 0.5), ("p95", 0.95), ("max", 1.0)):
        summary[name] = percentile(present, fraction) if present else None
    return summary


# The whole run and its verdict

# Each expectation key: the figure it reads and how the measured value must compare.
# `max_*` and `min_*` bound a number; `split_brain` and `recovered` must equal the measured flag.
EXPECTATION_KEYS = (
    "max_downtime_ms",
    "min_downtime_ms",
    "max_failed_requests",
    "min_failed_requests",
    "max_failed_reads",
    "max_failed_writes",
    "min_failed_writes",
    "max_lost_writes",
    "max_duplicated_writes",
    "min_share_per_server",
    "split_brain",
    "recovered",
)
# Names from earlier drafts, accepted and read as the key they map to.
EXPECTATION_ALIASES = {
    "max_failed_gets": "max_failed_reads",
    "lost_writes": "max_lost_writes",
    "duplicated_writes": "max_duplicated_writes",
    "multiple_masters": "split_brain",
}


def run_figures(history: History, database_tipos: DatabaseTipos | None = None) -> dict[str, Any]:
    """Compute every figure of one run as JSON-ready data.

    `database_tipos` is the list of tipo values in the database, or a mapping from each
    database node to its list; None skips the write check.
    """
    events = history.events()
    requests = [e for e in events if isinstance(e, RequestEvent)]
    failed = [r for r in requests if not r.ok]
    figures: dict[str, Any] = {
        "requests": {
            "total": len(requests),
            "ok": len(requests) - len(failed),
            "failed_reads": sum(1 for r in failed if r.op == "read"),
            "failed_writes": sum(1 for r in failed if r.op == "write"),
            "failed_by_outcome": dict(Counter(r.outcome for r in failed)),
            "latency_ok_ms": summarize(r.latency_ms for r in requests if r.ok),
            "start_lag_ms": summarize(r.start_ms - r.scheduled_ms for r in requests),
        },
        "disruptions": [asdict(d) for d in analyze_disruptions(history)],
        "vrrp_transitions": [asdict(t) for t in vrrp_transitions(events)],
        "advert_priorities": [
            {"t_ms": a.t_ms, "src": a.src, "vrid": a.vrid, "priority": a.priority}
            for a in advert_priority_changes(events)
        ],
        "multiple_masters": [asdict(o) for o in multiple_masters(events)],
        "served_by": served_by_split(requests),
        "alternation": alternation(requests),
        "writes": None,
    }
    if isinstance(database_tipos, Mapping):
        figures["writes"] = write_check_nodes(requests, database_tipos)
    elif database_tipos is not None:
        figures["writes"] = asdict(write_check(requests, database_tipos))
    return figures


def judge(figures: dict[str, Any], expectation: dict[str, Any]) -> Verdict:
    """Check the figures against an expectation, one check per key with a non-None value.

    Downtime keys take the maximum over every fault and heal, and failed-request keys count
    the whole run. Write keys need the database contents and are unknown without them.
    :raise ValueError: on a key that is not in EXPECTATION_KEYS or EXPECTATION_ALIASES.
    """
    known = set(EXPECTATION_KEYS) | set(EXPECTATION_ALIASES)
    unknown_keys = sorted(set(expectation) - known)
    if unknown_keys:
        raise ValueError(
            f"unknown expectation keys {unknown_keys}; expected some of {list(EXPECTATION_KEYS)}"
        )
    checks = [
        _check(EXPECTATION_ALIASES.get(key, key), expected, figures)
        for key, expected in expectation.items()
        if expected is not None
    ]
    if any(c["passed"] is None for c in checks):
        result = "unknown"
    elif all(c["passed"] for c in checks):
        result = "pass"
    else:
        result = "fail"
    return Verdict(result, checks)


def _check(key: str, expected: Any, figures: dict[str, Any]) -> dict[str, Any]:
    """Measure one expectation key and compare; `passed` None means it could not be measured."""
    measured = _measure(key, figures)
    if key in ("recovered", "split_brain"):
        passed: bool | None = measured == bool(expected)
    elif measured is None:
        passed = None
    elif measured == "unrecovered":
        passed = key.startswith("min_")
    elif key.startswith("min_"):
        passed = measured >= expected
    else:
        passed = measured <= expected
    return {"key": key, "expected": expected, "measured": measured, "passed": passed}


def _measure(key: str, figures: dict[str, Any]) -> Any:
    """Return the measured value of one expectation key, or None when it cannot be measured."""
    totals = figures["requests"]
    writes = figures["writes"]
    failed_requests = totals["failed_reads"] + totals["failed_writes"]
    simple = {
        "max_failed_requests": failed_requests,
        "min_failed_requests": failed_requests,
        "max_failed_reads": totals["failed_reads"],
        "max_failed_writes": totals["failed_writes"],
        "min_failed_writes": totals["failed_writes"],
        "split_brain": bool(figures["multiple_masters"]),
        "recovered": all(d["recovered"] for d in figures["disruptions"]),
    }
    if key in simple:
        return simple[key]
    if key in ("max_downtime_ms", "min_downtime_ms"):
        return max_downtime(figures["disruptions"])
    if key == "min_share_per_server":
        shares = [entry["share"] for entry in figures["served_by"].values()]
        # With one server seen, the others served nothing, so the smallest share is 0.
        return min(shares) if len(shares) >= 2 else 0.0
    if writes is None:
        return None
    if key == "max_lost_writes":
        return len(writes["lost"])
    return sum(count - 1 for count in writes["duplicated"].values())


def max_downtime(disruptions: list[dict[str, Any]]) -> float | str | None:
    """Return the largest downtime of a run, `unrecovered`, or None when nothing was disrupted."""
    if not disruptions:
        return None
    if any(d["downtime_ms"] is None for d in disruptions):
        return "unrecovered"
    return max(d["downtime_ms"] for d in disruptions)


def analyze_run(
    history: History,
    expectation: dict[str, Any] | None = None,
    database_tipos: DatabaseTipos | None = None,
) -> dict[str, Any]:
    """Compute the figures and the verdict of one run.

    An analysis that raises gives the verdict unknown with the error text, so a bug in a
    checker never looks like a pass or a fail.
    """
    try:
        figures = run_figures(history, database_tipos)
    except Exception as exc:
        log.exception("analysis of run %s failed", history.header.run_id)
        return {"figures": None, "verdict": asdict(Verdict("unknown", error=repr(exc)))}
    try:
        verdict = judge(figures, expectation or {})
    except Exception as exc:
        log.exception("verdict of run %s failed", history.header.run_id)
        verdict = Verdict("unknown", error=repr(exc))
    return {"figures": figures, "verdict": asdict(verdict)}


def repeat_summary(results: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Summarize the `analyze_run` results of repeated runs of one scenario and profile.

    Per run it takes the largest downtime (None when a disruption never recovered), the failed
    reads and writes, and the largest time to the first success after a fault. The verdicts
    are counted by result.
    """
    downtimes, first_successes, failed_reads, failed_writes = [], [], [], []
    for result in results:
        figures = result.get("figures")
        if figures is None:
            continue
        downtimes.append(max_downtime(figures["disruptions"]))
        failed_reads.append(figures["requests"]["failed_reads"])
        failed_writes.append(figures["requests"]["failed_writes"])
        first_successes.append(_max_first_success(figures["disruptions"]))
    return {
        "runs": len(results),
        "verdicts": dict(Counter(r["verdict"]["result"] for r in results)),
        "downtime_ms": summarize(None if d == "unrecovered" else d for d in downtimes),
        "first_success_ms": summarize(first_successes),
        "failed_reads": summarize(failed_reads),
        "failed_writes": summarize(failed_writes),
    }


def _max_first_success(disruptions: list[dict[str, Any]]) -> float | None:
    times = [
        d["reactions_ms"]["first_success"]
        for d in disruptions
        if d["phase"] == "apply" and d["reactions_ms"]["first_success"] is not None
    ]
    return max(times) if times else None
