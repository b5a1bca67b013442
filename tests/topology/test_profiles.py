"""Profiles: seed reproduces the origin settings, tuned sets the fast ones."""

from __future__ import annotations

import pytest

from halab.errors import InvalidInput
from halab.topology import REASONS, apply_profile, load_topology


@pytest.fixture
def full():
    return load_topology("full")


def test_seed_sets_origin_vrrp(full):
    seed = apply_profile(full, "seed")

    for group in seed.vrrp_groups:
        assert group.version == 2
        assert group.advert_int_s == 1.0
        assert group.tracking.kind == "script"
        assert group.tracking.interval_s == 1.0
        assert group.tracking.weight == -10
    assert [m.priority for m in seed.vrrp_group("VI_WEB").members] == [101, 100]
    assert seed.profile == "seed"


def test_seed_keeps_haproxy_default_checks(full):
    seed = apply_profile(full, "seed")

    for balancer in seed.balancers:
        assert (balancer.check_inter_ms, balancer.check_fall, balancer.check_rise) == (2000, 3, 2)
        assert balancer.check_fastinter_ms is None
        assert balancer.retry_on is None


def test_seed_keeps_galera_default_timeouts(full):
    galera = apply_profile(full, "seed").galera

    assert galera.evs_suspect_timeout_s == 5.0
    assert galera.evs_inactive_timeout_s == 15.0


def test_tuned_sets_fast_vrrp(full):
    tuned = apply_profile(full, "tuned")

    for group in tuned.vrrp_groups:
        assert group.version == 3
        assert group.advert_int_s == 0.1
        assert group.tracking.kind == "process"
        assert group.tracking.weight == 0
        assert group.auth_pass is None


def test_tuned_sets_fast_checks_and_retries(full):
    tuned = apply_profile(full, "tuned")
    web = next(b for b in tuned.balancers if b.mode == "http")
    db = next(b for b in tuned.balancers if b.mode == "tcp")

    assert (web.check_inter_ms, web.check_fall, web.check_rise) == (200, 2, 2)
    assert (web.check_fastinter_ms, web.check_downinter_ms) == (100, 500)
    assert web.retry_on == "conn-failure empty-response response-timeout"
    assert web.redispatch_interval == 1
    assert db.retry_on is None


def test_tuned_shortens_galera_eviction(full):
    galera = apply_profile(full, "tuned").galera

    assert galera.evs_suspect_timeout_s < 5.0
    assert galera.evs_inactive_timeout_s < 15.0
    assert galera.evs_keepalive_period_s <= galera.evs_suspect_timeout_s / 3


def test_profile_leaves_input_unchanged(full):
    apply_profile(full, "tuned")

    assert full.vrrp_group("VI_WEB").version == 2
    assert full.profile is None


def test_every_reason_is_a_sentence():
    for key, reason in REASONS.items():
        assert reason[0].isupper(), key
        assert reason.endswith("."), key


def test_unknown_profile_rejected(full):
    with pytest.raises(InvalidInput) as caught:
        apply_profile(full, "fast")

    assert "unknown profile 'fast'" in caught.value.message
    assert "seed, tuned" in caught.value.hint
