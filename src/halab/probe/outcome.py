"""Classify a finished request as `ok` or one kind of failure.

The outcome names are the `outcome` values of a `request` event in the run history:
`ok`, `http_5xx`, `http_4xx`, `refused`, `reset`, `timeout` and `error`.
"""

from __future__ import annotations

import http.client
from collections.abc import Iterator

import requests

# Exceptions whose presence anywhere in the chain means the peer reset or closed the connection
# before a complete reply, such as a server killed while it sent one.
_RESET_ERRORS = (
    ConnectionResetError,
    ConnectionAbortedError,
    BrokenPipeError,
    http.client.RemoteDisconnected,
    http.client.IncompleteRead,
    requests.exceptions.ChunkedEncodingError,
)


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """Yield `exc` and every exception it wraps, through causes, contexts, args and `reason`."""
    seen: set[int] = set()
    pending = [exc]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        linked = [current.__cause__, current.__context__, getattr(current, "reason", None)]
        linked += list(current.args)
        pending.extend(item for item in linked if isinstance(item, BaseException))


def classify_exception(exc: BaseException) -> str:
    """Return `timeout`, `refused`, `reset` or `error` for an exception raised by requests."""
    if isinstance(exc, requests.exceptions.Timeout):
        return "timeout"
    causes = list(_causes(exc))
    if any(isinstance(cause, ConnectionRefusedError) for cause in causes):
        return "refused"
    if any(isinstance(cause, _RESET_ERRORS) for cause in causes):
        return "reset"
    if any(isinstance(cause, TimeoutError) for cause in causes):
        return "timeout"
    return "error"


def describe_exception(exc: BaseException) -> str:
    """Return the socket error behind `exc` (or `exc` itself) as `Type: message`, at most 200
    characters."""
    socket_errors = [cause for cause in _causes(exc) if isinstance(cause, OSError)]
    chosen = socket_errors[-1] if socket_errors else exc
    return f"{type(chosen).__name__}: {chosen}"[:200]


def classify_status(status: int) -> str | None:
    """Return `http_5xx` or `http_4xx` for an error status, None for any other."""
    if 500 <= status <= 599:
        return "http_5xx"
    if 400 <= status <= 499:
        return "http_4xx"
    return None


def is_login_redirect(response: requests.Response) -> bool:
    """Return whether a response redirects to the login page (the session was not accepted)."""
    location = response.headers.get("Location", "")
    return response.is_redirect and "/login" in location
