"""Fault plans as data: validation, heals and the command lines they produce."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from halab.faults import HEAL_ACTIONS, Fault, commands


@pytest.mark.parametrize(
    ("spec", "heal"),
    [
        ({"id": "lb", "action": "stop", "host": "haproxy01", "service": "haproxy"}, "start"),
        ({"id": "db", "action": "kill", "host": "mariadb01", "service": "mariadb"}, "start"),
        ({"id": "web", "action": "freeze", "host": "webserver01", "service": "app"}, "thaw"),
        ({"id": "link", "action": "link_down", "host": "haproxy01"}, "link_up"),
        ({"id": "p", "action": "partition", "hosts": ["a", "b"]}, "remove_partition"),
        ({"id": "n", "action": "netem", "host": "a", "delay_ms": 100}, "remove_netem"),
        ({"id": "l", "action": "loss", "host": "a", "loss_percent": 5}, "remove_loss"),
    ],
)
def test_every_action_has_its_heal(spec, heal):
    fault = Fault.model_validate(spec)

    assert fault.heal_action == heal


def test_heal_table_covers_every_action():
    assert set(HEAL_ACTIONS) == {
        "stop",
        "kill",
        "freeze",
        "link_down",
        "partition",
        "netem",
        "loss",
    }


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"id": "x", "action": "stop", "host": "h"}, "needs `host` and `service`"),
        ({"id": "x", "action": "kill", "service": "app"}, "needs `host` and `service`"),
        ({"id": "x", "action": "link_down"}, "needs `host`"),
        ({"id": "x", "action": "partition", "hosts": ["a"]}, "at least two non-empty sides"),
        ({"id": "x", "action": "partition", "hosts": [["a"], []]}, "at least two non-empty"),
        ({"id": "x", "action": "partition", "hosts": ["a", ["a", "b"]]}, "more than one side"),
        ({"id": "x", "action": "partition", "hosts": ["a", "b"], "host": "c"}, "not `host`"),
        (
            {"id": "x", "action": "stop", "host": "h", "service": "s", "hosts": ["a"]},
            "partition only",
        ),
        ({"id": "x", "action": "netem", "host": "h"}, "needs `delay_ms`, `loss_percent`"),
        (
            {"id": "x", "action": "netem", "host": "h", "jitter_ms": 5, "loss_percent": 1},
            "`jitter_ms` needs `delay_ms`",
        ),
        ({"id": "x", "action": "loss", "host": "h"}, "needs `loss_percent`"),
        (
            {"id": "x", "action": "kill", "host": "h", "service": "s", "delay_ms": 5},
            "netem and loss only",
        ),
        ({"id": "x", "action": "explode", "host": "h"}, "action"),
        ({"id": "bad id", "action": "link_down", "host": "h"}, "id"),
        ({"id": "x", "action": "netem", "host": "h", "loss_percent": 150}, "loss_percent"),
        ({"id": "x", "action": "link_down", "host": "h", "colour": "red"}, "colour"),
    ],
)
def test_invalid_fault_rejected(spec, message):
    with pytest.raises(ValidationError) as caught:
        Fault.model_validate(spec)

    assert message in str(caught.value)


def test_partition_sides_from_hosts_and_groups():
    pair = Fault(id="p", action="partition", hosts=["a", "b"])
    groups = Fault(id="p", action="partition", hosts=[["a", "b"], "c"])

    assert pair.sides == [["a"], ["b"]]
    assert groups.sides == [["a", "b"], ["c"]]
    assert groups.target_hosts() == ["a", "b", "c"]


def test_chain_name_fits_iptables_limit():
    fault = Fault(
        id="a-very-long-fault-id-for.testing_names", action="loss", host="h", loss_percent=1
    )

    name = fault.chain_name()

    assert len(name) <= 28
    assert name == "halab-a-very-long-fault-id-f"


def test_partition_commands_drop_both_directions():
    fault = Fault(id="vrrp", action="partition", hosts=["a", "b"], protocol="vrrp")

    argvs = commands.partition_apply(fault, ["198.18.0.12"])

    assert argvs == [
        ["iptables", "-w", "-N", "halab-vrrp"],
        ["iptables", "-w", "-A", "halab-vrrp", "-s", "198.18.0.12/32", "-p", "112", "-j", "DROP"],
        ["iptables", "-w", "-A", "halab-vrrp", "-d", "198.18.0.12/32", "-p", "112", "-j", "DROP"],
        ["iptables", "-w", "-I", "INPUT", "1", "-j", "halab-vrrp"],
        ["iptables", "-w", "-I", "OUTPUT", "1", "-j", "halab-vrrp"],
    ]


def test_partition_without_protocol_drops_everything():
    fault = Fault(id="p", action="partition", hosts=["a", "b"])

    argvs = commands.partition_apply(fault, ["198.18.0.12", "198.18.0.13"])

    assert sum(1 for argv in argvs if "DROP" in argv) == 4
    assert all("-p" not in argv for argv in argvs)


def test_chain_remove_undoes_hooks_and_chain():
    fault = Fault(id="p", action="partition", hosts=["a", "b"])

    assert commands.chain_remove(fault) == [
        ["iptables", "-w", "-D", "INPUT", "-j", "halab-p"],
        ["iptables", "-w", "-D", "OUTPUT", "-j", "halab-p"],
        ["iptables", "-w", "-F", "halab-p"],
        ["iptables", "-w", "-X", "halab-p"],
    ]


def test_loss_commands_use_statistic_match():
    fault = Fault(id="l", action="loss", host="h", loss_percent=5)

    argvs = commands.loss_apply(fault)

    assert argvs[1] == [
        "iptables",
        "-w",
        "-A",
        "halab-l",
        "-m",
        "statistic",
        "--mode",
        "random",
        "--probability",
        "0.050000",
        "-j",
        "DROP",
    ]
    assert argvs[2] == ["iptables", "-w", "-I", "OUTPUT", "1", "-j", "halab-l"]


@pytest.mark.parametrize(
    ("params", "tail"),
    [
        ({"delay_ms": 100}, ["delay", "100ms"]),
        ({"delay_ms": 100, "jitter_ms": 10}, ["delay", "100ms", "10ms"]),
        ({"loss_percent": 2.5}, ["loss", "2.5%"]),
        ({"delay_ms": 50, "loss_percent": 1}, ["delay", "50ms", "loss", "1%"]),
    ],
)
def test_netem_command_line(params, tail):
    fault = Fault(id="n", action="netem", host="h", **params)

    argv = commands.netem_apply(fault, "eth0")

    assert argv == ["tc", "qdisc", "add", "dev", "eth0", "root", "netem", *tail]
    assert commands.netem_remove("eth0") == ["tc", "qdisc", "del", "dev", "eth0", "root"]


def test_describe_names_targets():
    assert (
        Fault(id="p", action="partition", hosts=[["a", "b"], "c"], protocol="vrrp").describe()
        == "partition a,b | c (vrrp only)"
    )
    assert Fault(id="k", action="kill", host="w1", service="app").describe() == ("kill app on w1")
    assert (
        Fault(id="n", action="netem", host="h", delay_ms=20, jitter_ms=5, loss_percent=1).describe()
        == "netem on h: delay 20 ms, jitter 5 ms, loss 1%"
    )
