"""The probe: the client that measures what a user of the stack saw.

It sends HTTP requests through the VIP at a fixed arrival rate (open loop: on schedule, whether
or not earlier requests have finished), each with a short timeout, and records one line per
request: due time, start, end, outcome (`ok` or the kind of failure), HTTP status and the
`X-Served-By` header. With a login it mixes reads of the cart page with writes that add an item
whose `tipo` is a unique id (`probe-<run id>-<seq>`). The acknowledged writes form the run's
write ledger.

Modules: `client` (login, per-thread sessions, one read or write), `outcome` (classify a reply
or an exception), `runner` (the open-loop schedule), `output` (the JSON Lines file, and
`command_line`, the argv of a probe process) and `__main__` (`python -m halab.probe`, which the
lab runs inside the client namespace).
"""

from .client import ClientSettings, ProbeClient, Reply
from .output import command_line
from .runner import ProbeSummary, Schedule, run_probe

__all__ = [
    "ClientSettings",
    "ProbeClient",
    "ProbeSummary",
    "Reply",
    "Schedule",
    "command_line",
    "run_probe",
]
