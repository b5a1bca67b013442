"""Finding and loading run directories."""

import json

import pytest

from halab.errors import InvalidInput
from halab.report.runs import find_run_dirs, load_run


def test_session_expands_to_runs(session_dir):
    runs = find_run_dirs([session_dir])

    assert len(runs) == 8
    assert all((run / "history.jsonl").is_file() for run in runs)


def test_run_dir_kept_as_is(session_dir):
    run = session_dir / "exp01-roundrobin--exp01--seed--r1"

    assert find_run_dirs([run]) == [run]


def test_dir_without_runs_rejected(tmp_path):
    with pytest.raises(InvalidInput, match="no history.jsonl"):
        find_run_dirs([tmp_path])


def test_name_parts_from_directory(session_dir):
    run = load_run(session_dir / "db-node-crash--full--tuned--r1")

    assert (run.scenario, run.topology_name, run.profile, run.repeat) == (
        "db-node-crash", "full", "tuned", 1)
    assert run.topology is not None
    assert run.problems == []


def test_unreadable_history_is_a_problem(edge_runs):
    run = load_run(edge_runs["unreadable"])

    assert run.history is None
    assert run.verdict["result"] == "unknown"
    assert any("history not loaded" in p for p in run.problems)


def test_recorded_verdict_wins(edge_runs):
    run = load_run(edge_runs["crashed"])

    assert run.verdict["result"] == "unknown"
    assert "ZeroDivisionError" in run.verdict["error"]
    assert run.figures is not None


def test_verdict_computed_without_results(session_dir, tmp_path):
    source = session_dir / "exp02-lb-failover--exp02--seed--r1"
    run_dir = tmp_path / source.name
    run_dir.mkdir()
    (run_dir / "history.jsonl").write_bytes((source / "history.jsonl").read_bytes())

    run = load_run(run_dir)

    # The built-in scenario's seed expectation: max_downtime_ms 6000.
    assert run.verdict["result"] == "pass"
    assert run.verdict["checks"][0]["key"] == "max_downtime_ms"


def test_recorded_writes_kept(session_dir, tmp_path):
    source = session_dir / "exp01-roundrobin--exp01--seed--r1"
    run_dir = tmp_path / source.name
    run_dir.mkdir()
    (run_dir / "history.jsonl").write_bytes((source / "history.jsonl").read_bytes())
    writes = {"acknowledged": 3, "lost": ["probe-000001"], "duplicated": {},
              "unacknowledged_present": []}
    (run_dir / "results.json").write_text(json.dumps({"figures": {"writes": writes}}))

    run = load_run(run_dir)

    assert run.figures["writes"] == writes
