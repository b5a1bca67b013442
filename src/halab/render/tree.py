"""Write rendered files to disk: one host's files under its root, or a tree for every host."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from halab.topology import Topology

from .engine import file_mode, render_host
from .paths import HostPaths
from .secrets import Secrets

log = logging.getLogger(__name__)


def write_host(files: dict[str, str], paths: HostPaths, root: Path | None = None) -> list[Path]:
    """Write `files` under `root` (default `paths.root`) with their modes; return the paths."""
    base = Path(root) if root is not None else paths.root
    written = []
    for relative, text in sorted(files.items()):
        target = base / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        mode = file_mode(relative, paths)
        # Create with the final mode, so a secret is never readable by others, even briefly.
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(target, mode)
        written.append(target)
    return written


def render_tree(
    topology: Topology, out_dir: Path, secrets: Secrets, lab: bool = False, interface: str = "eth0"
) -> dict[str, list[Path]]:
    """Render every host's files under `out_dir`; return the written paths per host.

    Files for real hosts go to `out_dir/<host>/etc/...` and name Debian's paths. Lab files go
    to `out_dir/hosts/<host>/etc/...` and name paths under `out_dir`, as in a running lab.
    """
    tree = {}
    for host in topology.hosts:
        if lab:
            paths = HostPaths.lab(out_dir, host.name, interface=interface)
            root = paths.root
        else:
            paths = HostPaths.real_host(interface=interface)
            root = Path(out_dir) / host.name
        files = render_host(topology, host.name, paths, lab=lab, secrets=secrets)
        if files:
            tree[host.name] = write_host(files, paths, root=root)
            log.info("wrote %d files for host %s", len(files), host.name)
    return tree
