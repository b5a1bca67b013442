"""Daemon logs and Keepalived notify lines turned into history events."""

import json

from halab.experiments.collect import haproxy_events, keepalived_events

HAPROXY_LOG = [
    "100.000000 [NOTICE]   (812) : New worker (813) forked",
    "101.500000 [WARNING]  (813) : Server web/webserver01 is DOWN, reason: Layer4 connection "
    "problem, info: \"Connection refused\", check duration: 0ms. 1 active and 0 backup servers "
    "left. 0 sessions active, 0 requeued, 0 remaining in queue.",
    "101.500100 Server web/webserver01 is DOWN, reason: Layer4 connection problem",
    "104.250000 [WARNING]  (813) : Server web/webserver01 is UP, reason: Layer7 check passed, "
    "code: 200, check duration: 3ms. 2 active and 0 backup servers online.",
    "105.000000 [WARNING]  (813) : Backup Server db/mariadb02 is DOWN, reason: Layer7 wrong "
    "status, code: 503",
    "not a stamped line",
]


def test_haproxy_changes_parsed_once():
    events = haproxy_events(HAPROXY_LOG, host="haproxy01", t0_mono_s=100.0)
    assert [(e.backend, e.server, e.state) for e in events] == [
        ("web", "webserver01", "DOWN"),
        ("web", "webserver01", "UP"),
        ("db", "mariadb02", "DOWN"),
    ]
    assert events[0].t_ms == 1500.0
    assert events[0].host == "haproxy01"


def test_haproxy_window_excludes_outside_changes():
    events = haproxy_events(HAPROXY_LOG, host="h", t0_mono_s=102.0, end_mono_s=104.5)
    assert [(e.server, e.state) for e in events] == [("webserver01", "UP")]
    assert events[0].t_ms == 2250.0


def test_keepalived_transitions():
    lines = [
        json.dumps({"t_mono": 50.0, "kind": "keepalived", "host": "haproxy01",
                    "type": "INSTANCE", "name": "VI_WEB", "state": "MASTER", "priority": 101}),
        json.dumps({"t_mono": 52.5, "kind": "keepalived", "host": "haproxy02",
                    "type": "INSTANCE", "name": "VI_WEB", "state": "BACKUP"}),
        json.dumps({"t_mono": 53.0, "kind": "service", "host": "haproxy02"}),
        "{broken json",
    ]
    events = keepalived_events(lines, t0_mono_s=51.0)
    assert len(events) == 2
    assert (events[0].host, events[0].state, events[0].t_ms) == ("haproxy01", "MASTER", 0.0)
    assert events[0].source == "initial"
    assert events[1].host == "haproxy02"
    assert events[1].state == "BACKUP"
    assert events[1].instance == "VI_WEB"
    assert events[1].t_ms == 1500.0
    assert events[1].source == "notify"


def test_keepalived_initial_state_is_last_before_start():
    lines = [
        json.dumps({"t_mono": t, "kind": "keepalived", "host": "haproxy01", "type": "INSTANCE",
                    "name": "VI_WEB", "state": state})
        for t, state in ((10.0, "BACKUP"), (12.0, "MASTER"), (20.0, "FAULT"))
    ]
    events = keepalived_events(lines, t0_mono_s=15.0, end_mono_s=19.0)
    assert [(e.state, e.source) for e in events] == [("MASTER", "initial")]
