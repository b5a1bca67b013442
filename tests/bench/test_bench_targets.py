"""Target checks: met, not met and unknown."""

import pytest

from halab.bench import failover, soak, throughput
from halab.bench.targets import MET, NOT_MET, UNKNOWN, Target, check_all, check_target

UPPER = Target("upper bound", "g", "downtime_ms", "median", 100.0)
LOWER = Target("lower bound", "g", "ratio", "min", 0.9, at_least=True)


@pytest.mark.parametrize(
    ("target", "measured", "status"),
    [
        (UPPER, 99.0, MET),
        (UPPER, 100.0, MET),
        (UPPER, 100.5, NOT_MET),
        (UPPER, None, UNKNOWN),
        (LOWER, 0.95, MET),
        (LOWER, 0.9, MET),
        (LOWER, 0.89, NOT_MET),
        (LOWER, None, UNKNOWN),
    ],
)
def test_check_target(target, measured, status):
    assert check_target(target, measured)["status"] == status


def test_check_row_names_the_bound():
    row = check_target(UPPER, 50.0)
    assert row["target"] == "downtime_ms median <= 100"
    assert row["measured"] == 50.0
    assert row["group"] == "g"


def test_check_all_reads_nested_summaries():
    summaries = {"g": {"downtime_ms": {"median": 150.0}}}
    rows = check_all([UPPER, LOWER], summaries)
    assert [r["status"] for r in rows] == [NOT_MET, UNKNOWN]


def test_failover_targets_are_the_tuned_profile():
    groups = {t.group for t in failover.TARGETS}
    assert groups == {f"{s}/tuned" for s in failover.SCENARIOS}
    assert all(t.metric in failover.METRICS for t in failover.TARGETS)


def test_every_benchmark_target_has_a_bound():
    for target in [*failover.TARGETS, *soak.TARGETS, *throughput.TARGETS]:
        assert target.describe().endswith(f"{target.limit:g}")
