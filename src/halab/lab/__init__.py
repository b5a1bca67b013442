"""The lab: a topology run as real daemons in network namespaces on this machine.

`up(topology, profile, lab_name)` runs the checks, creates the namespaces, renders each host's
files and starts every daemon in order under one supervising process. `down(lab_name)` stops
them and deletes what `up` recorded, also after a crash. `Lab.attach(lab_name)` returns a
running lab with the fault primitives (start/stop, kill, freeze/thaw, link) and `run_in`.

Modules:
- `state`: the state directory and its records. `netns`: namespaces, bridge, veths, sysctls.
- `procs`: pid identity from /proc. `supervisor`, `control`: the supervising process, its socket.
- `services`: one module per daemon. `waits`: readiness polling.
- `up`, `down`, `lab`: the lifecycle and the primitives. `status`, `view`: `halab status`.
- `forwarder`: loopback ports of this machine into the lab.
"""

from halab.lab.down import down
from halab.lab.lab import Lab
from halab.lab.up import UpResult, up

__all__ = ["Lab", "UpResult", "down", "up"]
