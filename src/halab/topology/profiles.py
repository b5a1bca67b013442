"""Timing profiles applied on top of a topology: `seed` and `tuned`.

`seed` reproduces the origin setup: VRRP version 2 with a 1 s advert, a check script every
1 s with weight -10, and HAProxy's default check timings (inter 2 s, fall 3, rise 2).

`tuned` has the fastest settings known to stay safe. The reason for each value is in
`REASONS`, which the templates print as a comment next to the value in the rendered file.
The VRRP choices rest on failover times measured with Keepalived 2.2.7 on one machine, from
killing HAProxy on the MASTER to the first successful request. A check script with weight -10
and 1 s adverts took 3.6-4.1 s. Process tracking with weight 0 and 0.1 s VRRPv3 adverts took
0.21 s.
"""

from __future__ import annotations

from typing import Any

from halab.errors import InvalidInput

from .model import Balancer, Galera, Topology, Tracking, VrrpGroup

PROFILES = ("seed", "tuned")

# Reasons printed next to tuned values in the rendered files, keyed by setting.
REASONS: dict[str, str] = {
    "vrrp_version": "VRRPv3 carries the advert interval in centiseconds; version 2 counts"
    " whole seconds, so Keepalived rounds a sub-second advert up to 1 s.",
    "advert_int": "With 0.1 s adverts the backup declares the master down after about"
    " 0.35 s (3 adverts plus skew). Raise it on hosts whose scheduler can stall that long,"
    " or they will fail over without a fault.",
    "track_process": "Keepalived learns that HAProxy exited from the kernel's process"
    " events at once, instead of at the next run of a check script.",
    "weight_zero": "Weight 0 puts the instance in FAULT when HAProxy exits. It then"
    " advertises priority 0, so the backup takes over after its skew time instead of the"
    " full master-down timer (measured: 0.21 s instead of 0.31-0.36 s with weight -10).",
    "check_inter": "A check every 200 ms with fall 2 marks a dead server DOWN in about 0.4 s"
    " (HAProxy's default inter 2 s with fall 3 takes 4 to 6 s).",
    "check_fastinter": "Checks every 100 ms while a server is changing state confirm the"
    " change sooner.",
    "check_downinter": "A DOWN server is checked every 500 ms, which is enough to see it"
    " return soon without flooding it.",
    "timeout_check": "One check may take 1.5 s, more than the 1 s database query behind the"
    " app's /health and the Galera agent, so a slow but working server stays UP while a frozen"
    " one fails its check. Without it a check would get only the 200 ms interval.",
    "check_rise": "Rise 2 keeps a server that answers once between failures out of rotation.",
    "timeout_connect": "A connect on the LAN takes well under 1 ms, so 500 ms only cuts"
    " attempts to dead servers, and the retries below then try another server.",
    "retries": "A failed connection is retried, on another server because of redispatch.",
    "redispatch": "Redispatching on every retry means a retry never waits on the same dead"
    " server again.",
    "retry_on": "A connection failure is always safe to retry. An empty response or a"
    " response timeout is retried for GET and HEAD only, because a POST that reached the app"
    " may already have run, and retrying it could add the same item twice.",
    "buffer_request": "HAProxy reads the whole request body before it picks a server, so a"
    " slow client never holds a gunicorn worker. Such a buffered POST would be retried like a"
    " GET, which the disable-l7-retry rule below prevents.",
    "evs_suspect_timeout": "A silent Galera member is suspected after 2 s (default 5 s):"
    " four missed keepalives, far above LAN jitter. A node evicted by a stall rejoins by IST.",
    "evs_inactive_timeout": "A suspected member is declared dead after 6 s at the latest"
    " (default 15 s), still three times the suspect timeout.",
    "evs_keepalive_period": "Keepalives every 0.5 s give the shorter suspect timeout several"
    " chances to hear from a live member.",
}


def apply_profile(topology: Topology, profile: str) -> Topology:
    """Return a copy of `topology` with the timing settings of `profile` ("seed" or "tuned")."""
    if profile not in PROFILES:
        raise InvalidInput(
            f"unknown profile {profile!r}", hint=f"use one of: {', '.join(PROFILES)}"
        )
    tune_group, tune_balancer, tune_galera = _PROFILE_FUNCTIONS[profile]
    update: dict[str, Any] = {
        "profile": profile,
        "vrrp_groups": [tune_group(group) for group in topology.vrrp_groups],
        "balancers": [tune_balancer(balancer) for balancer in topology.balancers],
    }
    if topology.galera is not None:
        update["galera"] = tune_galera(topology.galera)
    return topology.model_copy(update=update)


def _seed_group(group: VrrpGroup) -> VrrpGroup:
    tracking = Tracking(kind="script", weight=-10, interval_s=1.0, fall=1, rise=1)
    return group.model_copy(update={"version": 2, "advert_int_s": 1.0, "tracking": tracking})


def _seed_balancer(balancer: Balancer) -> Balancer:
    return balancer.model_copy(
        update={
            "check_inter_ms": 2000,
            "check_fastinter_ms": None,
            "check_downinter_ms": None,
            "check_fall": 3,
            "check_rise": 2,
            "timeout_check_ms": None,
            "retry_on": None,
            "redispatch_interval": None,
            "buffer_request": False,
        }
    )


def _seed_galera(galera: Galera) -> Galera:
    defaults = Galera(nodes=galera.nodes)
    names = (
        "evs_suspect_timeout_s",
        "evs_inactive_timeout_s",
        "evs_inactive_check_period_s",
        "evs_keepalive_period_s",
    )
    return galera.model_copy(update={name: getattr(defaults, name) for name in names})


def _tuned_group(group: VrrpGroup) -> VrrpGroup:
    # VRRPv3 carries no authentication, so a v2 password is dropped with the version change.
    tracking = Tracking(kind="process", weight=0)
    return group.model_copy(
        update={"version": 3, "advert_int_s": 0.1, "tracking": tracking, "auth_pass": None}
    )


def _tuned_balancer(balancer: Balancer) -> Balancer:
    update: dict[str, Any] = {
        "check_inter_ms": 200,
        "check_fastinter_ms": 100,
        "check_downinter_ms": 500,
        "check_fall": 2,
        "check_rise": 2,
        "timeout_check_ms": 1500,
        "timeout_connect_ms": 500,
        "retries": 3,
        "redispatch": True,
        "redispatch_interval": 1,
    }
    if balancer.mode == "http":
        update["retry_on"] = "conn-failure empty-response response-timeout"
        update["buffer_request"] = True
    return balancer.model_copy(update=update)


def _tuned_galera(galera: Galera) -> Galera:
    return galera.model_copy(
        update={
            "evs_suspect_timeout_s": 2.0,
            "evs_inactive_timeout_s": 6.0,
            "evs_inactive_check_period_s": 0.5,
            "evs_keepalive_period_s": 0.5,
        }
    )


_PROFILE_FUNCTIONS = {
    "seed": (_seed_group, _seed_balancer, _seed_galera),
    "tuned": (_tuned_group, _tuned_balancer, _tuned_galera),
}
