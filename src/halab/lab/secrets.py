"""Secrets of one lab, generated at `up` into files of mode 0600 in the state directory.

Nothing here logs a secret's value; callers pass the file's path, or read the value only to
hand it to a daemon's environment or configuration.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from halab.lab.state import LabState

# Name of each secret file and the number of random bytes behind it.
SECRET_BYTES = {
    "app_secret_key": 32,
    "app_db_password": 18,
    "monitor_db_password": 18,
    "haproxy_stats_password": 12,
    "demo_password": 9,
}


def secret_path(state: LabState, name: str) -> Path:
    return state.secrets_dir / name


def generate(state: LabState) -> None:
    """Write every missing secret file with a new random value, readable by root only."""
    state.secrets_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(state.secrets_dir, 0o700)
    for name, size in SECRET_BYTES.items():
        path = secret_path(state, name)
        if path.exists():
            continue
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(size) + "\n")


def read(state: LabState, name: str) -> str:
    return secret_path(state, name).read_text().strip()
