"""Cost benchmark: `up` and `down` wall time, the lab's peak memory, and the probe's accuracy.

Each repeat brings the topology up under the lab name given, runs the probe for `load_s`
seconds from the client namespace through the VIP (logged in, with writes), and brings it down.
Memory is sampled during `up` and the load (see `memory`). Wall times are of the library calls
`halab.lab.up.up` and `halab.lab.down.down`, which `halab up` and `halab down` run.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from halab.bench.accuracy import accuracy_table, measure_accuracy
from halab.bench.loopback import DEMO_EMAIL
from halab.bench.memory import PeakSampler
from halab.bench.output import BenchResult, Table, command_line
from halab.bench.probe_runs import ProbeLoad, run_probe
from halab.bench.stats import distribution
from halab.errors import InvalidInput
from halab.experiments.run import client_host, web_url
from halab.lab import secrets
from halab.lab.down import down
from halab.lab.lab import Lab
from halab.lab.state import LabState
from halab.lab.up import up

log = logging.getLogger(__name__)

LOAD_RATE_PER_S = 50.0


def short_load(lab: Lab, load_s: float, out: Path) -> dict[str, Any]:
    """Run the probe through the VIP for `load_s` seconds and return its figures."""
    load = ProbeLoad(url=web_url(lab.topology), rate_per_s=LOAD_RATE_PER_S, duration_s=load_s,
                     timeout_ms=1000.0, email=DEMO_EMAIL,
                     password_file=secrets.secret_path(lab.ctx.state, "demo_password"))
    return run_probe(load, out, lab.ctx.in_namespace(client_host(lab.topology), []))


def measure_once(topology: str, profile: str | None, lab_name: str, load_s: float,
                 out: Path) -> dict[str, Any]:
    """Bring the lab up, load it and bring it down, and return wall times and peak memory."""
    down(lab_name)  # A lab left over by an interrupted run of the same name.
    state = LabState.for_lab(lab_name)
    row: dict[str, Any] = {}
    sampler = PeakSampler(state)
    try:
        # The sampler stops before `down`, because samples taken while `down` stopped the lab
        # gave higher PSS sums from fewer processes than the running lab.
        with sampler:
            started = time.monotonic()
            up(topology, profile, lab_name=lab_name, web_port=0, stats_port=0)
            row["up_s"] = time.monotonic() - started
            if load_s > 0:
                row["load"] = short_load(Lab.attach(lab_name), load_s, out)
    finally:
        started = time.monotonic()
        down(lab_name)
        row["down_s"] = time.monotonic() - started
    row["peak"] = sampler.peak
    row["memory_samples"] = sampler.samples
    return row


def cost_tables(summary: dict[str, Any], topology: str) -> list[Table]:
    table = Table(f"Lab cost of {topology} (s and MiB; median / max over repeats)",
                  ["figure", "median", "max"])
    for key, label in (("up_s", "`halab up` wall time (s)"),
                       ("down_s", "`halab down` wall time (s)"),
                       ("peak_pss_mib", "peak PSS (MiB)"),
                       ("peak_rss_mib", "peak RSS, shared pages counted per process (MiB)"),
                       ("processes", "processes at the peak"),
                       ("load_failed", "failed requests of the load after `up`")):
        table.rows.append([label, summary[key]["median"], summary[key]["max"]])
    return [table]


def bench_cost(repeat: int, out_dir: Path, lab_name: str, topology: str = "full",
               profile: str | None = "tuned", load_s: float = 10.0,
               accuracy_rates: list[float] | None = None, accuracy_s: float = 10.0,
               progress: Callable[[str], None] | None = None) -> BenchResult:
    """Measure up/down time and memory `repeat` times, then the probe's accuracy."""
    if repeat < 1:
        raise InvalidInput(f"repeat {repeat}: expected 1 or more")
    say = progress or (lambda _message: None)
    folder = out_dir / "cost"
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    for index in range(1, repeat + 1):
        say(f"cost: up, load and down of {topology} ({index}/{repeat})")
        rows.append(measure_once(topology, profile, lab_name, load_s,
                                 folder / f"load-{index}.jsonl"))
    summary = {
        "up_s": distribution(r.get("up_s") for r in rows),
        "down_s": distribution(r.get("down_s") for r in rows),
        "peak_pss_mib": distribution(r["peak"]["pss_mib"] for r in rows),
        "peak_rss_mib": distribution(r["peak"]["rss_mib"] for r in rows),
        "processes": distribution(r["peak"]["processes"] for r in rows),
        "load_failed": distribution((r.get("load") or {}).get("failed") for r in rows),
    }
    tables = cost_tables(summary, topology)
    data: dict[str, Any] = {"topology": topology, "profile": profile, "load_s": load_s,
                            "runs": rows, "summary": summary}
    if accuracy_rates:
        say("cost: the probe's accuracy on loopback")
        data["probe_accuracy"] = measure_accuracy(accuracy_rates, accuracy_s,
                                                  folder / "probe-accuracy")
        tables.append(accuracy_table(data["probe_accuracy"]))
    return BenchResult("cost", command_line(), data, tables)
