"""`Lab`: the running lab as the experiments and the CLI use it.

`Lab.attach(name)` reads the state directory of a lab that `up` brought up; its methods are the
primitives of fault injection, each with its pair: stop/start, kill/start, freeze/thaw, and
link(host, up=False)/link(host, up=True). Services are named as in `halab.lab.services`.
"""

from __future__ import annotations

import logging
import subprocess
from pathlib import Path

from halab.errors import InvalidInput, LabStateError
from halab.lab import netns
from halab.lab.context import LabContext
from halab.lab.control import SupervisorClient, supervisor_alive
from halab.lab.services import haproxy
from halab.lab.state import LabState, read_json
from halab.topology.model import Topology

log = logging.getLogger(__name__)


class Lab:
    """A running lab: its topology, its namespaces and its supervisor."""

    def __init__(self, ctx: LabContext):
        self.ctx = ctx

    @classmethod
    def attach(cls, lab_name: str | None = None) -> Lab:
        """Return the running lab `lab_name`; raise LabStateError if it is not up."""
        state = LabState.for_lab(lab_name)
        if not state.exists():
            raise LabStateError(f"lab {state.name} is not up",
                                hint=f"run `halab up --lab {state.name}` first")
        if not supervisor_alive(state):
            raise LabStateError(
                f"lab {state.name} is not running: its supervisor is gone (crashed or killed)",
                hint=f"run `halab down --lab {state.name}` to remove what is left, then "
                f"`halab up --lab {state.name}`",
            )
        topology = Topology.model_validate(read_json(state.topology_file, None))
        return cls(LabContext(state=state, topology=topology, client=SupervisorClient(state)))

    @property
    def name(self) -> str:
        return self.ctx.state.name

    @property
    def topology(self) -> Topology:
        return self.ctx.topology

    @property
    def state_root(self) -> Path:
        return self.ctx.state.root

    @property
    def events_file(self) -> Path:
        """JSON lines: process starts and exits, Keepalived transitions (t_mono in seconds)."""
        return self.ctx.state.events_file

    def log_file(self, host: str, service: str) -> Path:
        return self.ctx.state.log_file(self.check_host(host), service)

    def check_host(self, host: str) -> str:
        names = [h.name for h in self.topology.hosts]
        if host not in names:
            raise InvalidInput(f"unknown host {host!r} in lab {self.name}",
                               hint=f"hosts: {', '.join(names)}")
        return host

    def namespace(self, host: str) -> str:
        return self.ctx.namespace(self.check_host(host))

    def address(self, host: str) -> str:
        return self.ctx.address(self.check_host(host))

    def interface(self, host: str) -> str:
        self.check_host(host)
        return netns.HOST_INTERFACE

    # Services ------------------------------------------------------------------------------------

    def start(self, host: str, service: str) -> int:
        """Start a stopped or killed service again; return its new pid."""
        self.check_host(host)
        if service == "haproxy":
            return haproxy.start(self.ctx, host)
        return self.ctx.start(host, service)

    def stop(self, host: str, service: str, timeout_s: float = 10.0) -> None:
        """Stop a service gracefully (SIGTERM, then SIGKILL after `timeout_s`)."""
        self.ctx.client.request("stop", host=self.check_host(host), service=service,
                                timeout_s=timeout_s)

    def kill(self, host: str, service: str) -> None:
        """Kill a service and its process group with SIGKILL."""
        self.ctx.client.request("kill", host=self.check_host(host), service=service)

    def freeze(self, host: str, service: str) -> None:
        """Stop a service's processes with SIGSTOP: alive but silent."""
        self.ctx.client.request("freeze", host=self.check_host(host), service=service)

    def thaw(self, host: str, service: str) -> None:
        self.ctx.client.request("thaw", host=self.check_host(host), service=service)

    def link(self, host: str, up: bool) -> None:
        """Bring the host's eth0 down (cable pulled) or up again."""
        netns.set_link(self.namespace(host), up)
        log.info("link of %s set %s", host, "up" if up else "down")

    def services(self) -> list[dict[str, object]]:
        """Return every service defined in the supervisor, with pid and running state."""
        return self.ctx.client.request("status")["services"]

    def run_in(self, host: str, argv: list[str], check: bool = True,
               timeout_s: float = 60.0) -> subprocess.CompletedProcess[str]:
        """Run `argv` inside the host's namespace and return its captured output."""
        return self.ctx.run_in(self.check_host(host), argv, check=check, timeout_s=timeout_s)
