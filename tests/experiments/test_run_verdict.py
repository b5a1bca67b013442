"""A run whose requests failed before its first fault is not a pass."""

import pytest

from halab.experiments.history import FaultEvent, History, RequestEvent, new_header
from halab.experiments.run import failures_before_first_fault, flag_unsteady_start


def request(seq: int, start_ms: float, outcome: str = "ok") -> RequestEvent:
    return RequestEvent(t_ms=start_ms, seq=seq, op="read", scheduled_ms=start_ms,
                        start_ms=start_ms, end_ms=start_ms + 5, latency_ms=5.0, outcome=outcome,
                        status=200 if outcome == "ok" else None)


def history_with(failing_before: int) -> History:
    history = History(new_header("r1", "s", "tuned", "exp02"))
    for seq in range(100):
        outcome = "timeout" if seq < failing_before else "ok"
        history.append(request(seq, seq * 20.0, outcome))
    history.append(FaultEvent(kind="fault", t_ms=1000.0, fault_id="lb", name="lb",
                              action="stop"))
    return history


def test_failures_counted_before_fault():
    assert failures_before_first_fault(history_with(3)) == (3, 50)
    assert failures_before_first_fault(history_with(0)) == (0, 50)


def test_unsteady_pass_becomes_unknown():
    results = {"verdict": {"result": "pass", "checks": [], "error": None}}

    flag_unsteady_start(results, history_with(3))

    assert results["verdict"]["result"] == "unknown"
    assert "3 of 50 requests failed before the first fault" in results["verdict"]["error"]
    assert results["failed_before_first_fault"] == 3


@pytest.mark.parametrize("failing", [0, 1])
def test_steady_pass_kept(failing):
    results = {"verdict": {"result": "pass", "checks": [], "error": None}}

    flag_unsteady_start(results, history_with(failing))

    assert results["verdict"]["result"] == "pass"
    assert results["failed_before_first_fault"] == failing


def test_fail_not_softened():
    results = {"verdict": {"result": "fail", "checks": [], "error": None}}

    flag_unsteady_start(results, history_with(5))

    assert results["verdict"]["result"] == "fail"
