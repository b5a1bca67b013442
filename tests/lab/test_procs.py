"""Process identity: zombies count as dead, a changed start time means another process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from halab.lab import procs
from halab.lab.supervisor import parse_notify_line


def test_zombie_is_not_alive():
    child = subprocess.Popen(["true"])
    deadline = time.monotonic() + 5
    while procs.read_stat(child.pid).state != "Z" and time.monotonic() < deadline:
        time.sleep(0.01)

    assert procs.read_stat(child.pid).state == "Z"
    os.kill(child.pid, 0)  # kill -0 still succeeds on the zombie.
    assert not procs.is_alive(child.pid)
    child.wait()


def test_start_time_mismatch_is_not_signalled():
    child = subprocess.Popen(["sleep", "30"])
    ticks = procs.start_ticks(child.pid)
    try:
        assert procs.is_alive(child.pid, ticks)
        assert not procs.signal_if_same(child.pid, ticks + 1, signal.SIGKILL)
        assert child.poll() is None
        assert procs.signal_if_same(child.pid, ticks, signal.SIGKILL)
        assert child.wait(timeout=5) == -signal.SIGKILL
    finally:
        child.kill()
        child.wait()


def test_terminate_escalates_to_sigkill():
    ignore_term = ("import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
                   "time.sleep(30)")
    child = subprocess.Popen([sys.executable, "-c", ignore_term])
    time.sleep(0.2)
    ticks = procs.start_ticks(child.pid)
    started = time.monotonic()

    survivors = procs.terminate({child.pid: ticks}, timeout_s=0.5)

    assert survivors == {}
    assert time.monotonic() - started < 4
    child.wait(timeout=5)


def test_notify_line_parsed():
    event = parse_notify_line("haproxy01", 'INSTANCE "VI_WEB" MASTER 101\n')

    assert event["host"] == "haproxy01"
    assert event["type"] == "INSTANCE"
    assert event["name"] == "VI_WEB"
    assert event["state"] == "MASTER"
    assert event["priority"] == 101
