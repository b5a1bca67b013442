"""`halab up exp02`: two HAProxy hosts sharing the web VIP, two web servers, one database."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from halab.app.accounts import DEMO_CUSTOMERS
from halab.errors import LabStateError
from halab.lab import netns, procs, secrets
from halab.lab.down import down
from halab.lab.lab import Lab
from halab.lab.services import app
from halab.lab.status import collect
from halab.lab.up import up

from .clientside import run_json, served_by
from .conftest import assert_nothing_left, lab_namespaces, require_root

pytestmark = pytest.mark.lab

LAB = "texp02"
VIP_URL = "http://198.18.0.100"
ROOT_NONLOCAL_BIND = Path("/proc/sys/net/ipv4/ip_nonlocal_bind")  # read in this namespace


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def lab():
    require_root()
    down(LAB)
    web_port, stats_port = free_port(), free_port()
    nonlocal_bind_before = ROOT_NONLOCAL_BIND.read_text()
    try:
        result = up("exp02", lab_name=LAB, web_port=web_port, stats_port=stats_port)
    except BaseException:
        down(LAB)  # A failed up leaves its lab for inspection; the tests remove it.
        raise
    yield Lab.attach(LAB), result, nonlocal_bind_before
    down(LAB)


def test_round_robin_over_both_web_servers(lab):
    names = served_by(lab[0], f"{VIP_URL}/health", 6)

    assert set(names) == {"webserver01", "webserver02"}
    assert all(a != b for a, b in zip(names, names[1:], strict=False)), names


def test_one_master_holds_vip(lab):
    status = collect(lab[0])

    assert len(status.vips) == 1
    vip = status.vips[0]
    assert vip.holders == ["haproxy01"]
    assert not vip.split_brain
    assert sorted(vip.states.values()) == ["BACKUP", "MASTER"]
    assert vip.states["haproxy01"] == "MASTER"


def test_login_valid_on_both_web_servers(lab):
    password = secrets.read(lab[0].ctx.state, "demo_password")
    code = f"""
        import json, re, requests
        session = requests.Session()
        form = session.get("{VIP_URL}/login", timeout=5).text
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form).group(1)
        email = {DEMO_CUSTOMERS[0][1]!r}
        login = session.post("{VIP_URL}/login", timeout=5, allow_redirects=False,
                             data={{"email": email, "password": {password!r},
                                   "csrf_token": token}})
        pages = []
        for _ in range(6):
            page = session.get("{VIP_URL}/cart", timeout=5, allow_redirects=False)
            pages.append([page.status_code, page.headers.get("X-Served-By")])
        print(json.dumps({{"login": login.status_code, "pages": pages}}))
    """
    result = run_json(lab[0], "client", code)

    assert result["login"] == 302
    assert {status for status, _ in result["pages"]} == {200}
    assert {server for _, server in result["pages"]} == {"webserver01", "webserver02"}


def test_loopback_port_publishes_vip(lab):
    result = lab[1]
    web_port = next(port for port, target in result.published.items() if target.endswith(":80"))

    response = requests.get(f"http://127.0.0.1:{web_port}/health", timeout=5)

    assert response.status_code == 200
    assert response.headers["X-Served-By"] in ("webserver01", "webserver02")


def test_status_shows_every_service_running(lab):
    services = {(s["host"], s["service"]): s for s in collect(lab[0]).services}

    for key in [("mariadb01", "mariadb"), ("webserver01", "app"), ("webserver02", "app"),
                ("haproxy01", "haproxy"), ("haproxy02", "haproxy"),
                ("haproxy01", "keepalived"), ("haproxy02", "keepalived")]:
        assert services[key]["running"], key


def test_second_up_rejected_and_nothing_changed(lab):
    before = {(s["host"], s["service"]): s["pid"] for s in lab[0].services()}

    with pytest.raises(LabStateError, match="already up"):
        up("exp02", lab_name=LAB, web_port=0)

    after = {(s["host"], s["service"]): s["pid"] for s in lab[0].services()}
    assert after == before


def test_stop_and_start_app(lab):
    lab_ = lab[0]
    lab_.stop("webserver01", "app")
    stopped = {s["service"]: s for s in lab_.services() if s["host"] == "webserver01"}
    assert not stopped["app"]["running"]

    pid = lab_.start("webserver01", "app")

    assert procs.is_alive(pid)
    deadline = time.monotonic() + 20
    while not app.healthy(lab_.ctx, "webserver01"):
        assert time.monotonic() < deadline, "the app on webserver01 did not come back"
        time.sleep(0.3)


def test_freeze_and_thaw_haproxy(lab):
    lab_ = lab[0]
    pid = next(s["pid"] for s in lab_.services()
               if s["host"] == "haproxy02" and s["service"] == "haproxy")
    lab_.freeze("haproxy02", "haproxy")
    time.sleep(0.1)
    assert procs.read_stat(pid).state == "T"

    lab_.thaw("haproxy02", "haproxy")
    time.sleep(0.1)
    assert procs.read_stat(pid).state in ("S", "R")


def test_second_haproxy_rejected(lab):
    lab_ = lab[0]
    pid = int(lab_.ctx.host_paths("haproxy01").haproxy_pid.read_text())

    with pytest.raises(LabStateError, match=f"already runs as pid {pid}"):
        lab_.start("haproxy01", "haproxy")

    assert procs.is_alive(pid)


def test_status_flags_two_vip_holders(lab):
    lab_ = lab[0]
    lab_.run_in("haproxy02", ["ip", "addr", "add", "198.18.0.100/24", "dev", "eth0"])
    try:
        vip = collect(lab_).vips[0]
    finally:
        lab_.run_in("haproxy02", ["ip", "addr", "del", "198.18.0.100/24", "dev", "eth0"])
        # The client may have learned haproxy02's MAC for the VIP meanwhile: forget it.
        lab_.run_in("client", ["ip", "neigh", "flush", "dev", "eth0"])

    assert vip.holders == ["haproxy01", "haproxy02"]
    assert vip.split_brain


def test_status_command_prints_tables(lab):
    result = subprocess.run([sys.executable, "-m", "halab", "status", "--lab", LAB],
                            capture_output=True, text=True, timeout=60)

    assert result.returncode == 0, result.stderr
    assert "VI_WEB" in result.stdout
    assert "webserver02" in result.stdout
    assert "SPLIT BRAIN" not in result.stdout


def test_exec_runs_in_host_namespace(lab):
    result = subprocess.run([sys.executable, "-m", "halab", "exec", "client", "--lab", LAB, "--",
                             "ip", "-o", "-4", "addr", "show", "dev", "eth0"],
                            capture_output=True, text=True, timeout=60)

    assert result.returncode == 0, result.stderr
    assert "198.18.0.10/24" in result.stdout


def test_logs_show_haproxy_requests(lab):
    served_by(lab[0], f"{VIP_URL}/health", 1)

    result = subprocess.run([sys.executable, "-m", "halab", "logs", "haproxy01", "haproxy",
                             "--lab", LAB], capture_output=True, text=True, timeout=60)

    assert result.returncode == 0, result.stderr
    assert "GET /health" in result.stdout


def test_machine_sysctl_untouched(lab):
    # Each namespace whose HAProxy binds the VIP has its own ip_nonlocal_bind.
    inside = lab[0].run_in("haproxy02", ["sysctl", "-n", "net.ipv4.ip_nonlocal_bind"]).stdout

    assert inside.strip() == "1"
    assert ROOT_NONLOCAL_BIND.read_text() == lab[2]


def test_link_down_and_up(lab):
    lab_ = lab[0]
    lab_.link("webserver02", up=False)
    link = lab_.run_in("webserver02", ["ip", "-o", "link", "show", "dev", "eth0"]).stdout
    assert "state DOWN" in link

    lab_.link("webserver02", up=True)
    link = lab_.run_in("webserver02", ["ip", "-o", "link", "show", "dev", "eth0"]).stdout
    assert ",UP" in link


def test_down_leaves_nothing(lab):
    pids = [s["pid"] for s in lab[0].services()]
    pids.append(lab[0].ctx.state.supervisor()["pid"])

    down(LAB)

    assert_nothing_left(LAB, pids)
    assert lab_namespaces(LAB) == []
    assert not netns.namespace_exists(f"{LAB}-sw")
