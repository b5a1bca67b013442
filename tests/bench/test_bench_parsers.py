"""Parsers of wrk reports and probe output files, on recorded samples."""

from pathlib import Path

import pytest

from halab.bench.probe_runs import ProbeLoad, figures_of, load_figures, load_records
from halab.bench.wrk import parse_wrk, to_ms, wrk_argv
from halab.errors import InvalidInput

DATA = Path(__file__).parent / "data"


def test_wrk_report_from_loopback():
    report = parse_wrk((DATA / "wrk-loopback.txt").read_text())
    assert report["requests"] == 25883
    assert report["duration_s"] == pytest.approx(2.10)
    assert report["rate_per_s"] == pytest.approx(12328.27)
    assert report["latency_ms"]["median"] == pytest.approx(0.407)
    assert report["latency_ms"]["p90"] == pytest.approx(2.93)
    assert report["latency_ms"]["p99"] == pytest.approx(21.20)
    assert report["socket_errors"] == {"connect": 0, "read": 0, "write": 0, "timeout": 0}
    assert report["non_2xx_3xx"] == 0


def test_wrk_report_with_errors():
    report = parse_wrk((DATA / "wrk-errors.txt").read_text())
    assert report["socket_errors"] == {"connect": 0, "read": 12, "write": 0, "timeout": 3}
    assert report["non_2xx_3xx"] == 7
    assert report["latency_ms"]["p99"] == pytest.approx(1020.0)
    assert report["rate_per_s"] == pytest.approx(189.81)


def test_wrk_report_without_rate_is_rejected():
    with pytest.raises(InvalidInput, match="Requests/sec"):
        parse_wrk("unable to connect to 127.0.0.1:1 Connection refused\n")


@pytest.mark.parametrize(
    ("number", "unit", "ms"),
    [("407.00", "us", 0.407), ("2.5", "ms", 2.5), ("1.02", "s", 1020.0), ("1", "m", 60000.0)],
)
def test_wrk_time_units(number, unit, ms):
    assert to_ms(number, unit) == pytest.approx(ms)


def test_wrk_argv_sends_the_cookie():
    argv = wrk_argv("http://198.18.0.100/cart", 16, 5, cookie="session=abc")
    assert argv[:5] == ["wrk", "-t2", "-c16", "-d5s", "--latency"]
    assert argv[5:7] == ["-H", "Cookie: session=abc"]
    assert argv[-1] == "http://198.18.0.100/cart"


def test_probe_output_records():
    header, records = load_records(DATA / "probe-vip-200.jsonl")
    assert header["settings"]["rate_per_s"] == 200.0
    assert len(records) == 6
    assert sum(1 for r in records if r["outcome"] == "timeout") == 2


def test_probe_output_figures():
    figures = load_figures(DATA / "probe-vip-200.jsonl")
    assert figures["requests"] == 6
    assert figures["ok"] == 4
    assert figures["failed"] == 2
    assert figures["latency_ok_ms"]["median"] == pytest.approx(11.762)
    assert figures["lag_ms"]["median"] == pytest.approx(0.6475)
    assert figures["lag_ms"]["max"] == pytest.approx(1.175)
    assert figures["ok_rate_per_s"] == pytest.approx(0.8)  # 4 successes over the 5 s duration
    assert figures["sent_rate_per_s"] == pytest.approx(5 / 3.464316)
    assert figures["offered_rate_per_s"] == 200.0


def test_probe_figures_without_duration_leave_ok_rate_unset():
    assert figures_of([], None)["ok_rate_per_s"] is None


def test_probe_output_without_header_is_rejected(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"kind": "request"}\n')
    with pytest.raises(InvalidInput, match="probe_header"):
        load_records(path)


def test_probe_output_with_broken_line_is_rejected(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"kind": "probe_header"}\n{"kind": \n')
    with pytest.raises(InvalidInput, match="line 2 is not valid JSON"):
        load_records(path)


def test_probe_load_argv_logged_in(tmp_path):
    load = ProbeLoad("http://198.18.0.100:80", 200, 5, email="a@b.test",
                     password_file=tmp_path / "pw")
    argv = load.argv(tmp_path / "out.jsonl")
    assert argv[argv.index("--rate") + 1] == "200"
    assert argv[argv.index("--write-fraction") + 1] == "0"
    assert argv[argv.index("--password-file") + 1] == str(tmp_path / "pw")
    assert "--no-login" not in argv
    assert "--keep-alive" in argv


def test_probe_load_argv_anonymous(tmp_path):
    argv = ProbeLoad("http://127.0.0.1:1", 50, 2, path="/").argv(tmp_path / "o.jsonl")
    assert argv[argv.index("--path") + 1] == "/"
    assert "--no-login" in argv
