"""MariaDB Galera in the lab: install the first datadir, bootstrap, join, create users.

mariadbd runs as the `mysql` user (`--user=mysql`), because as root a joiner's rsync state
transfer drops to `nobody` and cannot write the datadir. Only the first node gets
`mariadb-install-db`, and the others start from an empty datadir and receive a full state
transfer. The first node is
bootstrapped with `--wsrep-new-cluster` as a one-time argument of its first start, so a later
`halab start HOST mariadb` rejoins the cluster instead of founding a new one.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from pathlib import Path

from halab.errors import HalabError
from halab.lab import secrets
from halab.lab.context import LabContext
from halab.lab.waits import wait_for
from halab.topology.model import Role

log = logging.getLogger(__name__)

MYSQL_USER = "mysql"
MONITOR_USER = "halab_monitor"
APP_PRIVILEGES = "SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, INDEX, REFERENCES"
START_TIMEOUT_S = 30.0
JOIN_TIMEOUT_S = 60.0


def db_nodes(ctx: LabContext) -> list[str]:
    if ctx.topology.galera:
        return list(ctx.topology.galera.nodes)
    return [host.name for host in ctx.topology.hosts_with_role(Role.DB)]


def config_file(ctx: LabContext, host: str) -> Path:
    return ctx.host_paths(host).mariadb_config


def tmp_dir(ctx: LabContext, host: str) -> Path:
    """Return the host's private temporary directory for mariadbd and mariadb-install-db.

    The shared /tmp is avoided: a bootstrap run there failed once with "Could not remove
    temporary table '/tmp/#sql-temptable-...', error: 2" while other MariaDB servers ran.
    """
    return ctx.host_paths(host).run_dir / "mysql-tmp"


def prepare_dirs(ctx: LabContext, host: str) -> None:
    """Create the datadir, run and temporary directories empty and owned by mysql."""
    paths = ctx.host_paths(host)
    # log_dir too, because mariadbd writes its error log there as mysql.
    for directory in {paths.data_dir, paths.mariadb_socket.parent, paths.mariadb_pid.parent,
                      paths.log_dir, tmp_dir(ctx, host)}:
        directory.mkdir(parents=True, exist_ok=True)
        shutil.chown(directory, MYSQL_USER, MYSQL_USER)


def install_datadir(ctx: LabContext, host: str) -> None:
    """Create the system tables in the host's datadir, with root authenticated by unix socket."""
    paths = ctx.host_paths(host)
    argv = ["mariadb-install-db", "--no-defaults", f"--datadir={paths.data_dir}",
            f"--user={MYSQL_USER}", "--auth-root-authentication-method=socket",
            "--skip-test-db", "--skip-name-resolve", f"--tmpdir={tmp_dir(ctx, host)}"]
    result = subprocess.run(argv, capture_output=True, text=True, check=False, timeout=120)
    if result.returncode != 0:
        raise HalabError(f"mariadb-install-db for {host} failed: {result.stderr.strip()[-800:]}")


def define(ctx: LabContext, host: str) -> None:
    argv = ["mariadbd", f"--defaults-file={config_file(ctx, host)}", f"--user={MYSQL_USER}",
            f"--tmpdir={tmp_dir(ctx, host)}"]
    ctx.define(host, "mariadb", argv)


def query(ctx: LabContext, host: str, sql: str, timeout_s: float = 10.0) -> str:
    """Run `sql` as the database root over the host's unix socket and return the rows as text."""
    argv = ["mariadb", f"--socket={ctx.host_paths(host).mariadb_socket}", "--user=root",
            "--batch", "--skip-column-names", f"--connect-timeout={int(timeout_s)}"]
    result = subprocess.run(argv, input=sql, capture_output=True, text=True, check=False,
                            timeout=timeout_s + 5)
    if result.returncode != 0:
        raise HalabError(f"query on {host} failed: {result.stderr.strip()}")
    return result.stdout


def wsrep_status(ctx: LabContext, host: str) -> dict[str, str]:
    """Return the node's wsrep_* status variables (empty when wsrep is off)."""
    rows = query(ctx, host, "SHOW GLOBAL STATUS LIKE 'wsrep_%';", timeout_s=2)
    return dict(line.split("\t", 1) for line in rows.splitlines() if "\t" in line)


def is_synced(ctx: LabContext, host: str, cluster_size: int) -> bool:
    status = wsrep_status(ctx, host)
    if not ctx.topology.galera:
        return True
    return (status.get("wsrep_local_state_comment") == "Synced"
            and status.get("wsrep_cluster_status") == "Primary"
            and int(status.get("wsrep_cluster_size", "0")) >= cluster_size)


def wait_synced(ctx: LabContext, host: str, cluster_size: int, timeout_s: float) -> None:
    """Wait until `host` is Synced and Primary in a cluster of at least `cluster_size`."""
    wait_for(f"mariadbd on {host} to be Synced in a cluster of {cluster_size}",
             lambda: is_synced(ctx, host, cluster_size), timeout_s, interval_s=0.2,
             hint=f"read {ctx.host_paths(host).log_dir / 'mariadb.err'}")


def bootstrap_first(ctx: LabContext) -> None:
    """Install the first node's datadir and start it, founding the cluster when Galera is on."""
    nodes = db_nodes(ctx)
    for host in nodes:
        prepare_dirs(ctx, host)
        define(ctx, host)
    install_datadir(ctx, nodes[0])
    ctx.start(nodes[0], "mariadb", ["--wsrep-new-cluster"] if ctx.topology.galera else [])
    wait_synced(ctx, nodes[0], 1, START_TIMEOUT_S)


def join_others(ctx: LabContext) -> None:
    """Join the other nodes one at a time, each by a full state transfer.

    NOTE: starting the joiners together was no faster here (12.3 s against 11.0 s for three
    nodes), because their group joins kept reconnecting until Galera declared them stable.
    """
    nodes = db_nodes(ctx)
    for size, host in enumerate(nodes[1:], start=2):
        ctx.start(host, "mariadb")
        wait_synced(ctx, host, size, JOIN_TIMEOUT_S)


def app_client_addresses(ctx: LabContext) -> list[str]:
    """Return the addresses the app's connections arrive from at the database."""
    name = ctx.topology.app.database_balancer
    if name:
        balancer = next(b for b in ctx.topology.balancers if b.name == name)
        return [ctx.address(host) for host in balancer.hosts]
    return [ctx.address(host.name) for host in ctx.topology.hosts_with_role(Role.WEB)]


def sql_string(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'"


def create_users(ctx: LabContext) -> None:
    """Create the app database, the app user (per client address) and the monitor user."""
    app = ctx.topology.app
    app_password = sql_string(secrets.read(ctx.state, "app_db_password"))
    monitor_password = sql_string(secrets.read(ctx.state, "monitor_db_password"))
    statements = [f"CREATE DATABASE IF NOT EXISTS `{app.database_name}` "
                  "CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;"]
    for address in app_client_addresses(ctx):
        account = f"'{app.database_user}'@'{address}'"
        statements.append(f"CREATE USER IF NOT EXISTS {account} IDENTIFIED BY {app_password};")
        statements.append(f"GRANT {APP_PRIVILEGES} ON `{app.database_name}`.* TO {account};")
    # The health agent needs only SHOW STATUS, which USAGE allows, over the local socket.
    statements.append(f"CREATE USER IF NOT EXISTS '{MONITOR_USER}'@'localhost' "
                      f"IDENTIFIED BY {monitor_password};")
    query(ctx, db_nodes(ctx)[0], "\n".join(statements))
