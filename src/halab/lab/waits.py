"""Readiness waits: poll a condition until it holds or a timeout names what never happened."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from halab.errors import HalabError

log = logging.getLogger(__name__)

T = TypeVar("T")


class ReadinessTimeout(HalabError):
    """A service did not become ready in time."""


def wait_for(what: str, check: Callable[[], T | None], timeout_s: float,
             interval_s: float = 0.1, hint: str | None = None) -> T:
    """Call `check` until it returns a truthy value and return it; raise after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    last_error: Exception | None = None
    while True:
        try:
            result = check()
            if result:
                return result
        except (OSError, ValueError, HalabError) as exc:
            last_error = exc
        if time.monotonic() >= deadline:
            detail = f" (last error: {last_error})" if last_error else ""
            raise ReadinessTimeout(f"timed out after {timeout_s:.0f} s waiting for {what}{detail}",
                                   hint=hint)
        time.sleep(interval_s)
