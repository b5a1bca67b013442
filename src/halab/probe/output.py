"""The probe's output file: a header line, then one request record per line.

Each line is flushed as it is written, so a probe killed half way keeps every record it
finished. The header samples `time.time()` and `time.monotonic()` together. Network namespaces
share CLOCK_MONOTONIC (only a time namespace could offset it, and the lab makes none), so the
runner can put the records on its own clock with `start_monotonic_s` alone. The wall clock pair
places them in calendar time.
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path
from typing import IO, Any


def probe_header(start_monotonic_s: float, settings: dict[str, Any]) -> dict[str, Any]:
    """Build the header line; `settings` must hold no secret."""
    return {
        "kind": "probe_header",
        "schema_version": 1,
        "start_monotonic_s": start_monotonic_s,
        "clock": {"monotonic_s": time.monotonic(), "wall_time_s": time.time()},
        "pid": os.getpid(),
        "settings": settings,
    }


class JsonLinesWriter:
    """Append JSON objects to a file, one per line, from any thread, flushing each line."""

    def __init__(self, path: Path):
        self.path = path
        self._lock = threading.Lock()
        self._stream: IO[str] = path.open("w", encoding="utf-8")

    def write(self, record: dict[str, Any]) -> None:
        line = json.dumps(record, separators=(",", ":")) + "\n"
        with self._lock:
            self._stream.write(line)
            self._stream.flush()

    def close(self) -> None:
        with self._lock:
            self._stream.close()

    def __enter__(self) -> JsonLinesWriter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def command_line(
    url: str,
    out: Path,
    *,
    rate_per_s: float = 50.0,
    duration_s: float = 30.0,
    timeout_ms: float = 200.0,
    write_fraction: float = 0.0,
    email: str | None = None,
    password_file: Path | None = None,
    path: str = "/health",
    run_id: str | None = None,
    python: str = "python3",
) -> list[str]:
    """Build the argv that runs the probe as its own process (for `ip netns exec` and such).

    Without `email` the probe sends plain GETs of `path`; with it, it logs in and mixes reads
    with `write_fraction` writes. The password stays in its file, off the command line.
    """
    argv = [
        python,
        "-m",
        "halab.probe",
        "--url",
        url,
        "--out",
        str(out),
        "--rate",
        f"{rate_per_s:g}",
        "--duration-s",
        f"{duration_s:g}",
        "--timeout-ms",
        f"{timeout_ms:g}",
    ]
    if email is None:
        argv += ["--no-login", "--path", path]
    else:
        if password_file is None:
            raise ValueError("a probe with a login needs password_file")
        argv += [
            "--email",
            email,
            "--password-file",
            str(password_file),
            "--write-fraction",
            f"{write_fraction:g}",
        ]
    if run_id:
        argv += ["--run-id", run_id]
    return argv
