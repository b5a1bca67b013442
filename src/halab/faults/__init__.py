"""Faults: break the lab on purpose, and always heal it.

- `model`: `Fault`, a plan as data (action, targets, parameters) with its paired heal.
- `commands`: the iptables and tc command lines of network faults (pure).
- `base`: `LabControl`, the lab operations faults need; `halab.lab` implements it.
- `apply`: `apply_fault`/`heal_fault`, `ActiveFaults` (heals everything on exit) and the
  `applied` context manager; each step is recorded as a `fault` or `heal` history event.

Partitions and `loss` use iptables rules in a chain named after the fault, inside each target
host's namespace. `netem` adds a tc netem root qdisc on the host's interface.
"""

from .apply import ActiveFaults, applied, apply_fault, heal_fault
from .base import LabControl
from .model import HEAL_ACTIONS, Fault

__all__ = [
    "HEAL_ACTIONS",
    "ActiveFaults",
    "Fault",
    "LabControl",
    "applied",
    "apply_fault",
    "heal_fault",
]
