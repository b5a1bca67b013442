"""The topology of the stack: hosts, roles, addresses, VRRP groups, balancers, Galera cluster.

Pure: nothing here touches the network or runs a process. `load_topology` reads a built-in
(`builtin_names()`) or a YAML file, `apply_profile` sets the `seed` or `tuned` timings, and
`validate` checks the rules across fields. `halab.render` turns the result into files and
`halab.lab` into namespaces and daemons.
"""

from .loader import builtin_names, load_topology, parse_topology
from .model import App, Balancer, Galera, Host, Role, Topology, Tracking, VrrpGroup, VrrpMember
from .profiles import PROFILES, REASONS, apply_profile
from .validation import validate

__all__ = [
    "PROFILES",
    "REASONS",
    "App",
    "Balancer",
    "Galera",
    "Host",
    "Role",
    "Topology",
    "Tracking",
    "VrrpGroup",
    "VrrpMember",
    "apply_profile",
    "builtin_names",
    "load_topology",
    "parse_topology",
    "validate",
]
