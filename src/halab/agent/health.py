"""Decide whether a Galera node may take writes, from its wsrep status variables."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

# wsrep_local_state_comment values of a node that serves reads and writes.
SERVING_STATE = "Synced"
PRIMARY_STATUS = "Primary"


@dataclass(frozen=True)
class Health:
    """The agent's verdict: `ok` maps to HTTP 200, anything else to 503."""

    ok: bool
    reason: str
    state: str | None = None
    cluster_status: str | None = None
    cluster_size: int | None = None

    def as_json(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "reason": self.reason,
            "wsrep_local_state_comment": self.state,
            "wsrep_cluster_status": self.cluster_status,
            "wsrep_cluster_size": self.cluster_size,
        }


def assess(status: Mapping[str, str]) -> Health:
    """Return the verdict for one node from its `wsrep_%` status variables (name -> value).

    A node is healthy only when it is in the Primary component, Synced, and ready. A Donor or
    Joiner, a node that lost quorum, or a server without Galera is not.
    """
    values = {name.lower(): value for name, value in status.items()}
    state = values.get("wsrep_local_state_comment")
    cluster_status = values.get("wsrep_cluster_status")
    size = _int_or_none(values.get("wsrep_cluster_size"))
    details = {"state": state, "cluster_status": cluster_status, "cluster_size": size}

    if state is None or cluster_status is None:
        return Health(False, "wsrep status variables missing: Galera is not enabled", **details)
    if values.get("wsrep_on", "ON").upper() == "OFF":
        return Health(False, "wsrep_on is OFF", **details)
    if cluster_status != PRIMARY_STATUS:
        return Health(False, f"cluster status is {cluster_status}, not Primary", **details)
    if state != SERVING_STATE:
        return Health(False, f"local state is {state}, not Synced", **details)
    if values.get("wsrep_ready", "ON").upper() != "ON":
        return Health(False, "wsrep_ready is OFF", **details)
    return Health(True, "Synced and Primary", **details)


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
