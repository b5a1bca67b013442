"""The run history: events, JSON Lines files, thread-safe appends, probe files."""

import json
import threading
import time

import pytest

from halab.errors import InvalidInput
from halab.experiments.history import (
    FaultEvent,
    GaleraEvent,
    HaproxyEvent,
    History,
    NoteEvent,
    RequestEvent,
    VrrpAdvertEvent,
    VrrpEvent,
    import_probe_file,
    new_header,
)


def make_request(seq: int, start_ms: float, outcome: str = "ok") -> RequestEvent:
    return RequestEvent(
        t_ms=start_ms,
        seq=seq,
        op="read",
        scheduled_ms=start_ms,
        start_ms=start_ms,
        end_ms=start_ms + 3.0,
        latency_ms=3.0,
        outcome=outcome,
        status=200 if outcome == "ok" else None,
        served_by="webserver01",
    )


def one_of_each() -> list:
    return [
        make_request(0, 10.0),
        FaultEvent(
            kind="fault",
            t_ms=20.0,
            fault_id="f1",
            name="lb",
            action="stop",
            hosts=["haproxy01"],
            service="haproxy",
        ),
        VrrpEvent(t_ms=25.0, host="haproxy02", instance="VI_WEB", state="MASTER"),
        HaproxyEvent(
            t_ms=26.0, host="haproxy01", backend="web", server="webserver01", state="DOWN"
        ),
        GaleraEvent(
            t_ms=27.0,
            host="mariadb01",
            cluster_size=3,
            cluster_status="Primary",
            local_state="Synced",
        ),
        VrrpAdvertEvent(
            t_ms=28.0, src="198.18.0.11", vrid=51, priority=101, advert_int_ms=1000.0, version=2
        ),
        FaultEvent(kind="heal", t_ms=30.0, fault_id="f1", name="lb", action="start"),
        NoteEvent(t_ms=31.0, text="done"),
    ]


def test_history_save_load_round_trip(tmp_path):
    history = History(new_header("r1", "exp02-lb-failover", "seed", "exp02", ["halab", "x"]))
    history.extend(one_of_each())
    path = tmp_path / "history.jsonl"
    history.save(path)

    loaded = History.load(path)

    assert loaded.header == history.header
    assert loaded.events() == history.events()
    assert [e.kind for e in loaded.events()] == [
        "request",
        "fault",
        "vrrp",
        "haproxy",
        "galera",
        "vrrp_advert",
        "heal",
        "note",
    ]


def test_history_file_starts_with_header(tmp_path):
    history = History(new_header("r1", "s", "tuned", "full"))
    path = tmp_path / "h.jsonl"
    history.save(path)

    first = json.loads(path.read_text().splitlines()[0])

    assert first["kind"] == "run"
    assert first["schema_version"] == 1
    assert first["profile"] == "tuned"
    assert isinstance(first["start_monotonic_s"], float)


def test_events_sorted_by_time():
    history = History(new_header("r1", "s", "seed", "exp01"))
    history.append(make_request(1, 50.0))
    history.append(make_request(0, 10.0))

    assert [e.seq for e in history.requests()] == [0, 1]


def test_appends_from_threads_all_kept():
    history = History(new_header("r1", "s", "seed", "exp01"))

    def worker(base: int) -> None:
        for i in range(500):
            history.append(make_request(base + i, float(i)))

    threads = [threading.Thread(target=worker, args=(n * 1000,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(history) == 4000
    assert len({e.seq for e in history.requests()}) == 4000


def test_stream_keeps_events_written_so_far(tmp_path):
    history = History(new_header("r1", "s", "seed", "exp01"))
    history.append(make_request(0, 1.0))
    path = tmp_path / "stream.jsonl"
    history.stream_to(path)
    history.append(make_request(1, 2.0))

    # Read while the stream is still open, as after a crash.
    loaded = History.load(path)
    history.close()

    assert [e.seq for e in loaded.requests()] == [0, 1]


def test_load_drops_truncated_last_line(tmp_path):
    history = History(new_header("r1", "s", "seed", "exp01"))
    history.append(make_request(0, 1.0))
    path = tmp_path / "cut.jsonl"
    history.save(path)
    with path.open("a") as out:
        out.write('{"kind": "request", "t_ms": 5')

    loaded = History.load(path)

    assert len(loaded) == 1


def test_load_rejects_unknown_kind(tmp_path):
    path = tmp_path / "bad.jsonl"
    header = new_header("r1", "s", "seed", "exp01").model_dump_json()
    path.write_text(header + "\n" + '{"kind": "bogus", "t_ms": 1}\n')

    with pytest.raises(InvalidInput) as caught:
        History.load(path)

    assert "bad.jsonl:2" in caught.value.message


def test_load_rejects_missing_header(tmp_path):
    path = tmp_path / "noheader.jsonl"
    path.write_text(make_request(0, 1.0).model_dump_json() + "\n")

    with pytest.raises(InvalidInput) as caught:
        History.load(path)

    assert "expected 'run'" in caught.value.message


def test_request_rejects_unknown_outcome():
    with pytest.raises(ValueError):
        make_request(0, 1.0, outcome="teapot")


def test_probe_file_shifted_to_run_clock(tmp_path):
    history = History(new_header("r1", "s", "seed", "exp01"))
    probe_start_s = history.header.start_monotonic_s + 2.5
    path = tmp_path / "probe.jsonl"
    record = make_request(0, 10.0).model_dump()
    lines = [
        {"kind": "probe_header", "start_monotonic_s": probe_start_s},
        record,
    ]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))

    count = import_probe_file(path, history)

    assert count == 1
    imported = history.requests()[0]
    assert imported.start_ms == pytest.approx(2510.0)
    assert imported.t_ms == pytest.approx(2510.0)
    assert imported.end_ms == pytest.approx(2513.0)


def test_now_ms_counts_from_run_start():
    history = History(new_header("r1", "s", "seed", "exp01"))
    time.sleep(0.02)

    assert history.now_ms() >= 20.0
    assert history.ms_from_monotonic(history.header.start_monotonic_s + 1.0) == 1000.0
