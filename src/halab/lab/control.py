"""Talk to a lab's supervisor: start it, send it requests over its control socket."""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import time
from typing import Any

from halab.errors import HalabError, LabStateError
from halab.lab import procs
from halab.lab.state import LabState

log = logging.getLogger(__name__)

SUPERVISOR_START_TIMEOUT_S = 10.0


class SupervisorClient:
    """One JSON-lines connection per request to the supervisor of `state`."""

    def __init__(self, state: LabState, timeout_s: float = 60.0):
        self.state = state
        self.timeout_s = timeout_s

    def request(self, op: str, **fields: Any) -> dict[str, Any]:
        """Send one request and return the reply; raise HalabError when it reports a failure."""
        message = json.dumps({"op": op, **fields}) + "\n"
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                sock.settimeout(self.timeout_s)
                sock.connect(str(self.state.control_socket))
                sock.sendall(message.encode())
                reply_line = sock.makefile("rb").readline()
        except OSError as exc:
            # Refused or reset: the socket file outlived its supervisor (killed, or exiting).
            raise LabStateError(
                f"the supervisor of lab {self.state.name} is not responding ({exc})",
                hint=f"run `halab up --lab {self.state.name}` first, or `halab down --lab "
                f"{self.state.name}` to clean up after a crash",
            ) from exc
        if not reply_line:
            raise HalabError(f"the supervisor of lab {self.state.name} closed the connection "
                             f"without replying to {op!r}")
        reply = json.loads(reply_line)
        if not reply.get("ok"):
            raise HalabError(f"supervisor request {op!r} failed: {reply.get('error')}")
        return reply

    def alive(self) -> bool:
        try:
            self.request("ping")
        except HalabError:
            return False
        return True


def supervisor_alive(state: LabState) -> bool:
    record = state.supervisor()
    if not record:
        return False
    return procs.is_alive(record["pid"], record["start_ticks"])


def spawn_supervisor(state: LabState) -> SupervisorClient:
    """Start the supervisor detached from this process; return a client once it responds."""
    state.root.mkdir(parents=True, exist_ok=True)
    with state.supervisor_log.open("ab") as out:
        subprocess.Popen(  # noqa: S603 - fixed argv
            [sys.executable, "-m", "halab.lab.supervisor", "--state", str(state.root),
             "--lab", state.name],
            stdin=subprocess.DEVNULL, stdout=out, stderr=out, start_new_session=True,
            cwd=state.root, env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    client = SupervisorClient(state)
    deadline = time.monotonic() + SUPERVISOR_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if state.control_socket.exists() and client.alive():
            return client
        time.sleep(0.02)
    raise HalabError(
        f"the supervisor of lab {state.name} did not respond within "
        f"{SUPERVISOR_START_TIMEOUT_S:.0f} s",
        hint=f"read {state.supervisor_log}",
    )
