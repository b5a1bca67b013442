"""Failover and soak figures from hand-made run results and histories."""

from pathlib import Path

import pytest

from halab.bench.failover import (
    METRICS,
    load_session,
    phase_downtime,
    ratio_rows,
    run_metrics,
    summarize_runs,
    summary_table,
    triple,
    write_gaps,
)
from halab.bench.soak import soak_counts, soak_scenario
from halab.errors import InvalidInput
from halab.experiments.history import (
    FaultEvent,
    HaproxyEvent,
    History,
    RequestEvent,
    new_header,
)
from halab.experiments.session import RunOutcome


def request(seq, start_ms, op="read", outcome="ok"):
    return RequestEvent(t_ms=start_ms, seq=seq, op=op, scheduled_ms=start_ms, start_ms=start_ms,
                        end_ms=start_ms + 2.0, latency_ms=2.0, outcome=outcome,
                        write_id=f"w{seq}" if op == "write" else None)


def figures(apply_ms=None, heal_ms=None, failed_reads=0, failed_writes=0, lost=None):
    disruptions = []
    if apply_ms is not False:
        disruptions.append({"phase": "apply", "downtime_ms": apply_ms})
    if heal_ms is not False:
        disruptions.append({"phase": "heal", "downtime_ms": heal_ms})
    return {
        "requests": {"total": 100, "failed_reads": failed_reads, "failed_writes": failed_writes},
        "disruptions": disruptions,
        "writes": None if lost is None else {"lost": lost},
        "vrrp_transitions": [],
    }


def row(scenario, profile, fault_ms, error=None):
    metrics = dict.fromkeys(METRICS)
    metrics["fault_downtime_ms"] = fault_ms
    return {"scenario": scenario, "profile": profile, "error": error, "metrics": metrics}


def test_phase_downtime_picks_the_phase():
    data = figures(apply_ms=210.0, heal_ms=0.0)
    assert phase_downtime(data, "apply") == 210.0
    assert phase_downtime(data, "heal") == 0.0


def test_phase_downtime_unrecovered_or_absent():
    assert phase_downtime(figures(apply_ms=None, heal_ms=False), "apply") is None
    assert phase_downtime(figures(apply_ms=5.0, heal_ms=False), "heal") is None


def save_history(path: Path, events) -> Path:
    history = History(new_header("r1", "db-node-crash", "tuned", "full"), events)
    history.save(path)
    return path


def mark(kind, t_ms):
    return FaultEvent(kind=kind, t_ms=t_ms, fault_id="db", name="kill mariadb01", action="kill")


def test_write_gaps_count_successful_writes_only(tmp_path):
    events = [request(0, 0.0, "write"), request(1, 100.0, "write", outcome="timeout"),
              request(2, 150.0), request(3, 1900.0, "write"), request(4, 2000.0, "write")]
    path = save_history(tmp_path / "history.jsonl", events)
    assert write_gaps(path) == (None, pytest.approx(1900.0))


def test_write_gaps_in_fault_window_and_run(tmp_path):
    events = [request(0, 0.0, "write"), mark("fault", 1000.0), request(1, 1200.0, "write"),
              request(2, 2500.0, "write"), mark("heal", 3000.0), request(3, 3100.0, "write"),
              request(4, 9100.0, "write")]
    path = save_history(tmp_path / "history.jsonl", events)
    window_gap, run_gap = write_gaps(path)
    assert window_gap == pytest.approx(1300.0)
    assert run_gap == pytest.approx(6000.0)


def test_write_gaps_of_missing_history(tmp_path):
    assert write_gaps(tmp_path / "none.jsonl") == (None, None)


def test_run_metrics_of_a_run(tmp_path):
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    save_history(run_dir / "history.jsonl", [request(0, 0.0, "write"), request(1, 500.0, "write")])
    outcome = RunOutcome("db-node-crash", "full", "tuned", 1, run_dir,
                         results={"figures": figures(1500.0, 0.0, 3, 2, lost=["x"])})
    metrics = run_metrics(outcome)
    assert metrics == {"fault_downtime_ms": 1500.0, "heal_downtime_ms": 0.0,
                       "failed_requests": 5, "failed_reads": 3, "lost_writes": 1,
                       "write_gap_ms": None, "run_write_gap_ms": 500.0}


def test_run_metrics_of_a_failed_run(tmp_path):
    outcome = RunOutcome("web-crash", "exp02", "tuned", 1, tmp_path, error="lab not steady")
    assert run_metrics(outcome) == dict.fromkeys(METRICS)


def test_summarize_runs_groups_by_scenario_and_profile():
    rows = [row("a", "seed", 3000.0), row("a", "seed", 3500.0), row("a", "tuned", 200.0),
            row("a", "tuned", None, error="boom")]
    summaries = summarize_runs(rows)
    assert set(summaries) == {"a/seed", "a/tuned"}
    assert summaries["a/seed"]["fault_downtime_ms"]["median"] == 3250.0
    assert summaries["a/tuned"]["runs"] == 2
    assert summaries["a/tuned"]["errors"] == 1
    assert summaries["a/tuned"]["fault_downtime_ms"]["missing"] == 1


def test_ratio_rows_tuned_over_seed():
    summaries = summarize_runs([row("a", "seed", 4000.0), row("a", "tuned", 200.0),
                                row("b", "tuned", 100.0)])
    by_scenario = {r["scenario"]: r for r in ratio_rows(summaries)}
    assert by_scenario["a"]["tuned_over_seed"] == pytest.approx(0.05)
    assert by_scenario["b"]["tuned_over_seed"] is None


def test_summary_table_has_one_row_per_group():
    summaries = summarize_runs([row("a", "seed", 10.0), row("a", "tuned", None)])
    table = summary_table(summaries)
    assert [r[0] for r in table.rows] == ["a/seed", "a/tuned"]
    assert table.rows[1][3] == "– / – / – (1 missing)"


def test_triple_format():
    assert triple({"median": 1.0, "p95": 2.5, "max": 300.0, "missing": 0}) == "1 / 2.50 / 300"


def test_soak_counts_from_figures_and_history():
    data = figures(apply_ms=False, heal_ms=False, failed_reads=1)
    data["vrrp_transitions"] = [{"from_state": None, "to_state": "MASTER"},
                                {"from_state": "MASTER", "to_state": "BACKUP"}]
    history = History(new_header("r", "soak", "tuned", "exp02"), [
        HaproxyEvent(t_ms=5.0, host="haproxy01", backend="web", server="webserver01",
                     state="DOWN"),
        HaproxyEvent(t_ms=9.0, host="haproxy01", backend="web", server="webserver01",
                     state="UP"),
    ])
    counts = soak_counts(data, history)
    assert counts["vrrp_transitions"] == 1
    assert counts["haproxy_down"] == 1
    assert counts["failed_requests"] == 1
    assert counts["requests"] == 100


def test_soak_counts_of_a_failed_run():
    assert soak_counts(None, None)["vrrp_transitions"] is None


def test_soak_scenario_has_no_steps():
    scenario = soak_scenario("exp02", "tuned", 1.5)
    assert scenario.duration_s == 90.0
    assert scenario.steps == []
    assert scenario.topologies == ["exp02"]


def test_soak_scenario_rejects_zero_minutes():
    with pytest.raises(InvalidInput, match="0 minutes"):
        soak_scenario("exp02", "tuned", 0)


def test_load_session_reads_run_folders(tmp_path):
    run_dir = tmp_path / "web-crash--exp02--tuned--r2"
    run_dir.mkdir()
    (run_dir / "results.json").write_text('{"figures": null}')
    (tmp_path / "summary.json").write_text("[]")
    (tmp_path / "stray").mkdir()
    (outcome,) = load_session(tmp_path)
    assert (outcome.scenario, outcome.topology, outcome.profile) == ("web-crash", "exp02", "tuned")
    assert outcome.repeat == 2
    assert outcome.results == {"figures": None}


def test_load_session_without_runs(tmp_path):
    with pytest.raises(InvalidInput, match="no run folder"):
        load_session(tmp_path)
