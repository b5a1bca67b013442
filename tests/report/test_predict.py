"""Predicted worst cases from a topology's timers."""

import pytest

from halab.experiments.history import FaultEvent
from halab.report import predict
from halab.topology import apply_profile, load_topology


def fault(host, action="stop", service="haproxy", kind="fault"):
    return FaultEvent(kind=kind, t_ms=5000.0, fault_id="f", name=f"{action} {host}",
                      action=action, hosts=[host], service=service)


def by_layer(predictions):
    return {p.layer: p for p in predictions}


@pytest.fixture
def seed_exp02():
    return apply_profile(load_topology("exp02"), "seed")


@pytest.fixture
def tuned_exp02():
    return apply_profile(load_topology("exp02"), "tuned")


def test_seed_lb_stop_script_plus_master_down(seed_exp02):
    layers = by_layer(predict.predict(seed_exp02, fault("haproxy01"), "apply"))

    # 1 s script + 3 x 1 s advert + (256 - 100) / 256 s skew of the backup.
    assert layers["vrrp"].worst_ms == pytest.approx(1000 + 3000 + 609.375)
    assert layers["downtime"].worst_ms == layers["vrrp"].worst_ms
    assert "609 ms skew (priority 100)" in layers["vrrp"].formula


def test_tuned_weight_zero_waits_skew_only(tuned_exp02):
    layers = by_layer(predict.predict(tuned_exp02, fault("haproxy01"), "apply"))

    # VRRPv3: skew scales with the 100 ms advert; process tracking detects at once.
    assert layers["vrrp"].worst_ms == pytest.approx(156 * 100 / 256)


def test_v3_master_down_scales_skew(tuned_exp02):
    group = tuned_exp02.vrrp_groups[0]

    down_ms, _ = predict.master_down_ms(group, 100)

    assert down_ms == pytest.approx(300 + 60.9375)


def test_v2_skew_ignores_advert_interval(seed_exp02):
    group = seed_exp02.vrrp_groups[0].model_copy(update={"advert_int_s": 3.0})

    assert predict.skew_ms(group, 100) == pytest.approx(609.375)


def test_weight_too_small_predicts_no_failover(seed_exp02):
    group = seed_exp02.vrrp_groups[0]
    weak = group.model_copy(update={"tracking": group.tracking.model_copy(update={"weight": -1})})

    assert predict.vrrp_takeover(weak, "stop", "haproxy") is None


def test_link_down_waits_master_down(seed_exp02):
    layers = by_layer(predict.predict(seed_exp02, fault("haproxy01", "link_down", None), "apply"))

    assert layers["vrrp"].worst_ms == pytest.approx(3000 + 609.375)


def test_backup_host_fault_moves_no_vip(seed_exp02):
    assert predict.predict(seed_exp02, fault("haproxy02"), "apply") == []


@pytest.mark.parametrize(
    ("action", "expected_ms"),
    [("kill", 2000 + 2 * 2000), ("freeze", 2000 + 2 * 2000 + 3 * 2000)],
)
def test_seed_web_fault_haproxy_detection(seed_exp02, action, expected_ms):
    layers = by_layer(predict.predict(seed_exp02, fault("webserver01", action, "app"), "apply"))

    assert layers["haproxy_down"].worst_ms == expected_ms


def test_tuned_haproxy_uses_fastinter(tuned_exp02):
    layers = by_layer(predict.predict(tuned_exp02, fault("webserver01", "kill", "app"), "apply"))

    assert layers["haproxy_down"].worst_ms == 200 + 1 * 100


def test_frozen_server_waits_check_timeout(tuned_exp02):
    balancer = tuned_exp02.balancers[0].model_copy(update={"timeout_check_ms": 1500})

    prediction = predict.haproxy_down(balancer, "freeze")

    # inter, one fastinter, and two checks that each time out after 1.5 s.
    assert prediction.worst_ms == 200 + 100 + 2 * 1500


def test_galera_kill_predicts_eviction():
    full = apply_profile(load_topology("full"), "seed")

    layers = by_layer(predict.predict(full, fault("mariadb01", "kill", "mariadb"), "apply"))

    assert layers["galera"].worst_ms == 15000 + 500
    assert layers["downtime"].worst_ms == 15500


def test_galera_clean_stop_no_eviction():
    full = apply_profile(load_topology("full"), "seed")

    layers = by_layer(predict.predict(full, fault("mariadb01", "stop", "mariadb"), "apply"))

    assert "galera" not in layers
    assert "haproxy_down" in layers


def test_single_balancer_has_no_prediction():
    exp01 = apply_profile(load_topology("exp01"), "seed")

    assert predict.predict(exp01, fault("haproxy01"), "apply") == []


def test_heal_predicts_preemption(seed_exp02):
    layers = by_layer(predict.predict(seed_exp02, fault("haproxy01"), "heal"))

    # Rise 1 x 1 s script, then its own master-down timer with priority 101.
    assert layers["vrrp"].worst_ms == pytest.approx(1000 + 3000 + 155 * 1000 / 256)
    assert "downtime" not in layers


@pytest.mark.parametrize(
    ("measured", "predicted", "slower"),
    [(None, 100.0, None), (300.0, 100.0, False), (400.0, 100.0, True), (5400.0, 5000.0, False),
     (5600.0, 5000.0, True)],
)
def test_is_slower_tolerance(measured, predicted, slower):
    assert predict.is_slower(measured, predicted) is slower
