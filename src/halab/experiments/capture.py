"""VRRP advertisements captured on the lab's bridge, decoded like a Wireshark view.

`VrrpCapture` runs tcpdump inside the switch namespace, on the bridge that joins every host, so
it sees each advertisement whatever host sends it. tcpdump stamps packets with the wall clock;
the capture samples the wall and monotonic clocks together when it starts, so each packet can
be placed on the run's monotonic clock. Parsing is pure (`parse_tcpdump_line`) and runs after
the capture stops.
"""

from __future__ import annotations

import logging
import re
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from halab.errors import MissingDependency
from halab.experiments.history import VrrpAdvertEvent

log = logging.getLogger(__name__)

# tcpdump 4.99 prints one line per VRRP packet without -v, for example
# "1796414467.989902 IP 198.18.0.11 > 224.0.0.18: VRRPv2, Advertisement, vrid 51, prio 101,
# authtype simple, intvl 1s, length 20". VRRPv3 gives the interval in centiseconds ("intvl 10cs").
_LINE = re.compile(
    r"^(?P<ts>\d+\.\d+) IP (?P<src>[\d.]+) > [\d.]+: VRRPv(?P<version>[23]), Advertisement, "
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
    match = _LINE.match(line.strip())
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


class VrrpCapture:
    """tcpdump of VRRP on one interface of one namespace, as a child process writing text."""

    def __init__(self, netns: str, interface: str, out_path: Path):
        self.netns = netns
        self.interface = interface
        self.out_path = out_path
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start tcpdump; raise MissingDependency when it is not installed."""
        if shutil.which("tcpdump") is None:
            raise MissingDependency(
                "tcpdump not found", hint="run `apt-get install tcpdump`"
            )
        argv = ["ip", "netns", "exec", self.netns, "tcpdump", "-l", "-tt", "-n",
                "-i", self.interface, "vrrp"]
        self.out_path.parent.mkdir(parents=True, exist_ok=True)
        with self.out_path.open("wb") as out:
            self._process = subprocess.Popen(argv, stdout=out, stderr=subprocess.DEVNULL)
        log.info("capturing VRRP on %s in %s (pid %d)", self.interface, self.netns,
                 self._process.pid)
        # tcpdump needs a moment to open the interface; packets before that are not seen.
        time.sleep(0.3)

    def stop(self, timeout_s: float = 3.0) -> None:
        """Stop tcpdump by its pid and wait for it."""
        if self._process is None or self._process.poll() is not None:
            return
        self._process.send_signal(signal.SIGINT)
        try:
            self._process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            log.warning("tcpdump pid %d ignored SIGINT; killing it", self._process.pid)
            self._process.kill()
            self._process.wait()

    def events(self, wall_at_zero_s: float) -> list[VrrpAdvertEvent]:
        """Decode what was captured into history events."""
        if not self.out_path.exists():
            return []
        lines = self.out_path.read_text(errors="replace").splitlines()
        return adverts_to_events(lines, wall_at_zero_s)
