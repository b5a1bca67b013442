"""Collect the daemons' state changes of one run into history events.

The lab's supervisor writes every daemon's output line by line to
`hosts/<host>/log/<service>.log`, each line prefixed with `time.monotonic()` in seconds, and
Keepalived's notify fifo lines to `events.jsonl` with a `t_mono` field. Network namespaces
share CLOCK_MONOTONIC, so these times sit on the run's clock after subtracting the run's start.
The functions here are pure: they take lines and return events.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from pathlib import Path

from halab.experiments.history import HaproxyEvent, VrrpEvent

log = logging.getLogger(__name__)

# HAProxy 2.6 reports a check result change as, for example,
# "[WARNING]  (812) : Server web/webserver01 is DOWN, reason: Layer4 connection problem, ..."
# or "Backup Server db/mariadb02 is UP, reason: ..." (the same text also goes to its log).
_HAPROXY_CHANGE = re.compile(
    r"(?:Backup )?Server (?P<backend>[\w.-]+)/(?P<server>[\w.-]+) "
    r"(?:\('[^']*'\) )?is (?P<state>UP|DOWN|going DOWN for maintenance|leaving maintenance)"
)
_HAPROXY_STATE = {
    "UP": "UP",
    "DOWN": "DOWN",
    "going DOWN for maintenance": "MAINT",
    "leaving maintenance": "UP",
}
_VRRP_STATES = {"MASTER", "BACKUP", "FAULT", "STOP"}


def _split_stamp(line: str) -> tuple[float, str] | None:
    stamp, _, text = line.partition(" ")
    try:
        return float(stamp), text
    except ValueError:
        return None


def haproxy_events(
    lines: Iterable[str], host: str, t0_mono_s: float, end_mono_s: float | None = None
) -> list[HaproxyEvent]:
    """Parse one HAProxy log into UP/DOWN events between the run start and end.

    A change that HAProxy prints twice (as a warning and as a log line) is kept once.
    """
    events: list[HaproxyEvent] = []
    last_state: dict[tuple[str, str], str] = {}
    for line in lines:
        stamped = _split_stamp(line)
        if stamped is None:
            continue
        mono_s, text = stamped
        match = _HAPROXY_CHANGE.search(text)
        if match is None:
            continue
        key = (match["backend"], match["server"])
        state = _HAPROXY_STATE[match["state"]]
        if last_state.get(key) == state:
            continue
        last_state[key] = state
        if mono_s < t0_mono_s or (end_mono_s is not None and mono_s > end_mono_s):
            continue
        events.append(
            HaproxyEvent(
                t_ms=(mono_s - t0_mono_s) * 1000.0,
                host=host,
                backend=match["backend"],
                server=match["server"],
                state=state,
            )
        )
    return events


def keepalived_events(
    lines: Iterable[str], t0_mono_s: float, end_mono_s: float | None = None
) -> list[VrrpEvent]:
    """Turn the supervisor's events.jsonl lines into VRRP instance transitions.

    Each instance's last state before the run starts is kept as an event at t_ms 0 with
    source `initial`, so a run shows who was MASTER from its first millisecond.
    """
    initial: dict[tuple[str, str], str] = {}
    events: list[VrrpEvent] = []
    for record in _keepalived_records(lines):
        mono_s = record["t_mono"]
        key = (record["host"], record.get("name", ""))
        if mono_s < t0_mono_s:
            initial[key] = record["state"]
        elif end_mono_s is None or mono_s <= end_mono_s:
            events.append(VrrpEvent(t_ms=(mono_s - t0_mono_s) * 1000.0, host=key[0],
                                    instance=key[1], state=record["state"], source="notify"))
    starting = [VrrpEvent(t_ms=0.0, host=host, instance=instance, state=state, source="initial")
                for (host, instance), state in sorted(initial.items())]
    return starting + events


def _keepalived_records(lines: Iterable[str]) -> Iterable[dict]:
    for line in lines:
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            log.warning("skipping a malformed events line: %.80s", line)
            continue
        if record.get("kind") != "keepalived" or record.get("type") != "INSTANCE":
            continue
        if record.get("state") in _VRRP_STATES and isinstance(record.get("t_mono"),
                                                               int | float):
            yield record


def read_lines(path: Path) -> list[str]:
    """Return a file's lines, or none when it does not exist (a service that never started)."""
    try:
        return path.read_text(errors="replace").splitlines()
    except FileNotFoundError:
        return []
