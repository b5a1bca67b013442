"""Poll the Galera nodes of a running lab during a run and record each change of status.

Galera has no push notification that reaches halab, so each node is polled on its own thread
(a stopped or frozen node makes its query time out without delaying the others). A change of
cluster size, cluster status or local state becomes one `galera` event on the run's clock.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from halab.errors import HalabError
from halab.experiments.history import GaleraEvent, History

log = logging.getLogger(__name__)

StatusReader = Callable[[str], dict[str, str]]


def status_key(status: dict[str, str] | None) -> tuple[int | None, str, str]:
    """Reduce a node's wsrep status (None when it did not answer) to what the history keeps."""
    if status is None:
        return (None, "unreachable", "unreachable")
    size = status.get("wsrep_cluster_size")
    return (
        int(size) if size and size.isdigit() else None,
        status.get("wsrep_cluster_status", "unknown"),
        status.get("wsrep_local_state_comment", "unknown"),
    )


class GaleraWatcher:
    """One polling thread per node; `stop()` ends them all."""

    def __init__(self, hosts: list[str], read_status: StatusReader, history: History,
                 interval_s: float = 0.25):
        self.hosts = hosts
        self.read_status = read_status
        self.history = history
        self.interval_s = interval_s
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        for host in self.hosts:
            thread = threading.Thread(target=self._poll, args=(host,), daemon=True,
                                      name=f"galera-watch-{host}")
            thread.start()
            self._threads.append(thread)

    def stop(self, timeout_s: float = 5.0) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=timeout_s)

    def _poll(self, host: str) -> None:
        previous: tuple[int | None, str, str] | None = None
        while not self._stop.is_set():
            started = time.monotonic()
            try:
                status: dict[str, str] | None = self.read_status(host)
            except (HalabError, OSError, ValueError) as exc:
                log.debug("Galera status of %s: %s", host, exc)
                status = None
            key = status_key(status)
            if key != previous:
                size, cluster, local = key
                # Stamped when the answer arrived: the status held at some moment of the
                # query, and the later bound never places a change before its cause.
                self.history.append(GaleraEvent(
                    t_ms=self.history.ms_from_monotonic(time.monotonic()), host=host,
                    cluster_size=size, cluster_status=cluster, local_state=local))
                previous = key
            self._stop.wait(max(0.0, self.interval_s - (time.monotonic() - started)))
