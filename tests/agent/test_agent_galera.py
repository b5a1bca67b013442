"""The agent against a real one-node Galera cluster, started from a rendered my.cnf.

The node runs in a throwaway network namespace (`unshare --net`), so its ports on 127.0.0.1
clash with nothing. The agent reaches it over its Unix socket, which namespaces do not split.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator

import pymysql
import pytest

from halab.agent.server import Agent
from halab.render import HostPaths, render_host, write_host
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
