"""VRRP advertisements captured on the lab's bridge, decoded like a Wireshark view.

The runner has the lab's supervisor run tcpdump inside the switch namespace, on the bridge
that joins every host, so it sees each advertisement whatever host sends it (`capture_argv`).
tcpdump stamps packets with the wall clock; the runner samples the wall and monotonic clocks
together at the run start, so each packet can be placed on the run's monotonic clock. Parsing
is pure and runs after the capture stops.
"""

from __future__ import annotations

import logging
import re
import shutil
from dataclasses import dataclass

from halab.errors import MissingDependency
from halab.experiments.history import VrrpAdvertEvent

log = logging.getLogger(__name__)

# tcpdump 4.99 prints one line per VRRP packet without -v, for example
# "1796414467.989902 IP 198.18.0.11 > 224.0.0.18: VRRPv2, Advertisement, vrid 51, prio 101,
# authtype simple, intvl 1s, length 20". VRRPv3 gives the interval in centiseconds
# ("intvl 10cs"). The supervisor prefixes its own time to each line of a service's output, so
# the pattern is searched, not anchored.
_LINE = re.compile(
    r"(?P<ts>\d+\.\d+) IP (?P<src>[\d.]+) > [\d.]+: VRRPv(?P<version>[23]), Advertisement, "
    r"vrid (?P<vrid>\d+), prio (?P<prio>\d+)(?:, authtype \w+)?, "
    r"intvl (?P<intvl>\d+)(?P<unit>cs|s)"
)


@dataclass(frozen=True)
class Advert:
    wall_time_s: float
    src: str
    vrid: int
    priority: int
    advert_int_ms: float
    version: int


def parse_tcpdump_line(line: str) -> Advert | None:
    """Decode one tcpdump line; return None for anything that is not a VRRP advertisement."""
    match = _LINE.search(line.strip())
    if match is None:
        return None
    interval = int(match["intvl"])
    interval_ms = interval * 10.0 if match["unit"] == "cs" else interval * 1000.0
    return Advert(
        wall_time_s=float(match["ts"]),
        src=match["src"],
        vrid=int(match["vrid"]),
        priority=int(match["prio"]),
        advert_int_ms=interval_ms,
        version=int(match["version"]),
    )


def adverts_to_events(
    lines: list[str], wall_at_zero_s: float
) -> list[VrrpAdvertEvent]:
    """Turn tcpdump lines into history events; `wall_at_zero_s` is the wall time of t_ms=0."""
    events = []
    for line in lines:
        advert = parse_tcpdump_line(line)
        if advert is None:
            continue
        events.append(
            VrrpAdvertEvent(
                t_ms=(advert.wall_time_s - wall_at_zero_s) * 1000.0,
                src=advert.src,
                vrid=advert.vrid,
                priority=advert.priority,
                advert_int_ms=advert.advert_int_ms,
                version=advert.version,
            )
        )
    return events


def capture_argv(switch_namespace: str, interface: str) -> list[str]:
    """Return the command that prints one line per VRRP packet seen on `interface`."""
    if shutil.which("tcpdump") is None:
        raise MissingDependency("tcpdump not found", hint="run `apt-get install tcpdump`")
    return ["ip", "netns", "exec", switch_namespace, "tcpdump", "-l", "-tt", "-n",
            "-i", interface, "vrrp"]
