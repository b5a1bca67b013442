"""What `halab up` checks for each built-in topology before it creates anything."""

from __future__ import annotations

import pytest

from halab.errors import InvalidInput, MissingDependency
from halab.lab import preflight
from halab.lab.up import load
from halab.topology import load_topology


def binaries(topology_name: str) -> set[str]:
    return {req.binary for req in preflight.requirements(load_topology(topology_name))}


def test_exp01_needs_no_keepalived_or_galera():
    needed = binaries("exp01")

    assert {"ip", "haproxy", "mariadbd", "mariadb-install-db"} <= needed
    assert "keepalived" not in needed
    assert "garbd" not in needed


def test_full_needs_galera_and_rsync():
    needed = binaries("full")

    assert {"keepalived", str(preflight.GALERA_PROVIDER), "rsync"} <= needed
    assert "garbd" not in needed


def test_full_garbd_needs_garbd():
    assert "garbd" in binaries("full-garbd")


def test_missing_binaries_listed_with_apt_command(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")

    with pytest.raises(MissingDependency) as caught:
        preflight.check_binaries(load_topology("exp02"))

    assert "haproxy" in caught.value.message
    assert "keepalived" in caught.value.message
    assert "apt-get install" in caught.value.hint
    assert "iproute2" in caught.value.hint


def test_host_named_sw_rejected():
    topology = load_topology("exp01")
    renamed = topology.model_copy(update={"hosts": [
        host.model_copy(update={"name": "sw"}) if host.name == "client" else host
        for host in topology.hosts]})

    with pytest.raises(InvalidInput, match="'sw' is reserved"):
        load(renamed, None)
