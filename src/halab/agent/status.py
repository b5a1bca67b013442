"""Read a MariaDB node's wsrep status variables over its Unix socket."""

from __future__ import annotations

import logging
import os
import pwd
from pathlib import Path

import pymysql

log = logging.getLogger(__name__)

STATUS_QUERY = "SHOW GLOBAL STATUS LIKE 'wsrep\\_%'"


class StatusUnavailable(Exception):
    """MariaDB could not be reached or queried."""


def read_status(socket: Path, credentials_file: Path | None, timeout_s: float) -> dict[str, str]:
    """Return {variable: value} of `SHOW GLOBAL STATUS LIKE 'wsrep_%'`.

    Without a credentials file the agent logs in as the OS user running it, which MariaDB
    accepts over the socket by unix_socket authentication (root in the lab, mysql on real
    hosts). A credentials file is a my.cnf-style file with `user` and `password` under
    `[client]`. Raises StatusUnavailable on any connection or query failure.
    """
    options: dict[str, object] = {
        "unix_socket": str(socket),
        "connect_timeout": timeout_s,
        "read_timeout": timeout_s,
        "write_timeout": timeout_s,
    }
    if credentials_file is not None:
        options["read_default_file"] = str(credentials_file)
    else:
        options["user"] = _os_user()
    try:
        connection = pymysql.connect(**options)
        try:
            with connection.cursor() as cursor:
                cursor.execute(STATUS_QUERY)
                return {str(name): str(value) for name, value in cursor.fetchall()}
        finally:
            connection.close()
    except (pymysql.MySQLError, OSError) as exc:
        raise StatusUnavailable(f"{exc.__class__.__name__}: {exc}") from exc


def _os_user() -> str:
    return pwd.getpwuid(os.geteuid()).pw_name
