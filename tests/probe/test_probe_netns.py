"""The probe in one network namespace measures an outage of a server in another.

Probe, history and analysis end to end: the probe process runs under `ip netns exec`, its file
goes onto the run's clock (namespaces share CLOCK_MONOTONIC), and the analysis finds the gap
that stopping the server made. The namespaces use 198.18.1.0/24, apart from any running lab.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from halab.experiments.analysis import analyze_run
from halab.experiments.history import FaultEvent, History, import_probe_file, new_header
from halab.probe import command_line

pytestmark = pytest.mark.lab

SERVER_ADDRESS = "198.18.1.20"
CLIENT_ADDRESS = "198.18.1.21"
PORT = 8080
SERVER_SCRIPT = """
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.send_header("X-Served-By", "nsweb")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass

server = ThreadingHTTPServer((sys.argv[1], int(sys.argv[2])), Handler)
server.daemon_threads = True
server.serve_forever()
"""


@pytest.fixture
def namespaces() -> Iterator[dict[str, str]]:
    if os.geteuid() != 0:
        pytest.fail("this test needs root to create network namespaces")
    if shutil.which("ip") is None:
        pytest.fail("ip not found: run `apt-get install iproute2`")
    tag = f"{os.getpid() % 100000}"
    names = {"server": f"halabtest-{tag}-srv", "client": f"halabtest-{tag}-cli"}
    links = {"server": f"hlp{tag}s", "client": f"hlp{tag}c"}
    addresses = {"server": SERVER_ADDRESS, "client": CLIENT_ADDRESS}
    created: list[str] = []
    try:
        for role in ("server", "client"):
            subprocess.run(["ip", "netns", "add", names[role]], check=True)
            created.append(names[role])
        subprocess.run(
            [
                "ip",
                "link",
                "add",
                links["server"],
                "netns",
                names["server"],
                "type",
                "veth",
                "peer",
                "name",
                links["client"],
                "netns",
                names["client"],
            ],
            check=True,
        )
        for role in ("server", "client"):
            run = ["ip", "-n", names[role]]
            subprocess.run(
                [*run, "addr", "add", addresses[role] + "/24", "dev", links[role]], check=True
            )
            subprocess.run([*run, "link", "set", links[role], "up"], check=True)
            subprocess.run([*run, "link", "set", "lo", "up"], check=True)
        yield names
    finally:
        for name in created:
            subprocess.run(["ip", "netns", "del", name], check=False)


def start_server(namespace: str) -> subprocess.Popen:
    argv = [
        "ip",
        "netns",
        "exec",
        namespace,
        sys.executable,
        "-c",
        SERVER_SCRIPT,
        SERVER_ADDRESS,
        str(PORT),
    ]
    return subprocess.Popen(argv)


def fault_event(kind: str, history: History) -> FaultEvent:
    action = "stop" if kind == "fault" else "start"
    return FaultEvent(
        kind=kind,
        t_ms=history.now_ms(),
        fault_id="web",
        name="web-stop",
        action=action,
        hosts=["server"],
        service="http",
    )


def test_probe_measures_outage_across_namespaces(namespaces, tmp_path):
    history = History(new_header("netns", "probe-netns", "test", "two-namespaces"))
    out = tmp_path / "probe.jsonl"
    server = start_server(namespaces["server"])
    time.sleep(0.5)
    argv = command_line(
        f"http://{SERVER_ADDRESS}:{PORT}",
        out,
        rate_per_s=50,
        duration_s=4,
        timeout_ms=1000,
        path="/",
        python=sys.executable,
    )
    probe = subprocess.Popen(
        ["ip", "netns", "exec", namespaces["client"], *argv], stderr=subprocess.PIPE, text=True
    )
    try:
        time.sleep(1.5)
        history.append(fault_event("fault", history))
        server.terminate()
        server.wait(5)
        time.sleep(1.0)
        history.append(fault_event("heal", history))
        server = start_server(namespaces["server"])
        _, stderr = probe.communicate(timeout=30)
    finally:
        for process in (probe, server):
            if process.poll() is None:
                process.kill()
                process.wait(5)

    assert probe.returncode == 0, stderr
    assert import_probe_file(out, history) == 200
    result = analyze_run(history, {"min_downtime_ms": 900, "max_downtime_ms": 3000})
    applied = result["figures"]["disruptions"][0]
    assert result["verdict"]["result"] == "pass", result["verdict"]
    assert applied["phase"] == "apply"
    assert applied["recovered"] is True
    # A request accepted just before the server died gets a reset; the rest are refused.
    assert "refused" in applied["failed_by_outcome"]
    assert set(applied["failed_by_outcome"]) <= {"refused", "reset"}
    assert set(result["figures"]["served_by"]) == {"nsweb"}
    first_request = min(e.start_ms for e in history.requests())
    # The probe started about 0.5 s after the run header; a clock mismatch would show here.
    assert 0 < first_request < 5000
