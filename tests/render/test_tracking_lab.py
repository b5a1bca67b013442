"""Keepalived with the rendered config notices that the lab's HAProxy died.

One lab host (haproxy01 of exp02) runs in a network namespace made for this test: HAProxy
started with `haproxy_command`, Keepalived with its own `--namespace` option. The test kills
HAProxy and waits for the reaction each profile promises: FAULT (weight 0, tuned) or a
priority drop of 10 (seed). This shows that the tracked command line and the check script
match the process the lab starts, among every other HAProxy of the machine.
"""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from halab.render import HostPaths, haproxy_command, render_host, write_host
from halab.topology import apply_profile, load_topology

from .conftest import SECRETS

pytestmark = pytest.mark.lab

HOST = "haproxy01"
WAIT_S = 15.0


def _ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True, timeout=10)


@pytest.fixture
def namespace() -> Iterator[str]:
    """Create a namespace with eth0 holding haproxy01's address; delete it afterwards."""
    for binary in ("ip", "keepalived", "haproxy"):
        if shutil.which(binary, path="/usr/sbin:/usr/bin:/sbin:/bin") is None:
            pytest.fail(f"{binary} not found: run `apt-get install iproute2 keepalived haproxy`")
    name = f"halab-track-{os.getpid()}"
    _ip("netns", "add", name)
    try:
        _ip("-n", name, "link", "add", "eth0", "type", "veth", "peer", "name", "peer0")
        for link in ("lo", "eth0", "peer0"):
            _ip("-n", name, "link", "set", link, "up")
        _ip("-n", name, "addr", "add", "198.18.0.11/24", "dev", "eth0")
        _ip("netns", "exec", name, "sysctl", "-qw", "net.ipv4.ip_nonlocal_bind=1")
        yield name
    finally:
        _ip("netns", "del", name)


class Host:
    """The rendered files of haproxy01 and the two daemons started from them."""

    def __init__(self, namespace: str, profile: str, root: Path):
        topology = apply_profile(load_topology("exp02"), profile)
        self.namespace = namespace
        self.paths = HostPaths.lab(root, HOST)
        write_host(render_host(topology, HOST, self.paths, lab=True, secrets=SECRETS), self.paths)
        for directory in (self.paths.run_dir, self.paths.state_dir, self.paths.log_dir):
            directory.mkdir(parents=True, exist_ok=True)
        self.keepalived_log = self.paths.log_dir / "keepalived.log"
        self.processes: list[subprocess.Popen] = []

    def start_haproxy(self) -> subprocess.Popen:
        # The lab appends -p to the command that Keepalived tracks; the match must allow it.
        command = [*haproxy_command(self.paths), "-p", str(self.paths.haproxy_pid)]
        argv = ["ip", "netns", "exec", self.namespace, *command]
        return self._start(argv, self.paths.log_dir / "haproxy.log")

    def start_keepalived(self) -> subprocess.Popen:
        paths = self.paths
        argv = [
            "keepalived", "--namespace", self.namespace, "-n", "-l", "-D",
            "-f", str(paths.keepalived_config), "-p", str(paths.keepalived_pid),
            "-r", str(paths.vrrp_pid), "-c", str(paths.checkers_pid),
        ]  # fmt: skip
        return self._start(argv, self.keepalived_log)

    def _start(self, argv: list[str], log: Path) -> subprocess.Popen:
        with log.open("ab") as output:
            process = subprocess.Popen(argv, stdout=output, stderr=subprocess.STDOUT)
        self.processes.append(process)
        return process

    def stop_all(self) -> None:
        for process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=10)

    def vip_present(self) -> bool:
        result = subprocess.run(
            ["ip", "-n", self.namespace, "-o", "addr", "show", "dev", "eth0"],
            capture_output=True, text=True, check=True, timeout=10,
        )  # fmt: skip
        return "198.18.0.100/" in result.stdout

    def wait_for_log(self, text: str) -> None:
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            if text in self.keepalived_log.read_text(errors="replace"):
                return
            time.sleep(0.05)
        pytest.fail(f"keepalived did not log {text!r} in {WAIT_S} s:\n{self._log_tail()}")

    def _log_tail(self) -> str:
        return "\n".join(self.keepalived_log.read_text(errors="replace").splitlines()[-20:])


@pytest.fixture
def host_factory(namespace, short_dir) -> Iterator:
    hosts: list[Host] = []

    def make(profile: str) -> Host:
        hosts.append(Host(namespace, profile, short_dir / f"{profile}{len(hosts)}"))
        return hosts[-1]

    yield make
    for host in hosts:
        host.stop_all()


def _read_fifo_lines(fifo: Path, until: str, timeout_s: float) -> list[str]:
    """Read lines from Keepalived's notify FIFO until one contains `until`."""
    descriptor = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    lines: list[str] = []
    buffer = b""
    deadline = time.monotonic() + timeout_s
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([descriptor], [], [], 0.1)
            if ready:
                buffer += os.read(descriptor, 4096)
                *complete, buffer = buffer.split(b"\n")
                lines += [line.decode() for line in complete]
                if any(until in line for line in lines):
                    return lines
    finally:
        os.close(descriptor)
    pytest.fail(f"no FIFO line with {until!r} in {timeout_s} s; got {lines}")


def _wait_for_fifo(fifo: Path) -> None:
    deadline = time.monotonic() + WAIT_S
    while not fifo.exists():
        if time.monotonic() > deadline:
            pytest.fail(f"keepalived did not create {fifo}")
        time.sleep(0.05)


def test_tuned_enters_fault_when_haproxy_dies(host_factory):
    host = host_factory("tuned")
    haproxy = host.start_haproxy()
    host.start_keepalived()
    _wait_for_fifo(host.paths.keepalived_fifo)
    _read_fifo_lines(host.paths.keepalived_fifo, 'INSTANCE "VI_WEB" MASTER', WAIT_S)
    assert host.vip_present()

    haproxy.terminate()
    haproxy.wait(timeout=10)
    lines = _read_fifo_lines(host.paths.keepalived_fifo, 'INSTANCE "VI_WEB" FAULT', 5.0)

    assert any(line.startswith('INSTANCE "VI_WEB" FAULT') for line in lines)
    assert not host.vip_present()


def test_seed_lowers_priority_when_haproxy_dies(host_factory):
    host = host_factory("seed")
    haproxy = host.start_haproxy()
    host.start_keepalived()
    host.wait_for_log("(VI_WEB) Entering MASTER STATE")

    haproxy.terminate()
    haproxy.wait(timeout=10)

    host.wait_for_log("chk_haproxy_VI_WEB) failed")
    host.wait_for_log("(VI_WEB) Changing effective priority from 101 to 91")


def test_other_hosts_haproxy_does_not_count(host_factory):
    host = host_factory("tuned")
    other = host_factory("tuned")
    other_haproxy = other.start_haproxy()
    host.start_keepalived()
    _wait_for_fifo(host.paths.keepalived_fifo)

    lines = _read_fifo_lines(host.paths.keepalived_fifo, 'INSTANCE "VI_WEB" FAULT', WAIT_S)

    assert lines
    assert other_haproxy.poll() is None, "the other host's HAProxy should still run"
    assert not host.vip_present()
