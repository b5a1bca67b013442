"""`halab up` rejects bad input before it creates anything."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from halab.errors import ExitStatus, NotPermitted
from halab.lab import preflight
from halab.lab.state import LabState

from .conftest import lab_namespaces

HALAB = [sys.executable, "-m", "halab"]
LAB = "tbad"


def run_up(*args: str, env: dict[str, str] | None = None,
           prefix: list[str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*(prefix or []), *HALAB, "up", *args, "--lab", LAB, "--web-port", "0"],
                          capture_output=True, text=True, timeout=60, env=env)


def assert_nothing_created() -> None:
    assert lab_namespaces(LAB) == []
    assert not LabState.for_lab(LAB).root.exists()


@pytest.mark.lab
def test_not_root_rejected():
    # setpriv runs halab as the user nobody, so the venv and the source tree must be world-readable.
    result = run_up("exp02", prefix=["setpriv", "--reuid=nobody", "--regid=nogroup",
                                     "--clear-groups", "--"])

    assert result.returncode == ExitStatus.NOT_PERMITTED, result.stderr
    assert "needs root" in result.stderr
    assert "uid 65534" in result.stderr
    assert_nothing_created()


@pytest.mark.lab
def test_platform_check_rejects_non_root():
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # The child drops to nobody and reports what the check raised.
        os.close(read_end)
        os.setgid(65534)
        os.setuid(65534)
        try:
            preflight.check_platform()
            outcome = "no error"
        except NotPermitted as exc:
            outcome = f"NotPermitted: {exc.message}"
        os.write(write_end, outcome.encode())
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        outcome = pipe.read()
    os.waitpid(child, 0)

    assert outcome.startswith("NotPermitted: ")
    assert "uid 65534" in outcome


@pytest.mark.lab
def test_malformed_yaml_names_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nhosts:\n  - {name: a, role: client, address: 198.18.0.10\n"
                   "  - name: b\n")

    result = run_up(str(bad))

    assert result.returncode == ExitStatus.INVALID_INPUT, result.stderr
    assert "line" in result.stderr
    assert str(bad) in result.stderr
    assert_nothing_created()


@pytest.mark.lab
def test_invalid_field_names_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\nhosts:\n  - {name: a, role: client, address: 198.18.0.10}\n"
                   "  - {name: b, role: web, address: 300.1.1.1}\n")

    result = run_up(str(bad))

    assert result.returncode == ExitStatus.INVALID_INPUT, result.stderr
    assert "hosts[1].address" in result.stderr
    assert "line 4" in result.stderr
    assert_nothing_created()


@pytest.mark.lab
def test_unknown_topology_rejected():
    result = run_up("nosuchtopology")

    assert result.returncode == ExitStatus.INVALID_INPUT, result.stderr
    assert "nosuchtopology" in result.stderr
    assert_nothing_created()


@pytest.mark.lab
def test_missing_binary_names_apt_command():
    # haproxy, keepalived and mariadbd are in /usr/sbin, so this PATH finds none of them.
    env = {**os.environ, "PATH": "/usr/bin:/bin"}

    result = run_up("exp02", env=env)

    assert result.returncode == ExitStatus.MISSING_DEPENDENCY, result.stderr
    assert "haproxy" in result.stderr
    assert "apt-get install" in result.stderr
    assert_nothing_created()


@pytest.mark.lab
def test_invalid_lab_name_rejected():
    result = subprocess.run([*HALAB, "up", "exp02", "--lab", "Bad_Name"], capture_output=True,
                            text=True, timeout=60)

    assert result.returncode == ExitStatus.INVALID_INPUT, result.stderr
    assert "'Bad_Name'" in result.stderr
