"""Tables and the result of the throughput benchmark (the measuring is in `throughput`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from halab.bench.output import BenchResult, Table, command_line
from halab.bench.targets import check_all
from halab.bench.throughput import TARGETS, measure_lab, measure_servers


def probe_cells(figures: dict[str, Any]) -> list[Any]:
    latency = figures["latency_ok_ms"]
    return [figures["ok_rate_per_s"], latency["median"], latency["p99"], figures["failed"]]


def pair_table(title: str, rows: list[dict[str, Any]], left: str, right: str) -> Table:
    headers = ["rate (req/s)"]
    for name in (left, right):
        headers += [f"{name} ok/s", f"{name} median (ms)", f"{name} p99 (ms)", f"{name} failed"]
    table = Table(title, [*headers, f"{left}/{right} ok/s"])
    for row in rows:
        table.rows.append([row["rate_per_s"], *probe_cells(row[left]), *probe_cells(row[right]),
                           row["ok_rate_ratio"]])
    return table


def wrk_table(results: dict[str, Any]) -> Table:
    table = Table("wrk, closed loop (highest sustained rate)",
                  ["target", "req/s", "median (ms)", "p99 (ms)", "non-2xx/3xx",
                   "socket errors"])
    for target in ("vip", "direct"):
        figures = results[target]
        table.rows.append([target, figures["rate_per_s"], figures["latency_ms"]["median"],
                           figures["latency_ms"]["p99"], figures["non_2xx_3xx"],
                           sum(figures["socket_errors"].values())])
    table.rows.append(["vip/direct", results["rate_ratio"], None, None, None, None])
    return table


def lab_summaries(rows: list[dict[str, Any]]) -> dict[str, dict[str, dict[str, Any]]]:
    ratios = [r["ok_rate_ratio"] for r in rows if r["ok_rate_ratio"] is not None]
    return {"vip/direct": {"ok_rate_ratio": {"min": min(ratios) if ratios else None}}}


def bench_throughput(rates_per_s: list[float], duration_s: float, out_dir: Path,
                     lab_name: str | None, topology: str = "exp02", profile: str = "tuned",
                     use_wrk: bool = True, servers: bool = True,
                     progress: Callable[[str], None] | None = None) -> BenchResult:
    """Measure VIP against direct in a lab, then gunicorn against Flask's development server."""
    say = progress or (lambda _message: None)
    folder = out_dir / "throughput"
    folder.mkdir(parents=True, exist_ok=True)
    lab = measure_lab(topology, profile, lab_name, rates_per_s, duration_s, use_wrk, folder, say)
    checks = check_all(TARGETS, lab_summaries(lab["rates"]))
    tables = [pair_table(f"Cart page through the VIP and direct to one web server "
                         f"({topology}/{profile}, {duration_s:g} s per rate)",
                         lab["rates"], "vip", "direct")]
    if "wrk" in lab:
        tables.append(wrk_table(lab["wrk"]))
    data: dict[str, Any] = {"rates_per_s": rates_per_s, "duration_s": duration_s,
                            "topology": topology, "profile": profile, "lab": lab,
                            "targets": checks}
    if servers:
        say("comparing gunicorn and Flask's development server on loopback")
        data["servers"] = measure_servers(rates_per_s, duration_s, folder)
        tables.append(pair_table("Cart page on loopback with SQLite: gunicorn (2 workers) "
                                 "against Flask's development server", data["servers"],
                                 "gunicorn", "flask-dev"))
    tables.append(Table("Targets", ["target", "measured", "status"],
                        [[c["title"], c["measured"], c["status"]] for c in checks]))
    return BenchResult("throughput", command_line(), data, tables)
