"""The open-loop schedule: request `seq` is due at `seq / rate_per_s` after the start.

The scheduler thread submits each request to a thread pool when it is due, whether or not
earlier requests have finished, so a server that stalls cannot slow the probe down and hide
its own stall. Each record keeps the due time (`scheduled_ms`) and the actual start
(`start_ms`): their difference is the probe's own lag, which grows if the pool runs out of
threads or the machine is overloaded.

Times in records are milliseconds since the probe's start, on `time.monotonic()`. The probe
header gives that start as `start_monotonic_s`, so the runner can move them onto the run's
clock.
"""

from __future__ import annotations

import logging
import math
import random
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from halab.errors import InvalidInput

from .client import ProbeClient, Reply

log = logging.getLogger(__name__)

# Threads beyond the expected number in flight, so a burst of slow replies does not delay
# the next due request.
SPARE_WORKERS = 4
MAX_WORKERS = 1024


@dataclass(frozen=True)
class Schedule:
    """The load: rate, duration and the share of writes."""

    rate_per_s: float = 50.0
    duration_s: float = 30.0
    write_fraction: float = 0.2
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    seed: int | None = None

    def validate(self, login: bool) -> None:
        problems = []
        if not 0 < self.rate_per_s <= 10000:
            problems.append(f"rate_per_s {self.rate_per_s}: expected more than 0, at most 10000")
        if self.duration_s <= 0:
            problems.append(f"duration_s {self.duration_s}: expected a positive number")
        if not 0 <= self.write_fraction <= 1:
            problems.append(f"write_fraction {self.write_fraction}: expected 0 to 1")
        if self.write_fraction > 0 and not login:
            problems.append("writes need a logged-in session: set write_fraction 0 without login")
        if problems:
            raise InvalidInput("invalid probe schedule", problems=problems)


@dataclass
class ProbeSummary:
    """Counts of one probe run, for a log line at the end."""

    sent: int = 0
    outcomes: Counter = field(default_factory=Counter)
    max_lag_ms: float = 0.0


def pool_size(rate_per_s: float, timeout_ms: float) -> int:
    """Return enough threads for every request that can be in flight at once.

    A request lasts at most about two timeouts (connect, then read), so that many requests are
    in flight at the full rate.
    """
    in_flight = math.ceil(rate_per_s * 2 * timeout_ms / 1000.0)
    return min(MAX_WORKERS, in_flight + SPARE_WORKERS)


def run_probe(
    client: ProbeClient,
    schedule: Schedule,
    on_record: Callable[[dict], None],
    stop: threading.Event | None = None,
    start_monotonic_s: float | None = None,
) -> ProbeSummary:
    """Send requests on the open-loop schedule until its duration passes or `stop` is set.

    `on_record` receives one dict per request (the fields of a history `request` event,
    times relative to `start_monotonic_s`) from the worker threads, so it must be
    thread-safe. Returns when every request sent has finished.
    """
    schedule.validate(client.settings.login)
    stop = stop or threading.Event()
    start_s = time.monotonic() if start_monotonic_s is None else start_monotonic_s
    chooser = random.Random(schedule.seed)  # noqa: S311 (picks reads or writes, no secret)
    summary = ProbeSummary()
    lock = threading.Lock()

    def record(entry: dict) -> None:
        with lock:
            summary.outcomes[entry["outcome"]] += 1
            summary.max_lag_ms = max(summary.max_lag_ms, entry["start_ms"] - entry["scheduled_ms"])
        on_record(entry)

    workers = pool_size(schedule.rate_per_s, client.settings.timeout_ms)
    log.info(
        "probe %s: %.1f req/s for %.1f s, %d threads",
        schedule.run_id,
        schedule.rate_per_s,
        schedule.duration_s,
        workers,
    )
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="probe") as pool:
        for seq in range(math.ceil(schedule.duration_s * schedule.rate_per_s)):
            due_s = start_s + seq / schedule.rate_per_s
            wait_s = due_s - time.monotonic()
            if (wait_s > 0 and stop.wait(wait_s)) or stop.is_set():
                log.info("probe %s: stopped after %d requests", schedule.run_id, seq)
                break
            is_write = chooser.random() < schedule.write_fraction
            write_id = f"probe-{schedule.run_id}-{seq}" if is_write else None
            pool.submit(_send_one, client, seq, due_s, start_s, write_id, record)
            summary.sent += 1
    return summary


def _send_one(
    client: ProbeClient,
    seq: int,
    due_s: float,
    start_s: float,
    write_id: str | None,
    record: Callable[[dict], None],
) -> None:
    begin_s = time.monotonic()
    try:
        reply = client.write(write_id) if write_id else client.read()
    except Exception as exc:  # a probe bug must not lose the record of this request
        log.exception("probe request %d failed inside the client", seq)
        reply = Reply("error", error=f"{type(exc).__name__}: {exc}"[:200])
    end_s = time.monotonic()
    record(_entry(seq, write_id, due_s, begin_s, end_s, start_s, reply))


def _entry(
    seq: int,
    write_id: str | None,
    due_s: float,
    begin_s: float,
    end_s: float,
    start_s: float,
    reply: Reply,
) -> dict:
    def ms(t_s: float) -> float:
        return round((t_s - start_s) * 1000.0, 3)

    return {
        "kind": "request",
        "t_ms": ms(begin_s),
        "seq": seq,
        "op": "write" if write_id else "read",
        "scheduled_ms": ms(due_s),
        "start_ms": ms(begin_s),
        "end_ms": ms(end_s),
        "latency_ms": round((end_s - begin_s) * 1000.0, 3),
        "outcome": reply.outcome,
        "status": reply.status,
        "served_by": reply.served_by,
        "write_id": write_id,
        "error": reply.error,
    }
