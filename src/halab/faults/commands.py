"""The command lines that put a network fault in place inside a host's namespace, and undo it.

Pure: each function returns argv lists and runs nothing. Rules live in a chain of their own
named after the fault (`Fault.chain_name`), so a heal removes exactly what its apply added and
leaves every other rule alone.
"""

from __future__ import annotations

from .model import PROTOCOLS, Fault

# -w waits for the xtables lock instead of failing when another iptables call holds it.
IPTABLES = ["iptables", "-w"]


def partition_apply(fault: Fault, peer_addresses: list[str]) -> list[list[str]]:
    """Return the commands that drop traffic to and from `peer_addresses` on one host.

    Both directions are dropped on every host of the partition, so multicast that a peer sends
    (such as VRRP adverts to 224.0.0.18) is caught by the receiver's INPUT rule.
    """
    chain = fault.chain_name()
    protocol = ["-p", PROTOCOLS[fault.protocol]] if fault.protocol else []
    commands = [[*IPTABLES, "-N", chain]]
    for address in peer_addresses:
        commands.append([*IPTABLES, "-A", chain, "-s", f"{address}/32", *protocol, "-j", "DROP"])
        commands.append([*IPTABLES, "-A", chain, "-d", f"{address}/32", *protocol, "-j", "DROP"])
    commands.append([*IPTABLES, "-I", "INPUT", "1", "-j", chain])
    commands.append([*IPTABLES, "-I", "OUTPUT", "1", "-j", chain])
    return commands


def loss_apply(fault: Fault) -> list[list[str]]:
    """Return the commands that drop each packet the host sends with the fault's probability."""
    chain = fault.chain_name()
    probability = f"{(fault.loss_percent or 0) / 100:.6f}"
    return [
        [*IPTABLES, "-N", chain],
        [
            *IPTABLES,
            "-A",
            chain,
            "-m",
            "statistic",
            "--mode",
            "random",
            "--probability",
            probability,
            "-j",
            "DROP",
        ],
        [*IPTABLES, "-I", "OUTPUT", "1", "-j", chain],
    ]


def chain_remove(fault: Fault) -> list[list[str]]:
    """Return the commands that unhook and delete the fault's chain (a partition or loss heal).

    Each may fail harmlessly when its apply stopped half way, so run them without `check`.
    """
    chain = fault.chain_name()
    return [
        [*IPTABLES, "-D", "INPUT", "-j", chain],
        [*IPTABLES, "-D", "OUTPUT", "-j", chain],
        [*IPTABLES, "-F", chain],
        [*IPTABLES, "-X", chain],
    ]


def netem_apply(fault: Fault, interface: str) -> list[str]:
    """Return the tc command that adds a netem root qdisc with the fault's delay and loss."""
    argv = ["tc", "qdisc", "add", "dev", interface, "root", "netem"]
    if fault.delay_ms is not None:
        argv += ["delay", f"{fault.delay_ms:g}ms"]
        if fault.jitter_ms:
            argv.append(f"{fault.jitter_ms:g}ms")
    if fault.loss_percent is not None:
        argv += ["loss", f"{fault.loss_percent:g}%"]
    return argv


def netem_remove(interface: str) -> list[str]:
    """Return the tc command that deletes the root qdisc, restoring the default."""
    return ["tc", "qdisc", "del", "dev", interface, "root"]
