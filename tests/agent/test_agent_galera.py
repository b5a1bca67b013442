"""The agent against a real one-node Galera cluster, started from a rendered my.cnf.

The node runs in a throwaway network namespace (`unshare --net`), so its ports on 127.0.0.1
clash with nothing. The agent reaches it over its Unix socket, which namespaces do not split.
"""

from __future__ import annotations

import csv
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path

import pymysql
import pytest

from halab.agent.server import Agent, make_handler
from halab.render import HostPaths, Secrets, haproxy_command, render_host, write_host
from halab.topology import apply_profile, parse_topology

from .test_server import get_once

pytestmark = pytest.mark.lab

ONE_NODE = """
name: one
subnet: 127.0.0.0/24
hosts:
  - {name: db1, role: db, address: 127.0.0.1}
galera: {nodes: [db1]}
"""
START_TIMEOUT_S = 60
SECRETS = Secrets(db_password="db-password-123", stats_password="stats-password-456")


def _binary(name: str) -> str:
    path = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin")
    if path is None:
        pytest.fail(f"{name} not found: run `apt-get install mariadb-server galera-4`")
    return path


def _wait_ready(process: subprocess.Popen, paths: HostPaths) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = (paths.log_dir / "mariadb.err").read_text(errors="replace")
            pytest.fail(f"mariadbd exited with {process.returncode}:\n{log[-2000:]}")
        try:
            pymysql.connect(unix_socket=str(paths.mariadb_socket), user="root").close()
            return
        except pymysql.err.OperationalError:
            time.sleep(0.2)
    pytest.fail(f"mariadbd not ready after {START_TIMEOUT_S} s")


@pytest.fixture(scope="module")
def galera_node(tmp_path_factory) -> Iterator[tuple[subprocess.Popen, HostPaths]]:
    """Start db1 from its rendered tuned my.cnf, bootstrapped with --wsrep-new-cluster."""
    topology = apply_profile(parse_topology(ONE_NODE), "tuned")
    paths = HostPaths.lab(tmp_path_factory.mktemp("galera"), "db1")
    write_host(render_host(topology, "db1", paths, lab=True), paths)
    for directory in (paths.data_dir, paths.run_dir, paths.log_dir):
        directory.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            _binary("mariadb-install-db"),
            "--no-defaults",
            f"--datadir={paths.data_dir}",
            "--auth-root-authentication-method=socket",
            "--skip-test-db",
            "--user=root",
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    mariadbd = [
        _binary("mariadbd"),
        f"--defaults-file={paths.mariadb_config}",
        "--user=root",
        "--wsrep-new-cluster",
    ]
    process = subprocess.Popen(
        [
            "unshare",
            "--net",
            "/bin/sh",
            "-c",
            'ip link set lo up && exec "$@"',
            "galera",
            *mariadbd,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_ready(process, paths)
        yield process, paths
    finally:
        os.kill(process.pid, signal.SIGCONT)
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)


def test_synced_primary_node_returns_200(galera_node):
    _, paths = galera_node
    status, body = get_once(Agent(paths.mariadb_socket, None, timeout_s=1.0))

    assert status == 200
    assert body["wsrep_local_state_comment"] == "Synced"
    assert body["wsrep_cluster_status"] == "Primary"
    assert body["wsrep_cluster_size"] == 1


def test_tuned_provider_options_accepted(galera_node):
    _, paths = galera_node
    connection = pymysql.connect(unix_socket=str(paths.mariadb_socket), user="root")
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT @@wsrep_provider_options")
            (options,) = cursor.fetchone()
    finally:
        connection.close()

    assert "evs.suspect_timeout = PT2S" in options
    assert "evs.keepalive_period = PT0.5S" in options


def test_frozen_node_returns_503(galera_node):
    process, paths = galera_node
    os.kill(process.pid, signal.SIGSTOP)
    try:
        status, body = get_once(Agent(paths.mariadb_socket, None, timeout_s=0.5))
    finally:
        os.kill(process.pid, signal.SIGCONT)

    assert status == 503
    assert body["reason"].startswith("MariaDB unavailable")


def test_credentials_file_login_returns_200(galera_node, tmp_path):
    _, paths = galera_node
    connection = pymysql.connect(unix_socket=str(paths.mariadb_socket), user="root")
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE USER IF NOT EXISTS 'monitor'@'localhost' IDENTIFIED BY 'monitor-pass-1'"
            )
    finally:
        connection.close()
    credentials = tmp_path / "agent.cnf"
    credentials.write_text("[client]\nuser=monitor\npassword=monitor-pass-1\n")

    status, body = get_once(Agent(paths.mariadb_socket, credentials, timeout_s=1.0))

    assert status == 200
    assert body["reason"] == "Synced and Primary"


def test_wrong_password_returns_503(galera_node, tmp_path):
    _, paths = galera_node
    credentials = tmp_path / "agent.cnf"
    credentials.write_text("[client]\nuser=monitor\npassword=wrong-password\n")

    status, body = get_once(Agent(paths.mariadb_socket, credentials, timeout_s=1.0))

    assert status == 503
    assert "Access denied" in body["reason"]


LOOPBACK_DB_TIER = """
name: loopdb
subnet: 127.0.0.0/24
hosts:
  - {name: lb, role: lb-db, address: 127.0.0.13}
  - {name: db1, role: db, address: 127.0.0.31}
  - {name: db2, role: db, address: 127.0.0.32}
galera: {nodes: [db1, db2]}
balancers:
  - {name: db, mode: tcp, hosts: [lb], port: 3306, backends: [db1, db2], backend_port: 3306,
     check_port: 9200}
app: {database_balancer: db}
"""


def _server_states(socket_path: Path) -> dict[str, str]:
    """Return {server: status} of backend db_servers from `show stat` on the stats socket."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
        client.settimeout(2)
        client.connect(str(socket_path))
        client.sendall(b"show stat\n")
        data = b""
        while chunk := client.recv(65536):
            data += chunk
    rows = list(csv.reader(data.decode().lstrip("# ").splitlines()))
    name, status = rows[0].index("svname"), rows[0].index("status")
    return {row[name]: row[status] for row in rows[1:] if row and row[0] == "db_servers"}


def test_haproxy_marks_only_synced_node_up(galera_node, tmp_path):
    """HAProxy checks the agents: db1 (Synced) is UP, db2 (no MariaDB) is DOWN."""
    _, node_paths = galera_node
    topology = apply_profile(parse_topology(LOOPBACK_DB_TIER), "tuned")
    paths = HostPaths.lab(tmp_path, "lb")
    write_host(render_host(topology, "lb", paths, lab=True, secrets=SECRETS), paths)
    paths.run_dir.mkdir(parents=True, exist_ok=True)
    agents = [
        ThreadingHTTPServer(
            ("127.0.0.31", 9200), make_handler(Agent(node_paths.mariadb_socket, None, 1.0))
        ),
        ThreadingHTTPServer(
            ("127.0.0.32", 9200), make_handler(Agent(tmp_path / "none.sock", None, 1.0))
        ),
    ]
    for agent in agents:
        threading.Thread(target=agent.serve_forever, daemon=True).start()
    haproxy = subprocess.Popen(
        haproxy_command(paths), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        states = _wait_for_states(paths.haproxy_socket, {"db1": "UP", "db2": "DOWN"})
    finally:
        haproxy.terminate()
        haproxy.wait(timeout=10)
        for agent in agents:
            agent.shutdown()
            agent.server_close()

    assert states == {"db1": "UP", "db2": "DOWN", "BACKEND": "UP"}


def _wait_for_states(socket_path: Path, expected: dict[str, str]) -> dict[str, str]:
    deadline = time.monotonic() + 10
    states: dict[str, str] = {}
    while time.monotonic() < deadline:
        try:
            states = _server_states(socket_path)
        except OSError:
            states = {}
        if all(states.get(name) == status for name, status in expected.items()):
            return states
        time.sleep(0.1)
    return states
