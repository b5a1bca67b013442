"""The agent's verdict from wsrep status rows."""

from __future__ import annotations

import pytest

from halab.agent import assess

SYNCED_PRIMARY = {
    "wsrep_local_state_comment": "Synced",
    "wsrep_cluster_status": "Primary",
    "wsrep_cluster_size": "3",
    "wsrep_ready": "ON",
    "wsrep_connected": "ON",
}


def test_synced_primary_is_healthy():
    health = assess(SYNCED_PRIMARY)

    assert health.ok
    assert health.reason == "Synced and Primary"
    assert health.cluster_size == 3


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"wsrep_cluster_status": "non-Primary"}, "cluster status is non-Primary, not Primary"),
        ({"wsrep_cluster_status": "Disconnected"}, "cluster status is Disconnected, not Primary"),
        (
            {"wsrep_local_state_comment": "Donor/Desynced"},
            "local state is Donor/Desynced, not Synced",
        ),
        ({"wsrep_local_state_comment": "Joining"}, "local state is Joining, not Synced"),
        ({"wsrep_local_state_comment": "Joined"}, "local state is Joined, not Synced"),
        ({"wsrep_ready": "OFF"}, "wsrep_ready is OFF"),
        ({"wsrep_on": "OFF"}, "wsrep_on is OFF"),
    ],
)
def test_unhealthy_states(changes, reason):
    health = assess({**SYNCED_PRIMARY, **changes})

    assert not health.ok
    assert health.reason == reason


def test_missing_variables_mean_no_galera():
    health = assess({})

    assert not health.ok
    assert "Galera is not enabled" in health.reason


def test_names_are_case_insensitive():
    rows = {name.upper(): value for name, value in SYNCED_PRIMARY.items()}

    assert assess(rows).ok


def test_json_body_names_state():
    body = assess({**SYNCED_PRIMARY, "wsrep_cluster_status": "non-Primary"}).as_json()

    assert body["ok"] is False
    assert body["wsrep_cluster_status"] == "non-Primary"
    assert body["wsrep_local_state_comment"] == "Synced"
    assert body["wsrep_cluster_size"] == 3
