"""Measured reactions and their comparison with predictions."""

from halab.experiments.history import (
    GaleraEvent,
    HaproxyEvent,
    VrrpAdvertEvent,
    VrrpEvent,
)
from halab.report.measure import (
    breakdowns,
    compare_run,
    detection_ms,
    galera_eviction_ms,
    vrrp_takeover_ms,
)
from halab.report.runs import load_run


def advert(t_ms, priority, src="198.18.0.11"):
    return VrrpAdvertEvent(t_ms=t_ms, src=src, vrid=51, priority=priority, advert_int_ms=1000.0,
                           version=2)


def test_takeover_is_first_master_after_fault():
    events = [
        VrrpEvent(t_ms=0.0, host="haproxy01", instance="VI_WEB", state="MASTER"),
        VrrpEvent(t_ms=5010.0, host="haproxy01", instance="VI_WEB", state="FAULT"),
        VrrpEvent(t_ms=5080.0, host="haproxy02", instance="VI_WEB", state="MASTER"),
    ]

    assert vrrp_takeover_ms(events, 5000.0, 15000.0) == 80.0


def test_takeover_none_without_master():
    events = [VrrpEvent(t_ms=5010.0, host="haproxy01", instance="VI_WEB", state="FAULT")]

    assert vrrp_takeover_ms(events, 5000.0, 15000.0) is None


def test_eviction_ignores_silent_node():
    events = [
        GaleraEvent(t_ms=0.0, host="mariadb02", cluster_size=3),
        GaleraEvent(t_ms=5500.0, host="mariadb01"),
        GaleraEvent(t_ms=5500.0, host="mariadb02", cluster_size=3),
        GaleraEvent(t_ms=11000.0, host="mariadb02", cluster_size=2),
    ]

    assert galera_eviction_ms(events, 5000.0, 20000.0) == 6000.0


def test_detection_from_lowered_priority():
    events = [advert(4020.0, 101), advert(5020.0, 101), advert(6020.0, 91)]

    assert detection_ms(events, 5000.0, 15000.0) == 1020.0


def test_detection_from_haproxy_down():
    events = [
        advert(5020.0, 101),
        HaproxyEvent(t_ms=7000.0, host="haproxy01", backend="web", server="webserver01",
                     state="DOWN"),
    ]

    assert detection_ms(events, 5000.0, 15000.0) == 2000.0


def test_seed_failover_within_prediction(session_dir):
    run = load_run(session_dir / "exp02-lb-failover--exp02--seed--r1")

    comparisons = {(c.phase, c.layer): c for c in compare_run(run)}

    assert comparisons[("apply", "vrrp")].measured_ms == 3610.0
    assert comparisons[("apply", "vrrp")].slower is False
    assert comparisons[("apply", "downtime")].slower is False


def test_slow_tuned_takeover_flagged(session_dir):
    run = load_run(session_dir / "exp02-lb-failover--exp02--tuned--r3")

    slower = [c.layer for c in compare_run(run) if c.slower]

    assert "vrrp" in slower


def test_breakdown_has_predicted_marks(session_dir):
    run = load_run(session_dir / "exp02-lb-failover--exp02--seed--r1")

    items = breakdowns(run, compare_run(run))
    apply = next(item for item in items if item.phase == "apply")
    marks = {m.key: m for m in apply.milestones}

    assert marks["vrrp"].predicted_ms is not None
    assert marks["detection"].measured_ms == 1100.0
    assert marks["haproxy_down"].measured_ms is None


def test_no_topology_no_comparison(session_dir, tmp_path):
    source = session_dir / "exp02-lb-failover--exp02--seed--r1"
    run_dir = tmp_path / source.name
    run_dir.mkdir()
    (run_dir / "history.jsonl").write_bytes((source / "history.jsonl").read_bytes())

    run = load_run(run_dir)

    assert compare_run(run) == []
    assert any("topology.json missing" in p for p in run.problems)
