"""Advert tables, state spans and per-run downtime."""

from halab.experiments.history import RequestEvent, VrrpAdvertEvent, VrrpEvent
from halab.report.runs import load_run
from halab.report.spans import keepalived_spans
from halab.report.tables import advert_rows, priority_sequence, run_downtime_ms


def advert(t_ms, priority):
    return VrrpAdvertEvent(t_ms=t_ms, src="198.18.0.11", vrid=51, priority=priority,
                           advert_int_ms=1000.0, version=2)


def test_advert_rows_collapse_repeats():
    rows = advert_rows([advert(0, 101), advert(1000, 101), advert(2000, 91), advert(3000, 101)])

    assert [(r.priority, r.count) for r in rows] == [(101, 2), (91, 1), (101, 1)]
    assert rows[1].t_s == 2.0


def test_seed_failover_priorities_101_91_101(session_dir):
    run = load_run(session_dir / "exp02-lb-failover--exp02--seed--r1")

    rows = advert_rows(run.history.events())

    assert priority_sequence(rows, "198.18.0.11") == [101, 91, 101]
    assert priority_sequence(rows, "198.18.0.12") == [100]


def test_keepalived_spans_to_run_end():
    events = [
        VrrpEvent(t_ms=0.0, host="haproxy01", instance="VI_WEB", state="MASTER"),
        VrrpEvent(t_ms=4000.0, host="haproxy01", instance="VI_WEB", state="BACKUP"),
        VrrpEvent(t_ms=4500.0, host="haproxy01", instance="VI_WEB", state="BACKUP"),
        RequestEvent(t_ms=9000.0, seq=0, op="read", scheduled_ms=9000.0, start_ms=9000.0,
                     end_ms=9010.0, latency_ms=10.0, outcome="ok"),
    ]

    spans = keepalived_spans(events)["haproxy01 VI_WEB"]

    assert [(s.start_ms, s.end_ms, s.label) for s in spans] == [
        (0.0, 4000.0, "MASTER"),
        (4000.0, 9010.0, "BACKUP"),
    ]


def test_run_downtime_worst_or_unrecovered():
    assert run_downtime_ms([]) == 0.0
    assert run_downtime_ms([{"downtime_ms": 10.0}, {"downtime_ms": 30.0}]) == 30.0
    assert run_downtime_ms([{"downtime_ms": 10.0}, {"downtime_ms": None}]) is None
