"""Pure statistics of benchmark samples: distributions, rates and ratios.

Percentiles interpolate linearly between closest ranks, as `halab.experiments.analysis` does, so
a benchmark's median matches the experiment summary's median of the same runs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from halab.experiments.analysis import percentile

QUANTILES = (("median", 0.5), ("p95", 0.95), ("p99", 0.99), ("max", 1.0))


def distribution(values: Iterable[float | None]) -> dict[str, float | int | None]:
    """Return n, missing (None values), median, p95, p99 and max of `values`."""
    values = list(values)
    present = [float(v) for v in values if v is not None]
    result: dict[str, float | int | None] = {
        "n": len(present),
        "missing": len(values) - len(present),
    }
    for name, fraction in QUANTILES:
        result[name] = percentile(present, fraction) if present else None
    return result


def achieved_rate_per_s(start_times_ms: Sequence[float]) -> float | None:
    """Return the rate at which requests started: (n - 1) intervals over first-to-last span.

    None with fewer than two requests or when every request started at the same instant.
    """
    if len(start_times_ms) < 2:
        return None
    span_ms = max(start_times_ms) - min(start_times_ms)
    if span_ms <= 0:
        return None
    return (len(start_times_ms) - 1) / span_ms * 1000.0


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    """Return numerator / denominator, or None when either is missing or the denominator is 0."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator


def max_gap_ms(times_ms: Iterable[float]) -> float | None:
    """Return the longest span between consecutive times, or None with fewer than two."""
    ordered = sorted(times_ms)
    if len(ordered) < 2:
        return None
    return max(later - earlier for earlier, later in zip(ordered, ordered[1:], strict=False))
