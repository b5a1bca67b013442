"""The probe's own accuracy: how late it starts each request against its schedule.

The probe runs on loopback against `StaticServer` at each rate, so the server adds almost no
delay and the lag (`start_ms - scheduled_ms`) is the probe's: its scheduler thread, its thread
pool and the machine's load. No lab and no root needed.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from halab.bench.loopback import StaticServer
from halab.bench.output import BenchResult, Table, command_line
from halab.bench.probe_runs import ProbeLoad, run_probe

log = logging.getLogger(__name__)

DEFAULT_RATES_PER_S = (50.0, 200.0, 500.0)


def measure_accuracy(rates_per_s: list[float], duration_s: float, out_dir: Path) -> list[dict]:
    """Run the probe once per rate against a loopback server and return one row per rate."""
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = []
    with StaticServer() as server:
        for rate in rates_per_s:
            load = ProbeLoad(url=server.url, rate_per_s=rate, duration_s=duration_s,
                             timeout_ms=1000.0, path="/")
            figures = run_probe(load, out_dir / f"accuracy-{rate:g}.jsonl")
            rows.append({"rate_per_s": rate, **figures})
    return rows


def accuracy_table(rows: list[dict[str, Any]]) -> Table:
    table = Table("Probe accuracy on loopback (lag = actual start - scheduled start)",
                  ["rate (req/s)", "achieved (req/s)", "lag median (ms)", "lag p99 (ms)",
                   "lag max (ms)", "failed"])
    for row in rows:
        lag = row["lag_ms"]
        table.rows.append([row["rate_per_s"], row["sent_rate_per_s"], lag["median"], lag["p99"],
                           lag["max"], row["failed"]])
    return table


def bench_accuracy(rates_per_s: list[float], duration_s: float, out_dir: Path) -> BenchResult:
    """Measure the probe's accuracy at each rate and return the result."""
    rows = measure_accuracy(rates_per_s, duration_s, out_dir / "probe-accuracy")
    return BenchResult("probe-accuracy", command_line(),
                       {"duration_s": duration_s, "rates": rows}, [accuracy_table(rows)])
