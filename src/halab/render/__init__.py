"""Render each host's configuration files from a topology, and check them with the daemons.

`render_host(topology, host, paths, lab, secrets)` returns {relative path: text} for one host;
`HostPaths` says where those files and the daemons' runtime files live (`HostPaths.lab` for a
lab namespace, `HostPaths.real_host` for a machine installed by Ansible); `file_mode` gives
the mode to write each file with. `check_file` runs `haproxy -c` or `keepalived -t` on a
rendered file and raises on errors and warnings alike. `haproxy_command` is the argv the lab
must start HAProxy with, because Keepalived's process tracking matches it, and
`garbd_options` the `--options` value for garbd on an arbiter host.
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
