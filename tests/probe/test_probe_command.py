"""`python -m halab.probe` as its own process: output file, SIGTERM, clock header."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

from halab.experiments.history import History, import_probe_file, new_header
from halab.probe import command_line


def start_probe(*args: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "halab.probe", *args]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def read_lines(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_command_stops_on_sigterm_and_keeps_records(http_server, tmp_path):
    out = tmp_path / "probe.jsonl"
    process = start_probe(
        "--url",
        http_server,
        "--no-login",
        "--rate",
        "50",
        "--duration-s",
        "60",
        "--timeout-ms",
        "2000",
        "--out",
        str(out),
    )
    time.sleep(1.5)
    process.send_signal(signal.SIGTERM)

    _, stderr = process.communicate(timeout=10)

    assert process.returncode == 0, stderr
    lines = read_lines(out)
    assert lines[0]["kind"] == "probe_header"
    requests = lines[1:]
    assert 10 <= len(requests) < 500
    assert {r["outcome"] for r in requests} == {"ok"}


def test_command_output_imports_onto_run_clock(http_server, tmp_path):
    history = History(new_header("r1", "s", "seed", "exp01"))
    out = tmp_path / "probe.jsonl"
    process = start_probe(
        "--url", http_server, "--no-login", "--rate", "20", "--duration-s", "0.5", "--out", str(out)
    )

    _, stderr = process.communicate(timeout=30)

    assert process.returncode == 0, stderr
    header = read_lines(out)[0]
    assert header["settings"]["rate_per_s"] == 20
    assert set(header["clock"]) == {"monotonic_s", "wall_time_s"}
    assert header["start_monotonic_s"] > history.header.start_monotonic_s
    assert import_probe_file(out, history) == 10
    first = history.requests()[0]
    # The probe started after the run header was made, so its times are later on the run clock.
    assert first.start_ms > 0
    assert first.start_ms < history.now_ms()


def test_command_rejects_login_without_password(http_server, tmp_path):
    process = start_probe(
        "--url", http_server, "--email", "a@example.test", "--out", str(tmp_path / "x.jsonl")
    )

    _, stderr = process.communicate(timeout=30)

    assert process.returncode == 3
    assert "login needs an email and a password" in stderr


def test_command_writes_with_login(app_server, tmp_path):
    password_file = tmp_path / "password"
    password_file.write_text(app_server.password + "\n")
    out = tmp_path / "probe.jsonl"
    process = start_probe(
        "--url",
        app_server.url,
        "--email",
        app_server.email,
        "--password-file",
        str(password_file),
        "--rate",
        "20",
        "--duration-s",
        "1",
        "--write-fraction",
        "0.5",
        "--seed",
        "3",
        "--timeout-ms",
        "2000",
        "--run-id",
        "cli",
        "--out",
        str(out),
    )

    _, stderr = process.communicate(timeout=60)

    assert process.returncode == 0, stderr
    requests = read_lines(out)[1:]
    assert len(requests) == 20
    assert {r["outcome"] for r in requests} == {"ok"}
    assert any(r["write_id"] and r["write_id"].startswith("probe-cli-") for r in requests)
    assert app_server.password not in out.read_text()


def test_command_line_without_login(tmp_path):
    argv = command_line(
        "http://198.18.0.100:80",
        tmp_path / "p.jsonl",
        rate_per_s=50,
        duration_s=12.5,
        python="/venv/bin/python",
    )

    assert argv == [
        "/venv/bin/python",
        "-m",
        "halab.probe",
        "--url",
        "http://198.18.0.100:80",
        "--out",
        str(tmp_path / "p.jsonl"),
        "--rate",
        "50",
        "--duration-s",
        "12.5",
        "--timeout-ms",
        "200",
        "--no-login",
        "--path",
        "/health",
    ]


def test_command_line_runs_logged_in_probe(app_server, tmp_path):
    password_file = tmp_path / "password"
    password_file.write_text(app_server.password)
    out = tmp_path / "probe.jsonl"
    argv = command_line(
        app_server.url,
        out,
        rate_per_s=20,
        duration_s=0.5,
        timeout_ms=2000,
        write_fraction=0.5,
        email=app_server.email,
        password_file=password_file,
        run_id="argv",
        python=sys.executable,
    )

    result = subprocess.run(argv, capture_output=True, text=True, timeout=60)

    assert result.returncode == 0, result.stderr
    assert app_server.password not in " ".join(argv)
    requests = read_lines(out)[1:]
    assert len(requests) == 10
    assert {r["outcome"] for r in requests} == {"ok"}
