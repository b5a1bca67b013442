"""Process identity from /proc: start times, zombies, and signals sent only to the right pid.

All namespaces share this machine's pid space, and PID 1 here reaps orphans late, so a pid is
trusted only when /proc/PID/stat shows the start time that was recorded with it and a state
other than zombie. `kill -0` alone succeeds on zombies and on a reused pid.
"""

from __future__ import annotations

import logging
import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ProcStat:
    pid: int
    state: str
    ppid: int
    pgid: int
    start_ticks: int


def read_stat(pid: int) -> ProcStat | None:
    """Return the fields of /proc/PID/stat that identify the process, or None if it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    # The command name is in parentheses and may itself contain spaces or ')'.
    fields = raw[raw.rindex(")") + 2 :].split()
    return ProcStat(
        pid=pid,
        state=fields[0],
        ppid=int(fields[1]),
        pgid=int(fields[2]),
        start_ticks=int(fields[19]),
    )


def read_cmdline(pid: int) -> list[str]:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (FileNotFoundError, ProcessLookupError):
        return []
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part]


def start_ticks(pid: int) -> int | None:
    stat = read_stat(pid)
    return stat.start_ticks if stat else None


def is_alive(pid: int, recorded_start_ticks: int | None = None) -> bool:
    """Tell whether `pid` runs and is not a zombie; with a start time, whether it is the same."""
    stat = read_stat(pid)
    if stat is None or stat.state in ("Z", "X"):
        return False
    return recorded_start_ticks is None or stat.start_ticks == recorded_start_ticks


def signal_if_same(pid: int, recorded_start_ticks: int, signum: int) -> bool:
    """Send `signum` to `pid` only if it is still the process recorded; return whether sent."""
    if not is_alive(pid, recorded_start_ticks):
        return False
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        return False
    return True


def wait_gone(pids: dict[int, int], timeout_s: float) -> dict[int, int]:
    """Wait until none of `pids` (pid -> start ticks) is alive; return the ones still alive."""
    deadline = time.monotonic() + timeout_s
    alive = dict(pids)
    while alive:
        alive = {pid: ticks for pid, ticks in alive.items() if is_alive(pid, ticks)}
        if not alive or time.monotonic() >= deadline:
            break
        time.sleep(0.05)
    return alive


def terminate(pids: dict[int, int], timeout_s: float) -> dict[int, int]:
    """SIGTERM each recorded process, SIGKILL what is left after `timeout_s`; return survivors."""
    for pid, ticks in pids.items():
        signal_if_same(pid, ticks, signal.SIGTERM)
    left = wait_gone(pids, timeout_s)
    for pid, ticks in left.items():
        log.warning("pid %d did not stop within %.1f s of SIGTERM; sending SIGKILL", pid, timeout_s)
        signal_if_same(pid, ticks, signal.SIGKILL)
    return wait_gone(left, 2.0)


def net_namespace_inode(pid: int) -> int | None:
    try:
        return os.stat(f"/proc/{pid}/ns/net").st_ino
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None


def pids_in_net_namespaces(inodes: set[int]) -> dict[int, int]:
    """Return pid -> start ticks of every live process whose network namespace is in `inodes`."""
    found: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        pid = int(entry.name)
        if pid == os.getpid() or net_namespace_inode(pid) not in inodes:
            continue
        stat = read_stat(pid)
        if stat and stat.state not in ("Z", "X"):
            found[pid] = stat.start_ticks
    return found
