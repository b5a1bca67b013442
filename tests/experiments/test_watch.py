"""The Galera watcher records a node's status only when it changes."""

import threading

from halab.errors import HalabError
from halab.experiments.history import History, new_header
from halab.experiments.watch import GaleraWatcher, status_key

SYNCED = {"wsrep_cluster_size": "3", "wsrep_cluster_status": "Primary",
          "wsrep_local_state_comment": "Synced"}
EVICTED = {**SYNCED, "wsrep_cluster_size": "2"}


def test_status_key_of_silent_node():
    assert status_key(None) == (None, "unreachable", "unreachable")
    assert status_key(SYNCED) == (3, "Primary", "Synced")


def test_watcher_records_changes_only():
    answers = [SYNCED, SYNCED, EVICTED, EVICTED, None, SYNCED]
    done = threading.Event()

    def read_status(host: str) -> dict[str, str]:
        if not answers:
            done.set()
            return SYNCED
        answer = answers.pop(0)
        if answer is None:
            raise HalabError(f"query on {host} failed")
        return answer

    history = History(new_header("r1", "s", "tuned", "full"))
    watcher = GaleraWatcher(["mariadb01"], read_status, history, interval_s=0.001)
    watcher.start()
    assert done.wait(timeout=5)
    watcher.stop()

    events = [e for e in history.events() if e.kind == "galera"]
    assert [(e.cluster_size, e.local_state) for e in events] == [
        (3, "Synced"), (2, "Synced"), (None, "unreachable"), (3, "Synced")]
    assert all(e.host == "mariadb01" for e in events)
    assert [e.t_ms for e in events] == sorted(e.t_ms for e in events)
