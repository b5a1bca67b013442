"""The open-loop probe against servers on 127.0.0.1."""

from __future__ import annotations

import threading
import time

import pytest

from halab.errors import HalabError, InvalidInput
from halab.experiments.history import RequestEvent
from halab.probe import ClientSettings, ProbeClient, Schedule, run_probe


def collect(client: ProbeClient, schedule: Schedule, stop=None) -> list[dict]:
    records: list[dict] = []
    lock = threading.Lock()

    def keep(record: dict) -> None:
        with lock:
            records.append(record)

    run_probe(client, schedule, keep, stop)
    return sorted(records, key=lambda r: r["seq"])


# Tests that expect every reply use a long timeout, so a loaded CI machine cannot fail them.
def anonymous(url: str, path: str = "/health", timeout_ms: float = 2000.0) -> ProbeClient:
    return ProbeClient(
        ClientSettings(url=url, login=False, anonymous_path=path, timeout_ms=timeout_ms)
    )


def test_rate_gives_expected_request_count(http_server):
    schedule = Schedule(rate_per_s=100, duration_s=2.0, write_fraction=0)

    began = time.monotonic()
    records = collect(anonymous(http_server), schedule)
    elapsed_s = time.monotonic() - began

    assert len(records) == 200
    assert [r["seq"] for r in records] == list(range(200))
    assert records[-1]["scheduled_ms"] == pytest.approx(1990.0, abs=0.01)
    # Generous bounds: the schedule spans 2 s; a loaded CI machine may lag, never run early.
    assert 1.9 <= elapsed_s < 6.0
    assert all(r["start_ms"] >= r["scheduled_ms"] for r in records)


def test_records_served_by_and_status(http_server, server_name):
    records = collect(
        anonymous(http_server), Schedule(rate_per_s=50, duration_s=0.2, write_fraction=0)
    )

    assert records
    assert {r["outcome"] for r in records} == {"ok"}
    assert {r["served_by"] for r in records} == {server_name}
    assert {r["status"] for r in records} == {200}
    assert {r["op"] for r in records} == {"read"}


def test_records_are_history_requests(http_server):
    records = collect(
        anonymous(http_server), Schedule(rate_per_s=50, duration_s=0.2, write_fraction=0)
    )

    events = [RequestEvent.model_validate(r) for r in records]

    assert len(events) == len(records)
    assert all(e.end_ms >= e.start_ms for e in events)


def test_slow_reply_recorded_as_timeout(http_server):
    records = collect(
        anonymous(http_server, "/slow", timeout_ms=100),
        Schedule(rate_per_s=10, duration_s=0.1, write_fraction=0),
    )

    assert [r["outcome"] for r in records] == ["timeout"]
    assert records[0]["status"] is None
    assert records[0]["latency_ms"] < 450


def test_open_loop_does_not_wait_for_replies(http_server):
    # Each reply takes 0.5 s; a closed loop would need 5 s for ten requests.
    schedule = Schedule(rate_per_s=20, duration_s=0.5, write_fraction=0)

    records = collect(anonymous(http_server, "/slow", timeout_ms=2000), schedule)

    assert len(records) == 10
    assert {r["outcome"] for r in records} == {"ok"}
    assert max(r["start_ms"] for r in records) < 1000
    assert min(r["latency_ms"] for r in records) >= 450


def test_refused_port_recorded_as_refused(closed_port):
    client = anonymous(f"http://127.0.0.1:{closed_port}")

    records = collect(client, Schedule(rate_per_s=20, duration_s=0.2, write_fraction=0))

    assert {r["outcome"] for r in records} == {"refused"}
    assert "ConnectionRefusedError" in records[0]["error"]


def test_reset_connection_recorded_as_reset(resetting_server):
    records = collect(
        anonymous(resetting_server), Schedule(rate_per_s=20, duration_s=0.2, write_fraction=0)
    )

    assert {r["outcome"] for r in records} == {"reset"}


def test_server_error_recorded_as_http_5xx(http_server):
    records = collect(
        anonymous(http_server, "/broken"), Schedule(rate_per_s=20, duration_s=0.1, write_fraction=0)
    )

    assert [(r["outcome"], r["status"]) for r in records] == [("http_5xx", 503)] * 2


def test_stop_event_ends_run_early(http_server):
    stop = threading.Event()
    threading.Timer(0.3, stop.set).start()

    records = collect(
        anonymous(http_server), Schedule(rate_per_s=50, duration_s=30, write_fraction=0), stop
    )

    assert 5 <= len(records) <= 40


def test_writes_need_login(http_server):
    with pytest.raises(InvalidInput):
        run_probe(anonymous(http_server), Schedule(write_fraction=0.5), lambda r: None)


def logged_in(app_server, password: str | None = None, **settings) -> ProbeClient:
    return ProbeClient(
        ClientSettings(
            url=app_server.url,
            email=app_server.email,
            password=password or app_server.password,
            **settings,
        )
    )


def stored_tipos(app) -> list[str]:
    from halab.app.extensions import db
    from halab.app.models import Item

    with app.app_context():
        return sorted(db.session.scalars(db.select(Item.tipo)))


def test_logged_in_mix_on_real_app(app_server, server_name):
    client = logged_in(app_server, timeout_ms=2000)
    client.prepare()
    schedule = Schedule(rate_per_s=20, duration_s=1.0, write_fraction=0.5, run_id="t1", seed=7)

    records = collect(client, schedule)

    writes = [r for r in records if r["op"] == "write"]
    reads = [r for r in records if r["op"] == "read"]
    assert len(records) == 20
    assert writes
    assert reads
    assert {r["outcome"] for r in records} == {"ok"}
    assert {r["status"] for r in reads} == {200}
    assert {r["status"] for r in writes} == {303}
    assert {r["served_by"] for r in records} == {server_name}
    assert all(r["write_id"] == f"probe-t1-{r['seq']}" for r in writes)
    assert stored_tipos(app_server.app) == sorted(r["write_id"] for r in writes)


def test_login_with_wrong_password_fails(app_server):
    client = logged_in(app_server, password="wrong-password", login_timeout_s=0.1)

    with pytest.raises(HalabError) as caught:
        client.prepare()

    assert "POST /login: status 401" in str(caught.value)
    assert "wrong-password" not in str(caught.value)


def test_get_only_mode_sends_no_write(app_server):
    client = logged_in(app_server, timeout_ms=2000)
    client.prepare()

    records = collect(client, Schedule(rate_per_s=20, duration_s=0.5, write_fraction=0))

    assert {r["op"] for r in records} == {"read"}
    assert {r["outcome"] for r in records} == {"ok"}
    assert stored_tipos(app_server.app) == []


def test_cut_off_reply_recorded_as_reset(truncating_server):
    records = collect(
        anonymous(truncating_server), Schedule(rate_per_s=20, duration_s=0.1, write_fraction=0)
    )

    assert {r["outcome"] for r in records} == {"reset"}
