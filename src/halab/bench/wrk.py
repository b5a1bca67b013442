"""wrk (Debian's package, version 4): run it and parse its text report.

wrk keeps a fixed number of connections busy (closed loop), so it measures the highest rate a
target sustains, not the latency at a chosen rate (the probe measures that). `parse_wrk` reads the
report of `wrk --latency`: requests per second, the latency distribution, socket errors and
responses that were not 2xx or 3xx. Times come back in milliseconds.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
from typing import Any

from halab.errors import HalabError, InvalidInput, MissingDependency

log = logging.getLogger(__name__)

_TIME_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0, "h": 3600000.0}
_TIME = r"([0-9.]+)(us|ms|s|m|h)"
_PERCENTILE = re.compile(r"^\s*(50|75|90|99)%\s+" + _TIME + r"\s*$", re.MULTILINE)
_REQUESTS = re.compile(r"^\s*(\d+) requests in " + _TIME + r",", re.MULTILINE)
_RATE = re.compile(r"^Requests/sec:\s+([0-9.]+)\s*$", re.MULTILINE)
_SOCKET = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
_NON_2XX = re.compile(r"Non-2xx or 3xx responses: (\d+)")


def to_ms(number: str, unit: str) -> float:
    """Convert one of wrk's time values, such as ('407.00', 'us'), to milliseconds."""
    return float(number) * _TIME_UNITS_MS[unit]


def parse_wrk(text: str) -> dict[str, Any]:
    """Parse the report of `wrk --latency` into numbers.

    :raise InvalidInput: when the report lacks the `Requests/sec` line or the request count.
    """
    rate = _RATE.search(text)
    requests = _REQUESTS.search(text)
    if rate is None or requests is None:
        raise InvalidInput("wrk output has no `Requests/sec` or `N requests in` line",
                           hint=f"was it run with --latency? output began: {text[:120]!r}")
    latency = {f"p{m.group(1)}": to_ms(m.group(2), m.group(3))
               for m in _PERCENTILE.finditer(text)}
    socket = _SOCKET.search(text)
    errors = dict(zip(("connect", "read", "write", "timeout"),
                      (int(n) for n in socket.groups()), strict=True)) if socket else {
        "connect": 0, "read": 0, "write": 0, "timeout": 0}
    non_2xx = _NON_2XX.search(text)
    return {
        "requests": int(requests.group(1)),
        "duration_s": to_ms(requests.group(2), requests.group(3)) / 1000.0,
        "rate_per_s": float(rate.group(1)),
        "latency_ms": {"median": latency.get("p50"), "p75": latency.get("p75"),
                       "p90": latency.get("p90"), "p99": latency.get("p99")},
        "socket_errors": errors,
        "non_2xx_3xx": int(non_2xx.group(1)) if non_2xx else 0,
    }


def wrk_argv(url: str, connections: int, duration_s: float, threads: int = 2,
             cookie: str | None = None) -> list[str]:
    argv = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration_s:g}s", "--latency"]
    if cookie:
        argv += ["-H", f"Cookie: {cookie}"]
    return [*argv, url]


def run_wrk(argv: list[str], wrap: list[str] | None = None, timeout_s: float = 120.0
            ) -> dict[str, Any]:
    """Run wrk (inside `wrap`, such as `ip netns exec NS`) and return its parsed report.

    :raise MissingDependency: when wrk is not installed.
    :raise HalabError: when wrk exits non-zero.
    """
    if shutil.which("wrk") is None:
        raise MissingDependency("wrk not found", hint="run `apt-get install wrk`")
    completed = subprocess.run([*(wrap or []), *argv], capture_output=True, text=True,
                               timeout=timeout_s, check=False)
    if completed.returncode != 0:
        raise HalabError(f"wrk exited with status {completed.returncode}: "
                         f"{completed.stderr.strip()[:200]}")
    return parse_wrk(completed.stdout)
