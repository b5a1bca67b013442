"""Statistics of benchmark samples."""

import pytest

from halab.bench.stats import achieved_rate_per_s, distribution, max_gap_ms, ratio


def test_distribution_of_known_values():
    result = distribution([10.0, 20.0, 30.0, 40.0, 50.0])
    assert result["n"] == 5
    assert result["missing"] == 0
    assert result["median"] == 30.0
    assert result["p95"] == pytest.approx(48.0)
    assert result["p99"] == pytest.approx(49.6)
    assert result["max"] == 50.0


def test_distribution_counts_missing_values():
    result = distribution([None, 5.0, None])
    assert result["n"] == 1
    assert result["missing"] == 2
    assert result["median"] == 5.0
    assert result["max"] == 5.0


def test_distribution_of_nothing_is_none():
    result = distribution([])
    assert result["n"] == 0
    assert result["median"] is None
    assert result["p99"] is None


def test_achieved_rate_from_start_times():
    starts = [i * 20.0 for i in range(51)]  # 50 intervals of 20 ms: 50 requests/s
    assert achieved_rate_per_s(starts) == pytest.approx(50.0)


@pytest.mark.parametrize("starts", [[], [5.0], [3.0, 3.0]])
def test_achieved_rate_undefined(starts):
    assert achieved_rate_per_s(starts) is None


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [(9.0, 10.0, 0.9), (None, 10.0, None), (5.0, None, None), (5.0, 0.0, None)],
)
def test_ratio(numerator, denominator, expected):
    assert ratio(numerator, denominator) == expected


def test_max_gap_is_order_independent():
    assert max_gap_ms([300.0, 0.0, 100.0, 2500.0]) == 2200.0


def test_max_gap_needs_two_times():
    assert max_gap_ms([1.0]) is None
