"""Network namespaces for one lab: a switch namespace with a bridge, one namespace per host.

Names: the host `web1` of lab `halab` lives in namespace `halab-web1`; the bridge `br0` lives in
`halab-sw`. Each host gets one veth pair created directly across the two namespaces: `eth0` on
the host side, the host's name (at most 12 characters, under the 15-character limit of interface
names) on the switch side. Nothing in the machine's own namespace is created or changed: no
interface, route or sysctl. Each namespace is recorded in the state directory before it is
created, so `down` can delete it even after a crash.
"""

from __future__ import annotations

import logging
import subprocess
from ipaddress import IPv4Network
from pathlib import Path

from halab.errors import HalabError, LabStateError
from halab.lab.state import LabState

log = logging.getLogger(__name__)

BRIDGE = "br0"
SWITCH = "sw"
HOST_INTERFACE = "eth0"
NETNS_DIR = Path("/run/netns")


def namespace_name(lab: str, host: str) -> str:
    return f"{lab}-{host}"


def switch_namespace(lab: str) -> str:
    return f"{lab}-{SWITCH}"


def ip(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run `ip ARGS`; raise HalabError naming the command and its stderr when it fails."""
    argv = ["ip", *args]
    result = subprocess.run(argv, capture_output=True, text=True, check=False)
    if check and result.returncode != 0:
        raise HalabError(
            f"`{' '.join(argv)}` failed with exit status {result.returncode}: "
            f"{result.stderr.strip()}"
        )
    return result


def namespace_exists(namespace: str) -> bool:
    return (NETNS_DIR / namespace).exists()


def add_namespace(state: LabState, namespace: str) -> None:
    """Create `namespace` with its loopback up, recording it first."""
    if namespace_exists(namespace):
        raise LabStateError(
            f"network namespace {namespace} already exists",
            hint=f"another lab uses it; run `halab down --lab {state.name}` or pick another "
            "lab name with --lab",
        )
    state.record_namespace(namespace)
    ip("netns", "add", namespace)
    ip("-n", namespace, "link", "set", "lo", "up")


def create_switch(state: LabState) -> str:
    """Create the switch namespace and its bridge; return the namespace name."""
    namespace = switch_namespace(state.name)
    add_namespace(state, namespace)
    ip("-n", namespace, "link", "add", BRIDGE, "type", "bridge")
    ip("-n", namespace, "link", "set", BRIDGE, "up")
    return namespace


def attach_host(state: LabState, host: str, address: str, subnet: IPv4Network) -> str:
    """Create the host's namespace, its veth to the bridge and its address; return the namespace."""
    namespace = namespace_name(state.name, host)
    switch = switch_namespace(state.name)
    add_namespace(state, namespace)
    state.record_veth(namespace, HOST_INTERFACE)
    ip("link", "add", HOST_INTERFACE, "netns", namespace, "type", "veth",
       "peer", "name", host, "netns", switch)
    ip("-n", switch, "link", "set", "dev", host, "master", BRIDGE, "up")
    ip("-n", namespace, "addr", "add", f"{address}/{subnet.prefixlen}", "dev", HOST_INTERFACE)
    ip("-n", namespace, "link", "set", "dev", HOST_INTERFACE, "up")
    return namespace


def set_sysctl(namespace: str, key: str, value: str) -> None:
    """Set one sysctl inside `namespace` only (net.* keys are per namespace)."""
    argv = ["ip", "netns", "exec", namespace, "sysctl", "-q", "-w", f"{key}={value}"]
    result = subprocess.run(argv, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise HalabError(f"setting {key}={value} in {namespace} failed: {result.stderr.strip()}")


def set_link(namespace: str, up: bool) -> None:
    """Bring the host's eth0 up or down, as if its cable were plugged or pulled."""
    ip("-n", namespace, "link", "set", "dev", HOST_INTERFACE, "up" if up else "down")


def delete_namespace(namespace: str) -> bool:
    """Delete `namespace` if it exists (its veth ends go with it); return whether it existed."""
    if not namespace_exists(namespace):
        return False
    result = ip("netns", "delete", namespace, check=False)
    if result.returncode != 0 and namespace_exists(namespace):
        log.error("deleting namespace %s failed: %s", namespace, result.stderr.strip())
        return False
    return True


def namespace_inode(namespace: str) -> int | None:
    try:
        return (NETNS_DIR / namespace).stat().st_ino
    except FileNotFoundError:
        return None
