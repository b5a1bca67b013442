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
