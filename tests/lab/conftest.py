"""Fixtures for the lab tests: lab names of their own, never a person's `halab` lab."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from halab.lab import netns
from halab.lab.down import down


def require_root() -> None:
    if os.geteuid() != 0:
        pytest.fail("lab tests need root: run them as root (CI does)")
    if shutil.which("ip") is None:
        pytest.fail("`ip` not found: run `apt-get install iproute2`")


def lab_namespaces(lab: str) -> list[str]:
    listing = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True, check=True)
    names = [line.split()[0] for line in listing.stdout.splitlines() if line.strip()]
    return [name for name in names if name.startswith(f"{lab}-")]


@pytest.fixture
def lab_name(request: pytest.FixtureRequest) -> str:
    """A fresh lab name per test, brought down afterwards whatever happened."""
    require_root()
    name = f"u{abs(hash(request.node.nodeid)) % 10_000_000}"
    yield name
    down(name)
    assert lab_namespaces(name) == []


def assert_nothing_left(lab: str, pids: list[int]) -> None:
    from halab.lab import procs

    assert lab_namespaces(lab) == []
    for pid in pids:
        assert not procs.is_alive(pid), f"pid {pid} of lab {lab} is still alive"
    assert not netns.namespace_exists(netns.switch_namespace(lab))
