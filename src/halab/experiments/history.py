"""The one history of a run: every request, fault and daemon state change on one clock.

Every figure of a run is computed from its history alone, so a saved history is enough to
recompute a report. The file format is JSON Lines (docs/results-schema.md has the full table):

- line 1 is the run header (`"kind": "run"`): scenario, profile, topology, halab version,
  command line, start wall time, and the value of the monotonic clock at the run start;
- every other line is one event, a JSON object with a `kind` and `t_ms`.

Clock: `t_ms` is milliseconds since the run start on `time.monotonic()`. Network namespaces
share CLOCK_MONOTONIC, so a monotonic value sampled inside any namespace of this machine is
directly comparable with the runner's; a process that writes its own file (the probe) records
the monotonic value of its own start, and `import_probe_file` shifts its times by the
difference.

Event kinds:

- `request`: one probe request. `op` is `read` or `write`; `scheduled_ms`, `start_ms`,
  `end_ms` and `latency_ms`; `outcome` is `ok`, `http_5xx`, `http_4xx`, `refused`, `reset`,
  `timeout` or `error`; `status`, `served_by` (the X-Served-By header) and `write_id`.
  For a request `t_ms` equals `start_ms`.
- `fault` and `heal`: a fault applied or healed (`fault_id`, `name`, `action`, `hosts`,
  `service`, `detail`, and `error` when the step failed).
- `vrrp`: a Keepalived instance entering MASTER, BACKUP, FAULT or STOP.
- `haproxy`: HAProxy marking a server of a backend UP or DOWN (or MAINT, NOLB, DRAIN).
- `galera`: a polled Galera node status (cluster size, cluster status, local state).
- `vrrp_advert`: a VRRP advertisement seen on the wire (source, VRID, priority, interval).
- `note`: free text from the runner.

`History` is safe to append to from several threads; with a path it also writes each event to
the file as it arrives, so a run that dies half way keeps what it recorded.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from halab import __version__
from halab.errors import InvalidInput

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1

Outcome = Literal["ok", "http_5xx", "http_4xx", "refused", "reset", "timeout", "error"]
FAILED_OUTCOMES: frozenset[str] = frozenset(
    {"http_5xx", "http_4xx", "refused", "reset", "timeout", "error"}
)


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class RunHeader(_Record):
    """Metadata of one run, the first line of its history file."""

    kind: Literal["run"] = "run"
    schema_version: int = SCHEMA_VERSION
    run_id: str
    scenario: str
    profile: str
    topology: str
    halab_version: str = __version__
    command_line: list[str] = Field(default_factory=list)
    start_wall_time: str = Field(description="ISO 8601 UTC time of the run start")
    start_monotonic_s: float = Field(description="time.monotonic() at the run start")


class RequestEvent(_Record):
    """One probe request; every time is in ms on the run's clock."""

    kind: Literal["request"] = "request"
    t_ms: float
    seq: int
    op: Literal["read", "write"]
    scheduled_ms: float
    start_ms: float
    end_ms: float
    latency_ms: float
    outcome: Outcome
    status: int | None = None
    served_by: str | None = None
    write_id: str | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"


class FaultEvent(_Record):
    """A fault applied (`kind` fault) or healed (`kind` heal)."""

    kind: Literal["fault", "heal"]
    t_ms: float
    fault_id: str
    name: str
    action: str
    hosts: list[str] = Field(default_factory=list)
    service: str | None = None
    detail: str = ""
    error: str | None = None


class VrrpEvent(_Record):
    """A Keepalived VRRP instance entering a state, from its notify hook or log."""

    kind: Literal["vrrp"] = "vrrp"
    t_ms: float
    host: str
    instance: str
    state: Literal["MASTER", "BACKUP", "FAULT", "STOP"]
    source: str = "notify"


class HaproxyEvent(_Record):
    """HAProxy changing the state of one server of a backend."""

    kind: Literal["haproxy"] = "haproxy"
    t_ms: float
    host: str
    backend: str
    server: str
    state: str = Field(description="UP, DOWN, MAINT, NOLB or DRAIN")


class GaleraEvent(_Record):
    """A polled Galera node status; None values mean the node did not answer."""

    kind: Literal["galera"] = "galera"
    t_ms: float
    host: str
    cluster_size: int | None = None
    cluster_status: str | None = None
    local_state: str | None = None

    def status_key(self) -> tuple[int | None, str | None, str | None]:
        return (self.cluster_size, self.cluster_status, self.local_state)


class VrrpAdvertEvent(_Record):
    """A VRRP advertisement captured on the lab's bridge."""

    kind: Literal["vrrp_advert"] = "vrrp_advert"
    t_ms: float
    src: str
    vrid: int
    priority: int
    advert_int_ms: float
    version: int


class NoteEvent(_Record):
    """Free text from the runner, such as a phase starting."""

    kind: Literal["note"] = "note"
    t_ms: float
    text: str


Event = Annotated[
    RequestEvent
    | FaultEvent
    | VrrpEvent
    | HaproxyEvent
    | GaleraEvent
    | VrrpAdvertEvent
    | NoteEvent,
    Field(discriminator="kind"),
]
_EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)


def parse_event(data: dict, where: str = "event") -> Event:
    """Validate one decoded JSON object as an event.

    :raise InvalidInput: naming `where` and each invalid field.
    """
    try:
        return _EVENT_ADAPTER.validate_python(data)
    except ValidationError as exc:
        problems = [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
        raise InvalidInput(
            f"{where}: not a valid history event",
            hint="each line after the header needs a known `kind` and the fields of that kind "
            "(see docs/results-schema.md)",
            problems=problems,
        ) from exc


def new_header(
    run_id: str,
    scenario: str,
    profile: str,
    topology: str,
    command_line: list[str] | None = None,
) -> RunHeader:
    """Build a header whose start is now, on both the wall clock and the monotonic clock."""
    return RunHeader(
        run_id=run_id,
        scenario=scenario,
        profile=profile,
        topology=topology,
        command_line=list(command_line or []),
        start_wall_time=datetime.now(UTC).isoformat(),
        start_monotonic_s=time.monotonic(),
    )


class History:
    """The events of one run, in arrival order, with an optional file written as they come.

    Appending is thread-safe. `events()` returns them sorted by `t_ms` (stable, so events
    with equal times keep their arrival order).
    """

    def __init__(self, header: RunHeader, events: Iterable[Event] = ()):
        self.header = header
        self._events: list[Event] = list(events)
        self._lock = threading.Lock()
        self._stream: IO[str] | None = None

    def now_ms(self) -> float:
        """Return the current time on the run's clock."""
        return (time.monotonic() - self.header.start_monotonic_s) * 1000.0

    def ms_from_monotonic(self, monotonic_s: float) -> float:
        """Convert a `time.monotonic()` value sampled in any namespace to the run's clock."""
        return (monotonic_s - self.header.start_monotonic_s) * 1000.0

    def append(self, event: Event) -> None:
        with self._lock:
            self._events.append(event)
            if self._stream is not None:
                self._stream.write(event.model_dump_json() + "\n")
                self._stream.flush()

    def extend(self, events: Iterable[Event]) -> None:
        for event in events:
            self.append(event)

    def note(self, text: str) -> None:
        self.append(NoteEvent(t_ms=self.now_ms(), text=text))

    def events(self) -> list[Event]:
        with self._lock:
            snapshot = list(self._events)
        return sorted(snapshot, key=lambda event: event.t_ms)

    def requests(self) -> list[RequestEvent]:
        return [event for event in self.events() if isinstance(event, RequestEvent)]

    def __len__(self) -> int:
        with self._lock:
            return len(self._events)

    # Files

    def stream_to(self, path: Path) -> None:
        """Write the header and every event so far to `path`, then each new event as it comes."""
        with self._lock:
            if self._stream is not None:
                raise RuntimeError("this history already streams to a file")
            stream = path.open("w", encoding="utf-8")
            stream.write(self.header.model_dump_json() + "\n")
            for event in self._events:
                stream.write(event.model_dump_json() + "\n")
            stream.flush()
            self._stream = stream

    def close(self) -> None:
        with self._lock:
            if self._stream is not None:
                self._stream.close()
                self._stream = None

    def save(self, path: Path) -> None:
        """Write the header and all events, sorted by time, to `path`."""
        with path.open("w", encoding="utf-8") as out:
            out.write(self.header.model_dump_json() + "\n")
            for event in self.events():
                out.write(event.model_dump_json() + "\n")

    @classmethod
    def load(cls, path: Path) -> History:
        """Read a history file written by `save` or `stream_to`.

        A last line cut short (a run killed while writing) is dropped with a warning.
        :raise InvalidInput: on a missing header or an invalid event line.
        """
        lines = list(_read_json_lines(path))
        if not lines:
            raise InvalidInput(
                f"{path}: empty history file", hint="a history starts with a `run` header line"
            )
        number, first = lines[0]
        if first.get("kind") != "run":
            raise InvalidInput(
                f"{path}:{number}: the first line has kind {first.get('kind')!r}, expected 'run'",
                hint="a history starts with the run header; is this a probe output file? "
                "Use import_probe_file for those",
            )
        header = RunHeader.model_validate(first)
        events = [parse_event(data, f"{path}:{number}") for number, data in lines[1:]]
        return cls(header, events)


def _read_json_lines(path: Path) -> Iterator[tuple[int, dict]]:
    """Yield (line number, object) for each non-empty line; drop a cut-off last line."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    for index, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            if index == len(lines) and not text.endswith("\n"):
                log.warning("%s:%d: dropped a truncated last line", path, index)
                return
            raise InvalidInput(
                f"{path}:{index}: not valid JSON ({exc.msg})",
                hint="a history has one JSON object per line",
            ) from exc
        if not isinstance(data, dict):
            raise InvalidInput(f"{path}:{index}: expected a JSON object, got {type(data).__name__}")
        yield index, data


def import_probe_file(path: Path, history: History) -> int:
    """Append the request records of a probe output file to `history`, on the run's clock.

    The probe writes its times relative to its own start and gives that start as a
    `time.monotonic()` value in its header; the difference to the run's start shifts every
    time. Returns the number of requests imported.
    """
    lines = list(_read_json_lines(path))
    if not lines or lines[0][1].get("kind") != "probe_header":
        raise InvalidInput(
            f"{path}: missing the probe header line",
            hint="expected a file written by `python -m halab.probe --out FILE`",
        )
    probe_start_s = float(lines[0][1]["start_monotonic_s"])
    offset_ms = (probe_start_s - history.header.start_monotonic_s) * 1000.0
    count = 0
    for number, data in lines[1:]:
        shifted = shift_request(data, offset_ms)
        history.append(parse_event(shifted, f"{path}:{number}"))
        count += 1
    return count


def shift_request(data: dict, offset_ms: float) -> dict:
    """Return a copy of a request record with each time moved by `offset_ms`."""
    shifted = dict(data)
    for key in ("t_ms", "scheduled_ms", "start_ms", "end_ms"):
        if key in shifted:
            shifted[key] = float(shifted[key]) + offset_ms
    return shifted
