"""The interface through which faults act on the lab.

`halab.lab` implements `LabControl`; the faults package codes against this Protocol only, so
a fault plan can be tested on namespaces that a test sets up itself.
"""

from __future__ import annotations

import subprocess
from typing import Protocol


class LabControl(Protocol):
    """The lab operations that applying and healing a fault needs."""

    def start(self, host: str, service: str) -> object:
        """Start a service on a host (after a stop or a kill)."""

    def stop(self, host: str, service: str) -> None:
        """Stop a service cleanly (SIGTERM, then wait)."""

    def kill(self, host: str, service: str) -> None:
        """Send SIGKILL to a service; the lab's supervisor reaps it."""

    def freeze(self, host: str, service: str) -> None:
        """Send SIGSTOP to a service."""

    def thaw(self, host: str, service: str) -> None:
        """Send SIGCONT to a frozen service."""

    def link(self, host: str, up: bool) -> None:
        """Set the host's interface up or down."""

    def run_in(
        self, host: str, argv: list[str], check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        """Run a command inside the host's network namespace, capturing text output."""

    def address(self, host: str) -> str:
        """Return the host's IPv4 address in the lab, without a prefix length."""

    def interface(self, host: str) -> str:
        """Return the name of the host's interface inside its namespace."""
