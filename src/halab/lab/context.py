"""What every step of `up` and every lab primitive needs: state, topology, supervisor, paths."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from halab.lab import netns
from halab.lab.control import SupervisorClient
from halab.lab.state import LabState
from halab.render.paths import HostPaths
from halab.topology.model import Topology


@dataclass
class LabContext:
    state: LabState
    topology: Topology
    client: SupervisorClient
    paths: dict[str, HostPaths] = field(default_factory=dict)

    def namespace(self, host: str) -> str:
        return netns.namespace_name(self.state.name, host)

    def address(self, host: str) -> str:
        return str(self.topology.host(host).address)

    def host_paths(self, host: str) -> HostPaths:
        if host not in self.paths:
            self.paths[host] = HostPaths.lab(self.state.root, host,
                                              python_bin=Path(sys.executable))
        return self.paths[host]

    def in_namespace(self, host: str, argv: list[str]) -> list[str]:
        return ["ip", "netns", "exec", self.namespace(host), *argv]

    def run_in(self, host: str, argv: list[str], check: bool = True, timeout_s: float = 60.0,
               env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        """Run `argv` in the host's namespace and return its captured output."""
        return subprocess.run(self.in_namespace(host, argv), capture_output=True, text=True,
                              check=check, timeout=timeout_s, env=env)

    def define(self, host: str, service: str, argv: list[str],
               env: dict[str, str] | None = None, in_namespace: bool = True) -> None:
        full_argv = self.in_namespace(host, argv) if in_namespace else argv
        self.client.request("define", host=host, service=service, argv=full_argv,
                            env=env or {}, cwd=str(self.state.host_dir(host)))

    def start(self, host: str, service: str, extra_args: list[str] | None = None) -> int:
        return self.client.request("start", host=host, service=service,
                                   extra_args=extra_args or [])["pid"]


def venv_bin(name: str) -> str:
    """Return the path of `name` in the bin directory of the Python that runs halab."""
    return str(Path(sys.executable).parent / name)
