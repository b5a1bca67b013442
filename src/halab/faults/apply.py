"""Apply and heal faults on a lab, recording each step in the run history.

`ActiveFaults` tracks the faults in place: the runner applies them at their step times, heals
them at theirs, and leaving the `with` block heals whatever is still in place, also when the
experiment fails or is interrupted (KeyboardInterrupt). `applied(fault, lab, history)` is the
same for a single fault.

Each apply and heal appends a `fault` or `heal` event whose `t_ms` is the moment the step
began. When a step raised, the event's `error` contains the exception text.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from contextlib import contextmanager

from halab.errors import LabStateError, MissingDependency
from halab.experiments.history import FaultEvent, History

from . import commands
from .base import LabControl
from .model import Fault

log = logging.getLogger(__name__)


def apply_fault(fault: Fault, lab: LabControl) -> None:
    """Put the fault in place.

    :raise MissingDependency: iptables or the netem qdisc is missing.
    """
    action = fault.action
    if action in ("stop", "kill", "freeze"):
        getattr(lab, action)(fault.host, fault.service)
    elif action == "link_down":
        lab.link(fault.host, up=False)
    elif action == "partition":
        _require_iptables()
        for host, peers in _partition_peers(fault, lab).items():
            for argv in commands.partition_apply(fault, peers):
                lab.run_in(host, argv)
    elif action == "loss":
        _require_iptables()
        for argv in commands.loss_apply(fault):
            lab.run_in(fault.host, argv)
    elif action == "netem":
        _apply_netem(fault, lab)


def heal_fault(fault: Fault, lab: LabControl) -> None:
    """Undo the fault; safe to call after an apply that stopped half way."""
    action = fault.action
    if action in ("stop", "kill"):
        lab.start(fault.host, fault.service)
    elif action == "freeze":
        lab.thaw(fault.host, fault.service)
    elif action == "link_down":
        lab.link(fault.host, up=True)
    elif action in ("partition", "loss"):
        for host in fault.target_hosts():
            for argv in commands.chain_remove(fault):
                lab.run_in(host, argv, check=False)
    elif action == "netem":
        lab.run_in(fault.host, commands.netem_remove(lab.interface(fault.host)), check=False)


def _partition_peers(fault: Fault, lab: LabControl) -> dict[str, list[str]]:
    """Map each host of the partition to the addresses of every host on the other sides."""
    sides = fault.sides
    peers: dict[str, list[str]] = {}
    for index, side in enumerate(sides):
        others = [host for other in sides[:index] + sides[index + 1 :] for host in other]
        for host in side:
            peers[host] = [lab.address(other) for other in others]
    return peers


def _apply_netem(fault: Fault, lab: LabControl) -> None:
    interface = lab.interface(fault.host)
    result = lab.run_in(fault.host, commands.netem_apply(fault, interface), check=False)
    if result.returncode == 0:
        return
    if "qdisc kind is unknown" in result.stderr:
        raise MissingDependency(
            "this kernel has no netem qdisc (CONFIG_NET_SCH_NETEM), so delay faults cannot run",
            hint="use a kernel with sch_netem, or the `loss` action (iptables) for packet loss",
        )
    raise LabStateError(
        f"netem on {fault.host} ({interface}) failed: {result.stderr.strip()}",
        hint=f"check `tc qdisc show dev {interface}` inside {fault.host}; another root qdisc "
        "may already be in place",
    )


def _require_iptables() -> None:
    if shutil.which("iptables") is None:
        raise MissingDependency(
            "iptables not found; partition and loss faults need it",
            hint="run `apt-get install iptables`",
        )


class ActiveFaults:
    """The faults in place on a lab; leaving the `with` block heals every one still active."""

    def __init__(self, lab: LabControl, history: History):
        self.lab = lab
        self.history = history
        self._active: dict[str, Fault] = {}

    def apply(self, fault: Fault) -> None:
        """Apply a fault and record it; the fault counts as active even if the apply raised."""
        if fault.id in self._active:
            raise LabStateError(
                f"fault {fault.id!r} is already applied", hint="heal it before applying it again"
            )
        self._active[fault.id] = fault
        self._step("fault", fault, fault.action, apply_fault)

    def heal(self, fault_id: str) -> None:
        """Heal an active fault and record it."""
        fault = self._active.pop(fault_id, None)
        if fault is None:
            raise LabStateError(
                f"fault {fault_id!r} is not active",
                hint=f"active faults: {sorted(self._active) or 'none'}",
            )
        self._step("heal", fault, fault.heal_action, heal_fault)

    def heal_all(self) -> list[tuple[str, Exception]]:
        """Heal every active fault, newest first, going on past a failed heal.

        Returns (fault id, exception) for each heal that failed; each is also logged.
        """
        failures: list[tuple[str, Exception]] = []
        for fault_id in reversed(list(self._active)):
            try:
                self.heal(fault_id)
            except Exception as exc:
                log.exception("heal of fault %s failed", fault_id)
                failures.append((fault_id, exc))
        return failures

    @property
    def active(self) -> list[str]:
        return list(self._active)

    def _step(self, kind: str, fault: Fault, action: str, step) -> None:
        started_ms = self.history.now_ms()
        error = None
        log.info("%s %s: %s", kind, fault.id, fault.describe())
        try:
            step(fault, self.lab)
        except BaseException as exc:
            error = f"{type(exc).__name__}: {exc}"
            raise
        finally:
            self.history.append(
                FaultEvent(
                    kind=kind,
                    t_ms=started_ms,
                    fault_id=fault.id,
                    name=fault.label,
                    action=action,
                    hosts=fault.target_hosts(),
                    service=fault.service,
                    detail=fault.describe(),
                    error=error,
                )
            )

    def __enter__(self) -> ActiveFaults:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *exc_info: object) -> None:
        failures = self.heal_all()
        # An exception already in flight wins, since the failed heals are logged and recorded.
        if failures and exc_type is None:
            fault_id, exc = failures[0]
            raise LabStateError(
                f"heal of fault {fault_id!r} failed: {type(exc).__name__}: {exc}",
                hint="the lab may still be broken: heal it by hand or run `halab down`",
            ) from exc


@contextmanager
def applied(fault: Fault, lab: LabControl, history: History) -> Iterator[Fault]:
    """Apply `fault` for the duration of the block and heal it on the way out, however it ends."""
    with ActiveFaults(lab, history) as faults:
        faults.apply(fault)
        yield fault
