"""Analysis of hand-made histories: each metric and its edge cases."""

import pytest

from halab.experiments import analysis
from halab.experiments.history import (
    FaultEvent,
    GaleraEvent,
    HaproxyEvent,
    History,
    RequestEvent,
    VrrpAdvertEvent,
    VrrpEvent,
    new_header,
)

STEP_MS = 20.0


def request(seq, start_ms, outcome="ok", op="read", served_by=None, write_id=None, latency_ms=2.0):
    return RequestEvent(
        t_ms=start_ms,
        seq=seq,
        op=op,
        scheduled_ms=start_ms,
        start_ms=start_ms,
        end_ms=start_ms + latency_ms,
        latency_ms=latency_ms,
        outcome=outcome,
        status=200 if outcome == "ok" else None,
        served_by=served_by if outcome == "ok" else None,
        write_id=write_id,
    )


def traffic(until_ms, failing=(), op_of=lambda seq: "read"):
    """Requests every STEP_MS from 0 to until_ms; starts inside a (from, to) span fail."""
    events = []
    for seq in range(int(until_ms / STEP_MS) + 1):
        start = seq * STEP_MS
        failed = any(lo <= start < hi for lo, hi in failing)
        outcome = "refused" if failed else "ok"
        server = "webserver01" if seq % 2 == 0 else "webserver02"
        events.append(request(seq, start, outcome, op_of(seq), server))
    return events


def fault(t_ms, kind="fault", fault_id="f1"):
    action = "stop" if kind == "fault" else "start"
    return FaultEvent(
        kind=kind,
        t_ms=t_ms,
        fault_id=fault_id,
        name="lb-stop",
        action=action,
        hosts=["haproxy01"],
        service="haproxy",
    )


def history_of(events):
    history = History(new_header("run", "scenario", "seed", "exp02"))
    history.extend(events)
    return history


def only(results, phase):
    chosen = [r for r in results if r.phase == phase]
    assert len(chosen) == 1
    return chosen[0]


def test_downtime_last_success_to_first_success():
    # Fault at 1000; requests from 1000 to 1300 fail; success resumes at 1300.
    events = traffic(3000, failing=[(1000, 1300)]) + [fault(1000.0)]

    result = only(analysis.analyze_disruptions(history_of(events)), "apply")

    assert result.last_success_ms == 980.0
    assert result.first_success_ms == 1300.0
    assert result.downtime_ms == 320.0
    assert result.recovered is True
    assert result.failed_reads == 15
    assert result.failed_writes == 0
    assert result.failed_by_outcome == {"refused": 15}


def test_failed_requests_split_by_op():
    events = traffic(
        3000, failing=[(1000, 1200)], op_of=lambda s: "write" if s % 5 == 0 else "read"
    )
    events.append(fault(1000.0))

    result = only(analysis.analyze_disruptions(history_of(events)), "apply")

    # Failed seqs 50..59: 50 and 55 are writes.
    assert result.failed_writes == 2
    assert result.failed_reads == 8


def test_no_failure_gives_zero_downtime_and_gap():
    events = traffic(2000) + [fault(1000.0)]

    result = only(analysis.analyze_disruptions(history_of(events)), "apply")

    assert result.downtime_ms == 0.0
    assert result.recovered is True
    assert result.max_success_gap_ms == STEP_MS
    assert result.reactions_ms["first_failure"] is None
    assert result.reactions_ms["first_success"] == 0.0


def test_stall_without_failure_shows_in_success_gap():
    events = [r for r in traffic(2000) if not 1000 <= r.start_ms < 1500] + [fault(1000.0)]

    result = only(analysis.analyze_disruptions(history_of(events)), "apply")

    assert result.downtime_ms == 0.0
    assert result.max_success_gap_ms == 520.0


def test_fault_without_recovery():
    events = traffic(2000, failing=[(1000, 5000)]) + [fault(1000.0)]

    result = only(analysis.analyze_disruptions(history_of(events)), "apply")

    assert result.recovered is False
    assert result.downtime_ms is None
    assert result.first_success_ms is None
    assert result.unrecovered_ms == pytest.approx(2002.0 - 980.0)
    assert result.reactions_ms["first_success"] is None


def test_recovery_before_fault_not_counted():
    # A blip at 200-300 heals long before the fault at 1000; the fault costs nothing.
    events = traffic(2000, failing=[(200, 300)]) + [fault(1000.0)]

    result = only(analysis.analyze_disruptions(history_of(events)), "apply")

    assert result.downtime_ms == 0.0
    assert result.failed_reads == 0


def test_request_in_flight_at_fault_counts():
    events = traffic(2000, failing=[(1020, 1100)])
    events.append(request(999, 990.0, outcome="timeout", latency_ms=200.0))
    events.append(fault(1000.0))

    result = only(analysis.analyze_disruptions(history_of(events)), "apply")

    assert result.failed_reads == 5
    assert result.failed_by_outcome == {"timeout": 1, "refused": 4}
    # Two outages: the in-flight timeout (980 to 1000) and the refusals (1000 to 1100).
    assert result.last_success_ms == 1000.0
    assert result.downtime_ms == 100.0


def test_longest_outage_in_window_is_the_downtime():
    # A short blip right after the fault, a success, then a long outage.
    events = traffic(6000, failing=[(1020, 1040), (1200, 4000)]) + [fault(1000.0)]

    result = only(analysis.analyze_disruptions(history_of(events)), "apply")

    assert result.last_success_ms == 1180.0
    assert result.first_success_ms == 4000.0
    assert result.downtime_ms == 4000.0 - 1180.0
    assert result.failed_reads == 1 + 140


def test_spof_outage_ending_after_heal_belongs_to_fault():
    # Stopped at 1000, started at 2000, first success at 2100: one outage, not two.
    events = traffic(4000, failing=[(1000, 2100)]) + [fault(1000.0), fault(2000.0, "heal")]

    results = analysis.analyze_disruptions(history_of(events))
    applied, healed = only(results, "apply"), only(results, "heal")

    assert applied.downtime_ms == 2100.0 - 980.0
    assert applied.failed_reads == 55
    assert healed.downtime_ms == 0.0
    assert healed.failed_reads == 0


def test_heal_with_its_own_outage():
    # Failover at the fault, then preemption at the heal: two separate gaps.
    events = traffic(4000, failing=[(1000, 1200), (2500, 2600)])
    events += [fault(1000.0), fault(2500.0, "heal")]

    results = analysis.analyze_disruptions(history_of(events))

    assert only(results, "apply").downtime_ms == 220.0
    assert only(results, "heal").downtime_ms == 120.0
    assert only(results, "heal").failed_reads == 5


def test_layer_reactions_measured_from_fault():
    events = traffic(3000, failing=[(1000, 1300)]) + [fault(1000.0)]
    events += [
        VrrpEvent(t_ms=10.0, host="haproxy01", instance="VI_WEB", state="MASTER"),
        VrrpEvent(t_ms=10.0, host="haproxy02", instance="VI_WEB", state="BACKUP"),
        VrrpEvent(t_ms=1250.0, host="haproxy02", instance="VI_WEB", state="MASTER"),
        HaproxyEvent(
            t_ms=1900.0, host="haproxy02", backend="web", server="webserver01", state="DOWN"
        ),
        HaproxyEvent(t_ms=5.0, host="haproxy02", backend="web", server="webserver01", state="UP"),
        HaproxyEvent(
            t_ms=2100.0, host="haproxy02", backend="web", server="webserver01", state="UP"
        ),
        GaleraEvent(
            t_ms=5.0,
            host="mariadb01",
            cluster_size=3,
            cluster_status="Primary",
            local_state="Synced",
        ),
        GaleraEvent(
            t_ms=1500.0,
            host="mariadb01",
            cluster_size=3,
            cluster_status="Primary",
            local_state="Synced",
        ),
        GaleraEvent(
            t_ms=1600.0,
            host="mariadb01",
            cluster_size=2,
            cluster_status="Primary",
            local_state="Synced",
        ),
    ]

    result = only(analysis.analyze_disruptions(history_of(events)), "apply")

    assert result.reactions_ms == {
        "first_failure": 0.0,
        "vrrp": 250.0,
        "haproxy_down": 900.0,
        "haproxy_up": 1100.0,
        "galera": 600.0,
        "first_success": 300.0,
    }


def test_vrrp_transitions_drop_repeats():
    events = [
        VrrpEvent(t_ms=1.0, host="h1", instance="VI", state="BACKUP"),
        VrrpEvent(t_ms=2.0, host="h1", instance="VI", state="BACKUP"),
        VrrpEvent(t_ms=3.0, host="h1", instance="VI", state="MASTER"),
    ]

    transitions = analysis.vrrp_transitions(events)

    assert [(t.from_state, t.to_state) for t in transitions] == [
        (None, "BACKUP"),
        ("BACKUP", "MASTER"),
    ]


def test_multiple_masters_detected():
    events = [
        VrrpEvent(t_ms=1.0, host="h1", instance="VI", state="MASTER"),
        VrrpEvent(t_ms=1.0, host="h2", instance="VI", state="BACKUP"),
        VrrpEvent(t_ms=100.0, host="h2", instance="VI", state="MASTER"),
        VrrpEvent(t_ms=400.0, host="h2", instance="VI", state="BACKUP"),
        VrrpEvent(t_ms=500.0, host="h2", instance="VI", state="MASTER"),
    ]

    overlaps = analysis.multiple_masters(events)

    assert overlaps == [
        analysis.MasterOverlap("VI", 100.0, 400.0, ("h1", "h2")),
        analysis.MasterOverlap("VI", 500.0, None, ("h1", "h2")),
    ]


def test_single_master_is_no_overlap():
    events = [
        VrrpEvent(t_ms=1.0, host="h1", instance="VI", state="MASTER"),
        VrrpEvent(t_ms=5.0, host="h1", instance="VI", state="BACKUP"),
        VrrpEvent(t_ms=6.0, host="h2", instance="VI", state="MASTER"),
    ]

    assert analysis.multiple_masters(events) == []


def test_served_by_split_and_alternation():
    events = traffic(1980)

    split = analysis.served_by_split(events)

    assert split == {
        "webserver01": {"count": 50, "share": 0.5},
        "webserver02": {"count": 50, "share": 0.5},
    }
    assert analysis.alternation(events) == 1.0
    assert analysis.alternation(events[:1]) is None


def test_served_by_split_ignores_failures():
    events = [request(0, 0.0, served_by="a"), request(1, 20.0, outcome="http_5xx")]

    assert analysis.served_by_split(events) == {"a": {"count": 1, "share": 1.0}}


def test_write_check_lost_duplicated_and_unacknowledged():
    requests = [
        request(0, 0.0, op="write", write_id="w0"),
        request(1, 20.0, op="write", write_id="w1"),
        request(2, 40.0, op="write", write_id="w2", outcome="timeout"),
        request(3, 60.0, op="write", write_id="w3"),
    ]
    database = ["w0", "w1", "w1", "w2", "milk"]

    check = analysis.write_check(requests, database)

    assert check.acknowledged == 3
    assert check.lost == ["w3"]
    assert check.duplicated == {"w1": 2}
    assert check.unacknowledged_present == ["w2"]


def test_empty_run():
    history = history_of([])

    result = analysis.analyze_run(history, {"max_failed_gets": 0})

    assert result["figures"]["disruptions"] == []
    assert result["figures"]["requests"]["total"] == 0
    assert result["figures"]["requests"]["latency_ok_ms"]["median"] is None
    assert result["verdict"]["result"] == "pass"


def test_no_fault_makes_downtime_unknown():
    result = analysis.analyze_run(history_of(traffic(1000)), {"max_downtime_ms": 500})

    assert result["figures"]["disruptions"] == []
    assert result["verdict"]["result"] == "unknown"
    assert result["verdict"]["checks"][0]["measured"] is None


def test_verdict_pass_and_fail():
    events = traffic(3000, failing=[(1000, 1300)]) + [fault(1000.0)]

    passed = analysis.analyze_run(history_of(events), {"max_downtime_ms": 500})
    failed = analysis.analyze_run(
        history_of(events), {"max_downtime_ms": 500, "max_failed_reads": 0}
    )

    assert passed["verdict"]["result"] == "pass"
    assert failed["verdict"]["result"] == "fail"
    checks = {c["key"]: c for c in failed["verdict"]["checks"]}
    assert checks["max_failed_reads"]["measured"] == 15
    assert checks["max_failed_reads"]["passed"] is False
    assert checks["max_downtime_ms"]["passed"] is True


def test_verdict_alias_read_as_its_key():
    events = traffic(3000, failing=[(1000, 1300)]) + [fault(1000.0)]

    result = analysis.analyze_run(history_of(events), {"max_failed_gets": 20, "lost_writes": None})

    assert result["verdict"]["result"] == "pass"
    assert [c["key"] for c in result["verdict"]["checks"]] == ["max_failed_reads"]


def test_verdict_split_brain_expected():
    events = traffic(1000) + [
        VrrpEvent(t_ms=1.0, host="h1", instance="VI", state="MASTER"),
        VrrpEvent(t_ms=500.0, host="h2", instance="VI", state="MASTER"),
    ]

    seen = analysis.analyze_run(history_of(events), {"split_brain": True})
    unexpected = analysis.analyze_run(history_of(events), {"split_brain": False})

    assert seen["verdict"]["result"] == "pass"
    assert unexpected["verdict"]["result"] == "fail"


@pytest.mark.parametrize(
    ("servers", "minimum", "result"),
    [
        (("a", "b"), 0.45, "pass"),
        (("a", "a", "a", "b"), 0.45, "fail"),
        (("a",), 0.45, "fail"),
    ],
)
def test_verdict_min_share_per_server(servers, minimum, result):
    events = [request(i, i * STEP_MS, served_by=servers[i % len(servers)]) for i in range(40)]

    verdict = analysis.analyze_run(history_of(events), {"min_share_per_server": minimum})

    assert verdict["verdict"]["result"] == result


def test_verdict_min_failed_writes():
    events = [
        request(0, 0.0, op="write", write_id="w0", outcome="http_5xx"),
        request(1, 20.0, op="write", write_id="w1"),
    ]

    result = analysis.analyze_run(history_of(events), {"min_failed_writes": 1})

    assert result["verdict"]["result"] == "pass"


def test_verdict_unrecovered_fails_max_downtime():
    events = traffic(2000, failing=[(1000, 5000)]) + [fault(1000.0)]

    result = analysis.analyze_run(history_of(events), {"max_downtime_ms": 500})

    assert result["verdict"]["result"] == "fail"
    assert result["verdict"]["checks"][0]["measured"] == "unrecovered"


def test_verdict_min_downtime_for_single_point_of_failure():
    events = traffic(4000, failing=[(1000, 2100)]) + [fault(1000.0), fault(2000.0, "heal")]

    result = analysis.analyze_run(history_of(events), {"min_downtime_ms": 1000})

    assert result["verdict"]["result"] == "pass"


def test_verdict_writes_need_database_contents():
    events = [request(0, 0.0, op="write", write_id="w0")]

    without = analysis.analyze_run(history_of(events), {"max_lost_writes": 0})
    with_db = analysis.analyze_run(history_of(events), {"max_lost_writes": 0}, ["w0"])
    lost = analysis.analyze_run(history_of(events), {"max_lost_writes": 0}, [])

    assert without["verdict"]["result"] == "unknown"
    assert with_db["verdict"]["result"] == "pass"
    assert lost["verdict"]["result"] == "fail"


def test_verdict_unknown_key_is_unknown_with_error():
    result = analysis.analyze_run(history_of(traffic(100)), {"max_dowtime_ms": 5})

    assert result["verdict"]["result"] == "unknown"
    assert "max_dowtime_ms" in result["verdict"]["error"]


def test_crashing_analysis_gives_unknown(monkeypatch):
    def broken(*args, **kwargs):
        raise ZeroDivisionError("checker bug")

    monkeypatch.setattr(analysis, "served_by_split", broken)

    result = analysis.analyze_run(history_of(traffic(100)), {})

    assert result["verdict"]["result"] == "unknown"
    assert "checker bug" in result["verdict"]["error"]


def test_heal_without_fault_is_analyzed():
    events = traffic(1000) + [fault(500.0, "heal")]

    results = analysis.analyze_disruptions(history_of(events))

    assert [r.phase for r in results] == ["heal"]
    assert results[0].downtime_ms == 0.0


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([], {"n": 0, "missing": 0, "min": None, "median": None, "p95": None, "max": None}),
        ([5.0], {"n": 1, "missing": 0, "min": 5.0, "median": 5.0, "p95": 5.0, "max": 5.0}),
        (
            [1, 2, 3, 4, None],
            {
                "n": 4,
                "missing": 1,
                "min": 1.0,
                "median": 2.5,
                "p95": pytest.approx(3.85),
                "max": 4.0,
            },
        ),
    ],
)
def test_summarize_repeats(values, expected):
    assert analysis.summarize(values) == expected


def test_percentile_of_twenty_values():
    values = list(range(1, 21))

    assert analysis.percentile(values, 0.95) == pytest.approx(19.05)
    assert analysis.percentile(values, 0.5) == pytest.approx(10.5)


def test_write_check_per_node():
    requests = [
        request(0, 0.0, op="write", write_id="w0"),
        request(1, 20.0, op="write", write_id="w1"),
    ]
    nodes = {"mariadb01": ["w0", "w1"], "mariadb02": ["w0"], "mariadb03": ["w0", "w0", "w1"]}

    check = analysis.write_check_nodes(requests, nodes)

    assert check["acknowledged"] == 2
    assert check["lost"] == ["mariadb02:w1"]
    assert check["duplicated"] == {"w0": 2}
    assert check["per_node"]["mariadb01"]["lost"] == []


def test_verdict_reads_per_node_writes():
    events = [request(0, 0.0, op="write", write_id="w0")]
    nodes = {"mariadb01": ["w0"], "mariadb02": []}

    result = analysis.analyze_run(history_of(events), {"max_lost_writes": 0}, nodes)

    assert result["verdict"]["result"] == "fail"
    assert result["verdict"]["checks"][0]["measured"] == 1


def test_advert_priority_changes_step_function():
    adverts = [
        VrrpAdvertEvent(
            t_ms=t, src="198.18.0.11", vrid=51, priority=p, advert_int_ms=1000.0, version=2
        )
        for t, p in [(0.0, 101), (1000.0, 101), (2000.0, 91), (3000.0, 91), (4000.0, 101)]
    ]
    adverts.append(
        VrrpAdvertEvent(
            t_ms=500.0, src="198.18.0.12", vrid=51, priority=100, advert_int_ms=1000.0, version=2
        )
    )

    changes = analysis.advert_priority_changes(sorted(adverts, key=lambda a: a.t_ms))

    assert [(a.src, a.priority) for a in changes] == [
        ("198.18.0.11", 101),
        ("198.18.0.12", 100),
        ("198.18.0.11", 91),
        ("198.18.0.11", 101),
    ]


def test_repeat_summary_over_runs():
    runs = []
    for gap_end in (1200, 1300, 1400):
        events = traffic(3000, failing=[(1000, gap_end)]) + [fault(1000.0)]
        runs.append(analysis.analyze_run(history_of(events), {"max_downtime_ms": 350}))
    unrecovered = traffic(2000, failing=[(1000, 5000)]) + [fault(1000.0)]
    runs.append(analysis.analyze_run(history_of(unrecovered), {"max_downtime_ms": 350}))

    summary = analysis.repeat_summary(runs)

    assert summary["runs"] == 4
    assert summary["verdicts"] == {"pass": 2, "fail": 2}
    assert summary["downtime_ms"]["n"] == 3
    assert summary["downtime_ms"]["missing"] == 1
    assert summary["downtime_ms"]["median"] == 320.0
    assert summary["downtime_ms"]["max"] == 420.0
    assert summary["first_success_ms"]["max"] == 400.0
    assert summary["failed_reads"]["max"] == 51.0
