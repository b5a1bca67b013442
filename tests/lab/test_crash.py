"""`halab down` after an `up` that was killed part way, with or without its supervisor."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable

import pytest

from halab.lab.down import down
from halab.lab.state import LabState

from .conftest import assert_nothing_left, lab_namespaces, require_root

pytestmark = pytest.mark.lab

HALAB = [sys.executable, "-m", "halab"]


def recorded_services(state: LabState) -> set[str]:
    return set(state.processes())


def after_namespaces(state: LabState) -> bool:
    return len(state.resources()["namespaces"]) >= 3


def after_database(state: LabState) -> bool:
    return "mariadb01/mariadb" in recorded_services(state)


def after_app(state: LabState) -> bool:
    return "webserver02/app" in recorded_services(state)


def all_pids(state: LabState) -> list[int]:
    pids = [record["pid"] for record in state.processes().values()]
    supervisor = state.supervisor()
    return pids + ([supervisor["pid"]] if supervisor else [])


@pytest.mark.parametrize(
    ("point", "kill_supervisor"),
    [(after_namespaces, False), (after_database, True), (after_app, False), (after_app, True)],
    ids=["namespaces", "database-and-supervisor", "app", "app-and-supervisor"],
)
def test_down_after_killed_up(point: Callable[[LabState], bool], kill_supervisor: bool):
    require_root()
    name = "tcrash"
    down(name)
    state = LabState.for_lab(name)
    up_process = subprocess.Popen([*HALAB, "up", "exp02", "--lab", name, "--web-port", "0"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not point(state):
            assert up_process.poll() is None, "up ended before the point of the kill"
            assert time.monotonic() < deadline, f"up never reached {point.__name__}"
            time.sleep(0.01)
        up_process.send_signal(signal.SIGKILL)
        up_process.wait()
        if kill_supervisor and state.supervisor():
            os.kill(state.supervisor()["pid"], signal.SIGKILL)
        pids = all_pids(state)

        down(name)

        assert_nothing_left(name, pids)
        assert not state.root.exists()
    finally:
        if up_process.poll() is None:
            up_process.kill()
        down(name)
    assert lab_namespaces(name) == []


def test_up_after_crash_needs_down():
    require_root()
    name = "tcrash"
    down(name)
    state = LabState.for_lab(name)
    up_process = subprocess.Popen([*HALAB, "up", "exp02", "--lab", name, "--web-port", "0"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while not after_database(state):
            assert time.monotonic() < deadline
            time.sleep(0.01)
        up_process.kill()
        up_process.wait()
        os.kill(state.supervisor()["pid"], signal.SIGKILL)
        time.sleep(0.1)
        before = (state.resources(), state.processes(), lab_namespaces(name))

        again = subprocess.run([*HALAB, "up", "exp02", "--lab", name, "--web-port", "0"],
                               capture_output=True, text=True, timeout=60)

        assert again.returncode == 6, again.stderr
        assert "leftover state" in again.stderr
        assert (state.resources(), state.processes(), lab_namespaces(name)) == before
    finally:
        if up_process.poll() is None:
            up_process.kill()
        down(name)
