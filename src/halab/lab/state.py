"""The lab's state directory: what `up` created, so that `down` removes exactly that.

Layout under the state root (default /run/halab/<lab>/):

    lab.json          lab name, topology name and profile, written when `up` starts
    topology.json     the topology as `up` ran it (after the profile)
    resources.json    every namespace and veth, recorded *before* it is created
    processes.json    every process the supervisor started: pid, start time, command line
    supervisor.json   the supervisor's own pid and start time
    control.sock      the supervisor's control socket (JSON lines)
    events.jsonl      Keepalived transitions read from each host's notify fifo
    secrets/          generated passwords and the app's SECRET_KEY, mode 0600
    hosts/<host>/     each host's rendered files, data, logs and pid files

Every JSON file is replaced atomically (write a temporary file, fsync, rename), so a crash at
any point leaves the previous complete record. A resource is recorded before its creation, so
the record may name a namespace that never came to exist; `down` treats "not found" as done.
"""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from halab.errors import InvalidInput

log = logging.getLogger(__name__)

DEFAULT_LAB = "halab"
DEFAULT_RUN_ROOT = Path("/run/halab")
LAB_NAME_PATTERN = re.compile(r"^[a-z][a-z0-9]{0,7}$")


def lab_name_from_env(name: str | None = None) -> str:
    """Return `name`, or $HALAB_LAB, or the default lab name, after checking its form."""
    chosen = name or os.environ.get("HALAB_LAB") or DEFAULT_LAB
    if not LAB_NAME_PATTERN.match(chosen):
        raise InvalidInput(
            f"invalid lab name {chosen!r}",
            hint="use 1-8 lowercase letters or digits, starting with a letter (for example "
            "'halab' or 'test1'); it prefixes every namespace name",
        )
    return chosen


def run_root() -> Path:
    """Return the parent of every lab's state directory: $HALAB_RUN_ROOT or /run/halab."""
    return Path(os.environ.get("HALAB_RUN_ROOT", str(DEFAULT_RUN_ROOT)))


def write_json_atomic(path: Path, data: Any) -> None:
    """Replace `path` with `data` as JSON so readers see the old or the new file, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as tmp:
            json.dump(data, tmp, indent=2, sort_keys=True)
            tmp.write("\n")
            tmp.flush()
            os.fsync(tmp.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def read_json(path: Path, default: Any) -> Any:
    """Return the JSON in `path`, or `default` when the file does not exist."""
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        return default


@dataclass(frozen=True)
class LabState:
    """Paths and records of one lab's state directory."""

    name: str
    root: Path

    @classmethod
    def for_lab(cls, name: str | None = None) -> LabState:
        lab = lab_name_from_env(name)
        return cls(name=lab, root=run_root() / lab)

    # Paths -----------------------------------------------------------------------------------

    @property
    def lab_file(self) -> Path:
        return self.root / "lab.json"

    @property
    def topology_file(self) -> Path:
        return self.root / "topology.json"

    @property
    def resources_file(self) -> Path:
        return self.root / "resources.json"

    @property
    def processes_file(self) -> Path:
        return self.root / "processes.json"

    @property
    def supervisor_file(self) -> Path:
        return self.root / "supervisor.json"

    @property
    def control_socket(self) -> Path:
        return self.root / "control.sock"

    @property
    def events_file(self) -> Path:
        return self.root / "events.jsonl"

    @property
    def supervisor_log(self) -> Path:
        return self.root / "supervisor.log"

    @property
    def secrets_dir(self) -> Path:
        return self.root / "secrets"

    def host_dir(self, host: str) -> Path:
        return self.root / "hosts" / host

    def log_file(self, host: str, service: str) -> Path:
        return self.host_dir(host) / "log" / f"{service}.log"

    def exists(self) -> bool:
        return self.lab_file.exists()

    # Records ---------------------------------------------------------------------------------

    def resources(self) -> dict[str, list[Any]]:
        return read_json(self.resources_file, {"namespaces": [], "veths": []})

    def record_namespace(self, namespace: str) -> None:
        """Add `namespace` to the record; call it before creating the namespace."""
        data = self.resources()
        if namespace not in data["namespaces"]:
            data["namespaces"].append(namespace)
            write_json_atomic(self.resources_file, data)

    def record_veth(self, namespace: str, interface: str) -> None:
        """Add one veth end (namespace, interface) to the record before creating it."""
        data = self.resources()
        entry = [namespace, interface]
        if entry not in data["veths"]:
            data["veths"].append(entry)
            write_json_atomic(self.resources_file, data)

    def processes(self) -> dict[str, dict[str, Any]]:
        return read_json(self.processes_file, {})

    def supervisor(self) -> dict[str, Any] | None:
        return read_json(self.supervisor_file, None)
