"""Render each host's configuration files from a topology, and check them with the daemons.

- `render_host(topology, host, paths, lab, secrets)` returns {relative path: text} for one
  host, and `file_mode` the mode to write each file with.
- `HostPaths` gives the locations of those files and of the daemons' runtime files:
  `HostPaths.lab` for a lab namespace, `HostPaths.real_host` for a machine set up by Ansible.
- `check_file` runs `haproxy -c` or `keepalived -t` on a rendered file and raises on errors
  and warnings alike.
- `haproxy_command` is the argv the lab must start HAProxy with, because Keepalived's process
  tracking matches it. `garbd_options` is the `--options` value for garbd on an arbiter host.
"""

from .check import check_file, check_tree
from .context import garbd_options, haproxy_command
from .engine import file_mode, render_host, sysctl_settings
from .paths import HostPaths
from .secrets import Secrets
from .tree import render_tree, write_host

__all__ = [
    "HostPaths",
    "Secrets",
    "check_file",
    "check_tree",
    "file_mode",
    "garbd_options",
    "haproxy_command",
    "render_host",
    "render_tree",
    "sysctl_settings",
    "write_host",
]
