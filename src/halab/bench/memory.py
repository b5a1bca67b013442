"""The lab's memory: PSS summed over every process of the lab, sampled in the background.

A lab's processes are its supervisor, every process inside one of its network namespaces, and
all their descendants. PSS (from /proc/PID/smaps_rollup) splits shared pages between the
processes that map them, so the sum counts each page once. RSS counts shared pages in full for
each process and is an upper bound. Sampling starts before `up`, so processes appear as `up`
starts them.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

from halab.lab import netns, procs
from halab.lab.state import LabState

log = logging.getLogger(__name__)

SAMPLE_INTERVAL_S = 0.5


def memory_kib(pid: int) -> tuple[int, int]:
    """Return (PSS, RSS) of `pid` in KiB, or (0, 0) when it is gone or unreadable."""
    values = {"Pss:": 0, "Rss:": 0}
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            name, _, rest = line.partition(" ")
            if name in values:
                values[name] = int(rest.split()[0])
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        pass
    return values["Pss:"], values["Rss:"]


def parent_map() -> dict[int, int]:
    """Return pid -> parent pid for every process now."""
    parents = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit() and (stat := procs.read_stat(int(entry.name))):
            parents[stat.pid] = stat.ppid
    return parents


def with_descendants(roots: set[int], parents: dict[int, int]) -> set[int]:
    """Return `roots` and every process below them in `parents`."""
    pids = set(roots)
    while True:
        children = {pid for pid, ppid in parents.items() if ppid in pids and pid not in pids}
        if not children:
            return pids
        pids |= children


def lab_pids(state: LabState) -> set[int]:
    """Return the supervisor, the processes in the lab's namespaces, and their descendants."""
    if not state.root.exists():
        return set()
    inodes = {inode for namespace in state.resources().get("namespaces", [])
              if (inode := netns.namespace_inode(namespace)) is not None}
    roots = set(procs.pids_in_net_namespaces(inodes))
    supervisor = state.supervisor()
    if supervisor:
        roots.add(supervisor["pid"])
    return with_descendants(roots, parent_map())


def sample(state: LabState) -> dict[str, float]:
    """Return the lab's process count, PSS and RSS in MiB now."""
    pids = lab_pids(state)
    pss_kib = rss_kib = 0
    for pid in pids:
        pid_pss, pid_rss = memory_kib(pid)
        pss_kib += pid_pss
        rss_kib += pid_rss
    return {"processes": len(pids), "pss_mib": pss_kib / 1024, "rss_mib": rss_kib / 1024}


class PeakSampler:
    """Sample a lab's memory every `interval_s` in a thread and keep the peak PSS sample."""

    def __init__(self, state: LabState, interval_s: float = SAMPLE_INTERVAL_S):
        self.state = state
        self.interval_s = interval_s
        self.peak: dict[str, float] = {"processes": 0, "pss_mib": 0.0, "rss_mib": 0.0}
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True, name="bench-memory")

    def _loop(self) -> None:
        while not self._stop.wait(self.interval_s):
            try:
                now = sample(self.state)
            except (OSError, ValueError) as exc:  # state files half written during `up`
                log.debug("memory sample of lab %s failed: %s", self.state.name, exc)
                continue
            self.samples += 1
            if now["pss_mib"] > self.peak["pss_mib"]:
                self.peak = now

    def __enter__(self) -> PeakSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
