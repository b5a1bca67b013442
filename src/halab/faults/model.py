"""Fault plans as data: what to break, where, and the heal that undoes it.

A `Fault` is what a scenario step's `fault` mapping parses into. Each action has one heal:

| action      | apply                                   | heal                      |
|-------------|-----------------------------------------|---------------------------|
| `stop`      | stop the service cleanly                | start it                  |
| `kill`      | SIGKILL the service                     | start it                  |
| `freeze`    | SIGSTOP the service                     | SIGCONT (thaw)            |
| `link_down` | set the host's interface down           | set it up                 |
| `partition` | drop packets between each pair of sides | remove those rules        |
| `netem`     | tc netem delay, jitter, loss on egress  | delete the root qdisc     |
| `loss`      | iptables drops sent packets at random   | remove that rule          |

`loss` does what netem's loss does with iptables' statistic match, for kernels built without
netem. Pure: nothing here touches the lab.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Action = Literal["stop", "kill", "freeze", "link_down", "partition", "netem", "loss"]

HEAL_ACTIONS: dict[str, str] = {
    "stop": "start",
    "kill": "start",
    "freeze": "thaw",
    "link_down": "link_up",
    "partition": "remove_partition",
    "netem": "remove_netem",
    "loss": "remove_loss",
}

# IP protocol numbers that a partition may be limited to; `vrrp` is 112 (RFC 5798).
PROTOCOLS: dict[str, str] = {"vrrp": "112", "tcp": "tcp", "udp": "udp", "icmp": "icmp"}

_SERVICE_ACTIONS = ("stop", "kill", "freeze")


class Fault(BaseModel):
    """One fault: an action, its targets and its parameters."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
    action: Action
    name: str | None = None
    host: str | None = None
    service: str | None = None
    hosts: list[str | list[str]] = Field(default_factory=list)
    protocol: Literal["vrrp", "tcp", "udp", "icmp"] | None = None
    delay_ms: float | None = Field(default=None, ge=0, le=60000)
    jitter_ms: float | None = Field(default=None, ge=0, le=60000)
    loss_percent: float | None = Field(default=None, gt=0, le=100)

    @model_validator(mode="after")
    def _targets_fit_action(self) -> Fault:
        problems = _problems(self)
        if problems:
            raise ValueError(f"fault {self.id!r} ({self.action}): " + "; ".join(problems))
        return self

    @property
    def label(self) -> str:
        return self.name or self.id

    @property
    def heal_action(self) -> str:
        return HEAL_ACTIONS[self.action]

    @property
    def sides(self) -> list[list[str]]:
        """Return the sides of a partition: a bare host name is a side of its own."""
        return [[item] if isinstance(item, str) else list(item) for item in self.hosts]

    def target_hosts(self) -> list[str]:
        """Return every host this fault acts on."""
        if self.action == "partition":
            return [host for side in self.sides for host in side]
        return [self.host] if self.host else []

    def chain_name(self) -> str:
        """Return the iptables chain that holds this fault's rules (at most 28 characters)."""
        return "halab-" + re.sub(r"[^A-Za-z0-9_-]", "_", self.id)[:22]

    def describe(self) -> str:
        """Return a one-line summary for logs and history events."""
        if self.action == "partition":
            sides = " | ".join(",".join(side) for side in self.sides)
            return f"partition {sides}" + (f" ({self.protocol} only)" if self.protocol else "")
        if self.action in _SERVICE_ACTIONS:
            return f"{self.action} {self.service} on {self.host}"
        if self.action == "netem":
            return f"netem on {self.host}: {_netem_summary(self)}"
        if self.action == "loss":
            return f"drop {self.loss_percent}% of packets sent by {self.host}"
        return f"{self.action} {self.host}"


def _problems(fault: Fault) -> list[str]:
    problems = []
    if fault.action in _SERVICE_ACTIONS and not (fault.host and fault.service):
        problems.append("needs `host` and `service`")
    if fault.action in ("link_down", "netem", "loss") and not fault.host:
        problems.append("needs `host`")
    if fault.action == "partition":
        problems += _partition_problems(fault)
    elif fault.hosts or fault.protocol:
        problems.append("`hosts` and `protocol` apply to a partition only")
    if fault.action == "netem" and fault.delay_ms is None and fault.loss_percent is None:
        problems.append("needs `delay_ms`, `loss_percent` or both")
    if fault.action == "loss" and fault.loss_percent is None:
        problems.append("needs `loss_percent`")
    if fault.jitter_ms is not None and fault.delay_ms is None:
        problems.append("`jitter_ms` needs `delay_ms`")
    if fault.action not in ("netem", "loss") and (fault.delay_ms or fault.loss_percent):
        problems.append("`delay_ms` and `loss_percent` apply to netem and loss only")
    return problems


def _partition_problems(fault: Fault) -> list[str]:
    sides = fault.sides
    if len(sides) < 2 or any(not side for side in sides):
        return ["needs `hosts` with at least two non-empty sides, such as [a, b] or [[a, b], [c]]"]
    everyone = [host for side in sides for host in side]
    if len(set(everyone)) != len(everyone):
        return [f"a host appears on more than one side: {everyone}"]
    if fault.host or fault.service:
        return ["a partition takes `hosts`, not `host` or `service`"]
    return []


def _netem_summary(fault: Fault) -> str:
    parts = []
    if fault.delay_ms is not None:
        parts.append(f"delay {fault.delay_ms:g} ms")
        if fault.jitter_ms:
            parts.append(f"jitter {fault.jitter_ms:g} ms")
    if fault.loss_percent is not None:
        parts.append(f"loss {fault.loss_percent:g}%")
    return ", ".join(parts)
