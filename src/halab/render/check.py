"""Check rendered files with the daemons' own tools, failing on warnings as well as errors.

`haproxy -dW -c -f FILE` turns every warning into an error (zero-warning mode) and prints
`[WARNING]`/`[ALERT]` lines on stderr. `keepalived -t -f FILE` prints nothing on stderr for a
clean file and one line per problem otherwise, warnings included, so any output fails.

`keepalived -t` also requires the VRRP interface to exist. When it does not exist here (the
lab's `eth0` lives inside namespaces), the check runs as root in a throwaway network
namespace (`unshare --net`) that holds a veth interface of that name; the namespace ends
with the check.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
from pathlib import Path

from halab.errors import InvalidInput, MissingDependency, NotPermitted

log = logging.getLogger(__name__)

CHECK_TIMEOUT_S = 30
INTERFACE_LINE = re.compile(r"^\s*interface\s+(\S+)", re.MULTILINE)
INTERFACE_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,15}$")
PACKAGES = {"haproxy": "haproxy", "keepalived": "keepalived"}


def check_file(kind: str, path: Path) -> list[str]:
    """Check one rendered file; `kind` is "haproxy" or "keepalived".

    Returns the checker's informational output lines. Raises InvalidInput when the checker
    reports an error or a warning, MissingDependency when it is not installed.
    """
    path = Path(path)
    if kind == "haproxy":
        argv = [_binary("haproxy"), "-dW", "-c", "-f", str(path)]
        result = _run(argv)
        problems = [line for line in result.stderr.splitlines() if _is_haproxy_problem(line)]
    elif kind == "keepalived":
        result = _run(_keepalived_argv(path))
        problems = [line for line in result.stderr.splitlines() if line.strip()]
    else:
        raise InvalidInput(f"unknown check kind {kind!r}", hint="use 'haproxy' or 'keepalived'")

    if result.returncode != 0 or problems:
        raise InvalidInput(
            f"{kind} rejected {path}: exit status {result.returncode}, {len(problems)} problem(s)",
            hint="fix the topology or the template that produced these lines",
            problems=problems or result.stdout.splitlines()[-5:],
        )
    log.info("%s accepted %s", kind, path)
    return result.stdout.splitlines()


def check_tree(root: Path) -> list[Path]:
    """Check every haproxy.cfg and keepalived.conf under `root`; return the files checked."""
    checked = []
    for path in sorted(Path(root).rglob("haproxy/haproxy.cfg")):
        check_file("haproxy", path)
        checked.append(path)
    for path in sorted(Path(root).rglob("keepalived/keepalived.conf")):
        check_file("keepalived", path)
        checked.append(path)
    return checked


def _is_haproxy_problem(line: str) -> bool:
    return line.startswith(("[WARNING]", "[ALERT]", "   |")) or "Warnings were found" in line


def _binary(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    if found is None:
        raise MissingDependency(f"{name} not found", hint=f"run `apt-get install {PACKAGES[name]}`")
    return found


def _keepalived_argv(path: Path) -> list[str]:
    """Return the argv that checks `path`, in a throwaway namespace if its interfaces are absent."""
    test = [_binary("keepalived"), "-t", "-f", str(path)]
    missing = sorted(
        {name for name in INTERFACE_LINE.findall(path.read_text()) if not _interface_exists(name)}
    )
    if not missing:
        return test
    invalid = [name for name in missing if not INTERFACE_NAME.match(name)]
    if invalid:
        raise InvalidInput(
            f"{path}: interface name {invalid[0]!r} is invalid",
            hint="use at most 15 characters from letters, digits, '_', '.' and '-'",
        )
    if os.geteuid() != 0:
        raise NotPermitted(
            f"keepalived -t needs interface(s) {', '.join(missing)}, absent here",
            hint="run the check as root, which makes them in a throwaway network namespace",
        )
    # A veth pair, because the dummy link type needs a kernel module that may be absent.
    setup = " && ".join(
        f"ip link add {name} type veth peer name halabpeer{index} && ip link set {name} up"
        for index, name in enumerate(missing)
    )
    script = f'{setup} && exec "$@"'
    return [_binary_unshare(), "--net", "/bin/sh", "-c", script, "keepalived-check", *test]


def _binary_unshare() -> str:
    found = shutil.which("unshare")
    if found is None:
        raise MissingDependency("unshare not found", hint="run `apt-get install util-linux`")
    return found


def _interface_exists(name: str) -> bool:
    return Path("/sys/class/net", name).exists()


def _run(argv: list[str]) -> subprocess.CompletedProcess[str]:
    log.debug("running %s", " ".join(argv))
    try:
        return subprocess.run(
            argv, capture_output=True, text=True, timeout=CHECK_TIMEOUT_S, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise InvalidInput(
            f"{argv[0]} did not finish within {CHECK_TIMEOUT_S} s", hint="run it by hand to see why"
        ) from exc
