"""Faults applied and healed on two throwaway namespaces joined by a veth pair.

The namespaces, the veth pair and the processes are this test's own: 198.18.1.0/24 keeps them
apart from a running lab (198.18.0.0/24 by default), and the fixture removes all of them.
"""

from __future__ import annotations

import gzip
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from halab.errors import LabStateError, MissingDependency
from halab.experiments.history import History, new_header
from halab.faults import ActiveFaults, Fault, applied

pytestmark = pytest.mark.lab

SUBNET_PREFIX = "198.18.1."
# A port nothing listens on: a reachable host replies to a SYN with RST (refused) at once,
# while dropped packets make the connect time out.
CLOSED_PORT = 9
CONNECT_TIMEOUT_S = 0.5

CONNECT_SCRIPT = """
import socket, sys
sock = socket.socket()
sock.settimeout(float(sys.argv[3]))
try:
    sock.connect((sys.argv[1], int(sys.argv[2])))
    print("connected")
except ConnectionRefusedError:
    print("refused")
except TimeoutError:
    print("timeout")
except OSError as exc:
    print("unreachable" if exc.errno in (101, 113) else f"error {exc.errno}")
"""


class NamespaceLab:
    """A LabControl over namespaces this test made; each service is a `sleep` process."""

    def __init__(
        self, namespaces: dict[str, str], addresses: dict[str, str], interfaces: dict[str, str]
    ):
        self.namespaces = namespaces
        self.addresses = addresses
        self.interfaces = interfaces
        self.processes: dict[tuple[str, str], subprocess.Popen] = {}

    def start(self, host: str, service: str) -> int:
        argv = ["ip", "netns", "exec", self.namespaces[host], "sleep", "600"]
        process = subprocess.Popen(argv)
        self.processes[(host, service)] = process
        return process.pid

    def stop(self, host: str, service: str) -> None:
        process = self.processes[(host, service)]
        process.terminate()
        process.wait(5)

    def kill(self, host: str, service: str) -> None:
        process = self.processes[(host, service)]
        process.kill()
        process.wait(5)

    def freeze(self, host: str, service: str) -> None:
        os.kill(self.processes[(host, service)].pid, signal.SIGSTOP)

    def thaw(self, host: str, service: str) -> None:
        os.kill(self.processes[(host, service)].pid, signal.SIGCONT)

    def link(self, host: str, up: bool) -> None:
        state = "up" if up else "down"
        self.run_in(host, ["ip", "link", "set", self.interfaces[host], state])

    def run_in(
        self, host: str, argv: list[str], check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        command = ["ip", "netns", "exec", self.namespaces[host], *argv]
        return subprocess.run(command, capture_output=True, text=True, check=check, timeout=30)

    def address(self, host: str) -> str:
        return self.addresses[host]

    def interface(self, host: str) -> str:
        return self.interfaces[host]

    def connect(self, source: str, target: str) -> str:
        """Try a TCP connect from one host to another's closed port; return what happened."""
        argv = [
            sys.executable,
            "-c",
            CONNECT_SCRIPT,
            self.addresses[target],
            str(CLOSED_PORT),
            str(CONNECT_TIMEOUT_S),
        ]
        return self.run_in(source, argv).stdout.strip()

    def process_state(self, host: str, service: str) -> str:
        pid = self.processes[(host, service)].pid
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0]

    def stop_all(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                os.kill(process.pid, signal.SIGCONT)
                process.kill()
                process.wait(5)


def require_tools() -> None:
    if os.geteuid() != 0:
        pytest.fail("fault lab tests need root to create network namespaces")
    for tool in ("ip", "iptables"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} not found: run `apt-get install iproute2 iptables`")


@pytest.fixture
def lab() -> Iterator[NamespaceLab]:
    require_tools()
    tag = f"{os.getpid() % 100000}"
    namespaces = {"a": f"halabtest-{tag}-a", "b": f"halabtest-{tag}-b"}
    interfaces = {"a": f"hlt{tag}a", "b": f"hlt{tag}b"}
    addresses = {"a": SUBNET_PREFIX + "1", "b": SUBNET_PREFIX + "2"}
    created: list[str] = []
    lab = NamespaceLab(namespaces, addresses, interfaces)
    try:
        for host in ("a", "b"):
            subprocess.run(["ip", "netns", "add", namespaces[host]], check=True)
            created.append(namespaces[host])
        subprocess.run(
            [
                "ip",
                "link",
                "add",
                interfaces["a"],
                "netns",
                namespaces["a"],
                "type",
                "veth",
                "peer",
                "name",
                interfaces["b"],
                "netns",
                namespaces["b"],
            ],
            check=True,
        )
        for host in ("a", "b"):
            lab.run_in(
                host, ["ip", "addr", "add", addresses[host] + "/24", "dev", interfaces[host]]
            )
            lab.run_in(host, ["ip", "link", "set", interfaces[host], "up"])
            lab.run_in(host, ["ip", "link", "set", "lo", "up"])
        yield lab
    finally:
        lab.stop_all()
        for namespace in created:
            subprocess.run(["ip", "netns", "del", namespace], check=False)


@pytest.fixture
def history() -> History:
    return History(new_header("faults-test", "faults", "test", "two-namespaces"))


def eventually(check, timeout_s: float = 5.0) -> bool:
    """Poll `check` until it returns true or `timeout_s` passes; return its last result."""
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)
    return True


def iptables_rules(lab: NamespaceLab, host: str) -> str:
    return lab.run_in(host, ["iptables", "-S"]).stdout


def test_namespaces_reach_each_other(lab):
    assert lab.connect("a", "b") == "refused"
    assert lab.connect("b", "a") == "refused"


def test_partition_drops_then_heals(lab, history):
    fault = Fault(id="cut", action="partition", hosts=["a", "b"])

    with applied(fault, lab, history):
        assert lab.connect("a", "b") == "timeout"
        assert lab.connect("b", "a") == "timeout"
        assert "halab-cut" in iptables_rules(lab, "a")

    assert lab.connect("a", "b") == "refused"
    assert "halab-cut" not in iptables_rules(lab, "a")
    assert "halab-cut" not in iptables_rules(lab, "b")
    assert [(e.kind, e.action) for e in history.events()] == [
        ("fault", "partition"),
        ("heal", "remove_partition"),
    ]


def test_partition_limited_to_vrrp_keeps_tcp(lab, history):
    fault = Fault(id="vrrp", action="partition", hosts=["a", "b"], protocol="vrrp")

    with applied(fault, lab, history):
        assert lab.connect("a", "b") == "refused"
        assert "-p vrrp" in iptables_rules(lab, "b") or "-p 112" in iptables_rules(lab, "b")

    assert "halab-vrrp" not in iptables_rules(lab, "b")


def test_link_down_then_up(lab, history):
    fault = Fault(id="link", action="link_down", host="b")

    with applied(fault, lab, history):
        assert lab.connect("a", "b") == "timeout"

    # A veth that comes back up needs a moment before it passes packets again.
    assert eventually(lambda: lab.connect("a", "b") == "refused")


def test_full_loss_drops_then_heals(lab, history):
    fault = Fault(id="loss", action="loss", host="b", loss_percent=100)

    with applied(fault, lab, history):
        # b drops every RST it sends, so a's connect times out.
        assert lab.connect("a", "b") == "timeout"

    assert lab.connect("a", "b") == "refused"
    assert "halab-loss" not in iptables_rules(lab, "b")


def test_netem_applies_or_reports_missing_kernel_support(lab, history):
    fault = Fault(id="slow", action="netem", host="b", delay_ms=50)

    try:
        with applied(fault, lab, history):
            qdiscs = lab.run_in("b", ["tc", "qdisc", "show", "dev", lab.interface("b")]).stdout
            assert "netem" in qdiscs
    except MissingDependency as exc:
        assert kernel_lacks_netem(), f"netem failed although the kernel has it: {exc}"
        assert "CONFIG_NET_SCH_NETEM" in exc.message
        assert history.events()[0].error is not None

    qdiscs = lab.run_in("b", ["tc", "qdisc", "show", "dev", lab.interface("b")]).stdout
    assert "netem" not in qdiscs
    assert [e.kind for e in history.events()] == ["fault", "heal"]


def kernel_lacks_netem() -> bool:
    config = Path("/proc/config.gz")
    if not config.exists():
        return True
    text = gzip.decompress(config.read_bytes()).decode()
    return "CONFIG_NET_SCH_NETEM=y" not in text and "CONFIG_NET_SCH_NETEM=m" not in text


def test_heal_runs_when_block_raises(lab, history):
    fault = Fault(id="cut", action="partition", hosts=["a", "b"])

    with pytest.raises(RuntimeError), applied(fault, lab, history):
        raise RuntimeError("experiment failed half way")

    assert lab.connect("a", "b") == "refused"
    assert history.events()[-1].kind == "heal"


def test_heal_runs_on_keyboard_interrupt(lab, history):
    fault = Fault(id="link", action="link_down", host="a")

    with pytest.raises(KeyboardInterrupt), applied(fault, lab, history):
        raise KeyboardInterrupt

    assert eventually(lambda: lab.connect("a", "b") == "refused")


def test_failed_heal_raises_after_block(lab, history):
    fault = Fault(id="link", action="link_down", host="b")

    with pytest.raises(LabStateError) as caught, applied(fault, lab, history):
        # Deleting the veth makes the heal's `ip link set ... up` fail.
        lab.run_in("b", ["ip", "link", "del", lab.interface("b")])

    assert "heal of fault 'link' failed" in caught.value.message
    assert history.events()[-1].kind == "heal"
    assert history.events()[-1].error is not None


def test_service_faults_and_heals(lab, history):
    first_pid = lab.start("b", "app")

    with ActiveFaults(lab, history) as faults:
        faults.apply(Fault(id="freeze", action="freeze", host="b", service="app"))
        # The kernel delivers SIGSTOP and SIGCONT after kill() returns.
        assert eventually(lambda: lab.process_state("b", "app") == "T")
        faults.heal("freeze")
        assert eventually(lambda: lab.process_state("b", "app") != "T")

        faults.apply(Fault(id="kill", action="kill", host="b", service="app"))
        assert lab.processes[("b", "app")].returncode == -signal.SIGKILL
        faults.heal("kill")
        assert lab.processes[("b", "app")].pid != first_pid

        faults.apply(Fault(id="stop", action="stop", host="b", service="app"))
        assert lab.processes[("b", "app")].returncode == -signal.SIGTERM
        assert faults.active == ["stop"]

    assert lab.processes[("b", "app")].poll() is None
    assert [(e.kind, e.action) for e in history.events()] == [
        ("fault", "freeze"),
        ("heal", "thaw"),
        ("fault", "kill"),
        ("heal", "start"),
        ("fault", "stop"),
        ("heal", "start"),
    ]
