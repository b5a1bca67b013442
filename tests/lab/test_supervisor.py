"""Namespaces, the supervisor and `down`, with plain commands in place of the daemons."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from ipaddress import IPv4Network

import pytest

from halab.lab import netns, procs
from halab.lab.control import SupervisorClient, spawn_supervisor
from halab.lab.down import down
from halab.lab.state import LabState, write_json_atomic

from .conftest import assert_nothing_left

pytestmark = pytest.mark.lab

SUBNET = IPv4Network("198.18.0.0/24")


def small_lab(name: str) -> tuple[LabState, SupervisorClient]:
    """Two hosts on a bridge, a supervisor, and a sleeping service on host a."""
    state = LabState.for_lab(name)
    state.root.mkdir(parents=True)
    write_json_atomic(state.lab_file, {"name": name})
    netns.create_switch(state)
    netns.attach_host(state, "a", "198.18.0.1", SUBNET)
    netns.attach_host(state, "b", "198.18.0.2", SUBNET)
    client = spawn_supervisor(state)
    argv = ["ip", "netns", "exec", f"{name}-a", "sh", "-c", "echo ready; exec sleep 600"]
    client.request("define", host="a", service="sleeper", argv=argv, env={})
    client.request("start", host="a", service="sleeper")
    return state, client


def service(client: SupervisorClient, name: str) -> dict:
    return next(s for s in client.request("status")["services"] if s["service"] == name)


def wait_state(pid: int, expected: str, timeout_s: float = 5.0) -> str:
    """Return the process state once it is `expected`, or the last one seen at the timeout."""
    deadline = time.monotonic() + timeout_s
    while (state := procs.read_stat(pid).state) != expected and time.monotonic() < deadline:
        time.sleep(0.02)
    return state


def test_hosts_reach_each_other_over_bridge(lab_name):
    small_lab(lab_name)
    server = subprocess.Popen(["ip", "netns", "exec", f"{lab_name}-b", "python3", "-c",
                               "import socket; s=socket.create_server(('198.18.0.2', 7000));"
                               "c,_=s.accept(); c.sendall(b'hello')"])
    try:
        time.sleep(0.5)
        reply = subprocess.run(["ip", "netns", "exec", f"{lab_name}-a", "python3", "-c",
                                "import socket; print(socket.create_connection("
                                "('198.18.0.2', 7000), timeout=3).recv(5).decode())"],
                               capture_output=True, text=True, timeout=10)
        assert reply.stdout.strip() == "hello"
    finally:
        server.kill()
        server.wait()


def test_host_namespace_has_only_eth0_and_lo(lab_name):
    small_lab(lab_name)
    links = subprocess.run(["ip", "-n", f"{lab_name}-a", "-o", "link", "show"],
                           capture_output=True, text=True, check=True).stdout
    names = sorted(line.split(": ")[1].split("@")[0] for line in links.splitlines())
    assert names == ["eth0", "lo"]


def test_service_logs_with_monotonic_prefix(lab_name):
    state, client = small_lab(lab_name)
    log_file = state.log_file("a", "sleeper")
    deadline = time.monotonic() + 5
    while "ready" not in (log_file.read_text() if log_file.exists() else ""):
        assert time.monotonic() < deadline, "no output in the service log"
        time.sleep(0.05)
    stamp, text = log_file.read_text().split(" ", 1)
    assert abs(float(stamp) - time.monotonic()) < 10
    assert text.strip() == "ready"


def test_kill_records_exit_and_start_again(lab_name):
    state, client = small_lab(lab_name)
    first = service(client, "sleeper")["pid"]
    client.request("kill", host="a", service="sleeper")
    deadline = time.monotonic() + 5
    while service(client, "sleeper")["exit_status"] is None:
        assert time.monotonic() < deadline, "the supervisor recorded no exit"
        time.sleep(0.05)
    assert service(client, "sleeper")["exit_status"] == -signal.SIGKILL
    assert not service(client, "sleeper")["running"]

    second = client.request("start", host="a", service="sleeper")["pid"]
    assert second != first
    assert state.processes()["a/sleeper"]["pid"] == second
    events = [json.loads(line) for line in state.events_file.read_text().splitlines()]
    assert [e["event"] for e in events if e["kind"] == "process"] == ["start", "exit", "start"]


def test_freeze_and_thaw(lab_name):
    _, client = small_lab(lab_name)
    pid = service(client, "sleeper")["pid"]
    client.request("freeze", host="a", service="sleeper")
    assert wait_state(pid, "T") == "T"
    assert service(client, "sleeper")["frozen"]
    client.request("thaw", host="a", service="sleeper")
    assert wait_state(pid, "S") == "S"


def test_down_removes_everything(lab_name):
    state, client = small_lab(lab_name)
    pids = [service(client, "sleeper")["pid"], state.supervisor()["pid"]]

    removed = down(lab_name)

    assert "namespace " + netns.switch_namespace(lab_name) in removed
    assert_nothing_left(lab_name, pids)
    assert not state.root.exists()
    assert down(lab_name) == []


def test_down_after_supervisor_killed(lab_name):
    state, client = small_lab(lab_name)
    sleeper = service(client, "sleeper")["pid"]
    supervisor = state.supervisor()["pid"]
    os.kill(supervisor, signal.SIGKILL)
    time.sleep(0.2)
    assert procs.is_alive(sleeper)

    down(lab_name)

    assert_nothing_left(lab_name, [sleeper, supervisor])


def test_down_finds_unrecorded_process_in_namespace(lab_name):
    state, _ = small_lab(lab_name)
    # Started behind the supervisor's back: only its namespace ties it to the lab.
    stray = subprocess.Popen(["ip", "netns", "exec", f"{lab_name}-b", "sleep", "600"],
                             start_new_session=True)
    time.sleep(0.2)

    down(lab_name)

    assert stray.wait(timeout=5) is not None
    assert_nothing_left(lab_name, [stray.pid])
