"""Bring a lab down: stop every process it started and delete every namespace it created.

Works from the records alone, so it also cleans up after an `up` that crashed or was killed at
any point. It sends the supervisor a shutdown request when the supervisor is running. Then it
signals every recorded pid whose start time still matches, every process still inside one of
the lab's namespaces, and the supervisor itself. Running it twice is harmless.
"""

from __future__ import annotations

import logging
import shutil
import time

from halab.errors import HalabError
from halab.lab import netns, procs
from halab.lab.control import SupervisorClient
from halab.lab.state import LabState

log = logging.getLogger(__name__)

# Seconds between SIGTERM and SIGKILL. `down` deletes every datadir afterwards, so a clean
# shutdown buys nothing lasting; Galera nodes that all leave at once wait on each other for
# more than 3 s, and gunicorn's graceful stop takes about 3 s.
STOP_TIMEOUT_S = 2.0
# How long an `ip netns add` orphaned by a killed `up` can take to finish (an estimate).
LATE_NAMESPACE_WAIT_S = 0.1


def down(lab_name: str | None = None, keep_state: bool = False) -> list[str]:
    """Stop the lab `lab_name` and remove what it created; return what was removed."""
    state = LabState.for_lab(lab_name)
    removed: list[str] = []
    if not state.root.exists():
        return removed
    started = time.monotonic()
    ask_supervisor_to_stop(state)
    removed += stop_recorded_processes(state)
    removed += delete_namespaces(state)
    if not keep_state:
        shutil.rmtree(state.root, ignore_errors=True)
    log.info("lab %s down in %.2f s", state.name, time.monotonic() - started)
    return removed


def ask_supervisor_to_stop(state: LabState) -> None:
    client = SupervisorClient(state, timeout_s=STOP_TIMEOUT_S + 5)
    try:
        client.request("shutdown", timeout_s=STOP_TIMEOUT_S)
    except HalabError as exc:
        log.info("supervisor of lab %s did not stop the services: %s", state.name, exc)


def stop_recorded_processes(state: LabState) -> list[str]:
    """Terminate recorded pids (start time checked) and anything left in the lab's namespaces."""
    targets: dict[int, int] = {}
    for record in state.processes().values():
        if record.get("start_ticks") is not None:
            targets[record["pid"]] = record["start_ticks"]
    inodes = {inode for ns in state.resources()["namespaces"]
              if (inode := netns.namespace_inode(ns)) is not None}
    targets.update(procs.pids_in_net_namespaces(inodes))
    supervisor = state.supervisor()
    if supervisor and supervisor.get("start_ticks") is not None:
        targets[supervisor["pid"]] = supervisor["start_ticks"]
    alive = {pid: ticks for pid, ticks in targets.items() if procs.is_alive(pid, ticks)}
    survivors = procs.terminate(alive, STOP_TIMEOUT_S)
    for pid in survivors:
        log.error("pid %d of lab %s survived SIGKILL", pid, state.name)
    return [f"pid {pid}" for pid in alive if pid not in survivors]


def delete_namespaces(state: LabState) -> list[str]:
    """Delete every recorded namespace, twice over a short pause.

    An `up` killed while its `ip netns add` child ran leaves that child running: it may create
    the namespace just after the first pass looked for it, so a second pass follows.
    """
    removed = []
    recorded = list(reversed(state.resources()["namespaces"]))
    for _ in range(2):
        # Host namespaces first, the switch last; a host's veth pair goes with its namespace.
        for namespace in recorded:
            if netns.delete_namespace(namespace):
                removed.append(f"namespace {namespace}")
        time.sleep(LATE_NAMESPACE_WAIT_S)
    return removed
