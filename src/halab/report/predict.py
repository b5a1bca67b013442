"""Predicted worst cases per layer, from a run's topology, beside what the run measured.

Each prediction is an upper bound derived from the rendered timers, with its formula as text so
a reader can check it:

- VRRP takeover: the backup becomes MASTER when its master-down timer expires,
  3 x advert_int + skew. Keepalived 2.2 computes the skew from the backup's own priority as
  (256 - priority) / 256 s for VRRPv2 and (256 - priority) x advert_int / 256 for VRRPv3.
  A tracked HAProxy failure first needs detection (script interval x fall; about 0 with
  process tracking). With weight 0 the master enters FAULT and sends priority 0, so the backup
  waits only the skew. With a negative weight the backup takes over only if the lowered
  priority falls below its own.
- Preemption after a heal: the recovered master discards the lower-priority adverts and takes
  back the VIP when its own master-down timer expires (after the tracking rise, plus
  preempt_delay).
- HAProxy DOWN: the next check comes at most `inter` after the fault, then `fall - 1` more
  checks `fastinter` apart. Against a frozen or unreachable server each of the `fall` checks
  also waits out the check timeout, which is `inter` when `timeout check` is unset
  (HAProxy 2.6). NOTE: this assumes HAProxy schedules the next check only after a timed-out
  one ends, which no halab test has measured.
- Galera eviction of a node that stopped responding: at most evs.inactive_timeout plus one
  evs.inactive_check_period. It is often sooner, after evs.suspect_timeout, when every other
  member suspects the node. A clean stop leaves the cluster at once.
- Client downtime: the slowest layer that has to react before requests succeed again.

A measured value above its prediction plus a tolerance is flagged as slower than predicted.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from halab.experiments.history import FaultEvent
from halab.topology.model import Balancer, Role, Topology, VrrpGroup, VrrpMember

log = logging.getLogger(__name__)

# NOTE: an estimate, not derived from the run: it covers one probe timeout (200 ms by default)
# plus one arrival interval and the polling period of the daemons' state.
TOLERANCE_MS = 250.0
TOLERANCE_FRACTION = 0.10

# Actions after which the failed host or service sends nothing at all (no RST, no FIN).
SILENT_ACTIONS = frozenset({"freeze", "link_down", "partition", "netem", "delay", "loss"})


@dataclass(frozen=True)
class Prediction:
    """The worst case of one layer's reaction to one disruption, in ms from the fault."""

    layer: str
    worst_ms: float
    formula: str


def tolerance_ms(predicted_ms: float) -> float:
    return max(TOLERANCE_MS, TOLERANCE_FRACTION * predicted_ms)


def is_slower(measured_ms: float | None, predicted_ms: float) -> bool | None:
    """Return True when a measured value exceeds its prediction plus the tolerance."""
    if measured_ms is None:
        return None
    return measured_ms > predicted_ms + tolerance_ms(predicted_ms)


# VRRP


def skew_ms(group: VrrpGroup, priority: int) -> float:
    if group.version == 3:
        return (256 - priority) * group.advert_int_s * 1000.0 / 256
    return (256 - priority) * 1000.0 / 256


def master_down_ms(group: VrrpGroup, priority: int) -> tuple[float, str]:
    advert_ms = group.advert_int_s * 1000.0
    skew = skew_ms(group, priority)
    total = 3 * advert_ms + skew
    return total, f"3 x {advert_ms:g} ms advert + {skew:.0f} ms skew (priority {priority})"


def _master_and_backup(group: VrrpGroup) -> tuple[VrrpMember, VrrpMember | None]:
    ordered = sorted(group.members, key=lambda m: (m.state != "MASTER", -m.priority))
    return ordered[0], (ordered[1] if len(ordered) > 1 else None)


def _tracking_ms(group: VrrpGroup, checks: int) -> tuple[float, str]:
    tracking = group.tracking
    if tracking.kind == "process":
        return 0.0, "process tracking ~0 ms"
    total = tracking.interval_s * 1000.0 * checks
    return total, f"{checks} x {tracking.interval_s * 1000:g} ms script interval"


def vrrp_takeover(group: VrrpGroup, action: str, service: str | None) -> Prediction | None:
    """Predict when the backup becomes MASTER after a fault on the master (None: never)."""
    master, backup = _master_and_backup(group)
    if backup is None:
        return None
    if service == "haproxy" and action != "freeze":
        return _tracked_takeover(group, master, backup)
    if service == "haproxy":
        # Neither a check script nor process tracking detects a stopped (SIGSTOP) process.
        return None
    if service == "keepalived" and action == "stop":
        skew = skew_ms(group, backup.priority)
        return Prediction("vrrp", skew, f"priority 0 on shutdown: {skew:.0f} ms skew")
    down, formula = master_down_ms(group, backup.priority)
    return Prediction("vrrp", down, formula)


def _tracked_takeover(
    group: VrrpGroup, master: VrrpMember, backup: VrrpMember
) -> Prediction | None:
    detect, detect_text = _tracking_ms(group, group.tracking.fall)
    weight = group.tracking.weight
    if weight == 0:
        skew = skew_ms(group, backup.priority)
        return Prediction("vrrp", detect + skew, f"{detect_text} + FAULT, {skew:.0f} ms skew")
    lowered = master.priority + weight
    if lowered >= backup.priority:
        log.info("group %s: priority %d after tracking is not below %d", group.name, lowered,
                 backup.priority)
        return None
    down, down_text = master_down_ms(group, backup.priority)
    return Prediction("vrrp", detect + down, f"{detect_text} + {down_text}")


def vrrp_preemption(group: VrrpGroup, service: str | None) -> Prediction | None:
    """Predict when the healed master takes the VIP back, or None without preemption."""
    if not group.preempt:
        return None
    master, _ = _master_and_backup(group)
    down, down_text = master_down_ms(group, master.priority)
    rise, rise_text = (0.0, "")
    if service == "haproxy":
        rise, rise_text = _tracking_ms(group, group.tracking.rise)
        rise_text += " + "
    delay = group.preempt_delay_s * 1000.0
    delay_text = f" + {delay:g} ms preempt delay" if delay else ""
    return Prediction("vrrp", rise + down + delay, f"{rise_text}{down_text}{delay_text}")


# HAProxy and Galera


def haproxy_down(balancer: Balancer, action: str) -> Prediction:
    inter = balancer.check_inter_ms
    fast = balancer.check_fastinter_ms or inter
    fall = balancer.check_fall
    total = inter + (fall - 1) * fast
    formula = f"{inter} ms inter + {fall - 1} x {fast} ms fastinter"
    if action in SILENT_ACTIONS:
        # Every failing check waits out its timeout before the next one is scheduled.
        timeout = balancer.timeout_check_ms or inter
        total += fall * timeout
        formula += f" + {fall} x {timeout} ms check timeout"
    return Prediction("haproxy_down", total, formula)


def galera_eviction(topology: Topology, action: str) -> Prediction | None:
    galera = topology.galera
    if galera is None or action == "stop":
        return None
    inactive = galera.evs_inactive_timeout_s * 1000.0
    period = galera.evs_inactive_check_period_s * 1000.0
    suspect = galera.evs_suspect_timeout_s * 1000.0
    # When every other member suspects the node, it goes sooner: after evs.suspect_timeout.
    return Prediction(
        "galera",
        inactive + period,
        f"{inactive:g} ms evs.inactive_timeout + {period:g} ms check period"
        f" (often soon after the {suspect:g} ms evs.suspect_timeout)",
    )


# One disruption


def predict(topology: Topology, fault: FaultEvent, phase: str) -> list[Prediction]:
    """Predict each layer's worst reaction to one fault (`phase` apply) or its heal."""
    predictions: list[Prediction] = []
    for host_name in fault.hosts:
        try:
            role = topology.host(host_name).role
        except KeyError:
            log.warning("fault %s names host %s, not in topology %s", fault.fault_id, host_name,
                        topology.name)
            continue
        predictions += _predict_host(topology, host_name, role, fault, phase)
    if fault.action == "partition":
        # Each side of a partition keeps running, so only the backup's takeover (a second
        # MASTER when VRRP is cut) is predictable.
        predictions = [p for p in predictions if p.layer == "vrrp"][:1]
    downtime = _downtime(predictions, phase)
    return predictions + ([downtime] if downtime else [])


def _predict_host(
    topology: Topology, host: str, role: Role, fault: FaultEvent, phase: str
) -> list[Prediction]:
    found: list[Prediction | None] = []
    if role in (Role.LB_HTTP, Role.LB_DB):
        for group in topology.vrrp_groups_on(host):
            master, _ = _master_and_backup(group)
            if master.host != host:
                continue
            if phase == "apply":
                found.append(vrrp_takeover(group, fault.action, fault.service))
            else:
                found.append(vrrp_preemption(group, fault.service))
    if phase == "apply" and role in (Role.WEB, Role.DB):
        for balancer in topology.balancers:
            if host in balancer.backends:
                found.append(haproxy_down(balancer, fault.action))
    if phase == "apply" and role == Role.DB and topology.galera is not None:
        found.append(galera_eviction(topology, fault.action))
    return [p for p in found if p is not None]


def _downtime(predictions: list[Prediction], phase: str) -> Prediction | None:
    # A healed fault restores service without waiting for a layer, so no downtime is predicted.
    if phase != "apply" or not predictions:
        return None
    slowest = max(predictions, key=lambda p: p.worst_ms)
    return Prediction("downtime", slowest.worst_ms, f"slowest layer: {slowest.layer}")
