"""Throughput benchmark: the cart page at fixed rates, through the VIP and straight to one web
server, and gunicorn against Flask's development server.

Lab part (root): one lab comes up. From the client namespace, the probe sends logged-in GETs of
/cart at each rate, first through the VIP, then to the first web server's own address and app
port, in one run, so both see the same machine. With `use_wrk`, wrk also measures the highest
rate each target sustains with a fixed number of connections. The ratio VIP/direct of
successful requests per second shows what the balancer tier costs, and the target is 0.9 or more at
every rate.

Loopback part (no root): the app with SQLite, once under gunicorn and once under Flask's
development server, at the same rates.
"""

from __future__ import annotations

import logging
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from halab.bench import wrk
from halab.bench.loopback import DEMO_EMAIL, AppProcess
from halab.bench.probe_runs import ProbeLoad, run_probe
from halab.bench.stats import ratio
from halab.bench.targets import Target
from halab.experiments.run import client_host, web_url
from halab.experiments.steady import wait_steady
from halab.lab import secrets
from halab.lab.down import down
from halab.lab.lab import Lab
from halab.lab.up import up
from halab.topology.model import Role

log = logging.getLogger(__name__)

DEFAULT_RATES_PER_S = (50.0, 100.0, 200.0, 400.0)
REQUEST_TIMEOUT_MS = 1000.0
WRK_CONNECTIONS = 16
SERVERS = ("gunicorn", "flask-dev")

TARGETS = [Target("VIP throughput at least 0.9 of direct", "vip/direct", "ok_rate_ratio", "min",
                  0.9, at_least=True)]


def direct_url(lab: Lab) -> str:
    """Return the URL of the first web server's app, bypassing the balancers."""
    web = lab.topology.hosts_with_role(Role.WEB)[0]
    return f"http://{web.address}:{lab.topology.app.port}"


def measure_targets(lab: Lab, rates_per_s: list[float], duration_s: float,
                    out_dir: Path) -> list[dict[str, Any]]:
    """Probe the VIP and the direct URL at each rate from the client namespace."""
    wrap = lab.ctx.in_namespace(client_host(lab.topology), [])
    password_file = secrets.secret_path(lab.ctx.state, "demo_password")
    urls = {"vip": web_url(lab.topology), "direct": direct_url(lab)}
    rows = []
    for rate in rates_per_s:
        row: dict[str, Any] = {"rate_per_s": rate}
        for target, url in urls.items():
            load = ProbeLoad(url=url, rate_per_s=rate, duration_s=duration_s,
                             timeout_ms=REQUEST_TIMEOUT_MS, email=DEMO_EMAIL,
                             password_file=password_file)
            row[target] = run_probe(load, out_dir / f"{target}-{rate:g}.jsonl", wrap)
        row["ok_rate_ratio"] = ratio(row["vip"]["ok_rate_per_s"], row["direct"]["ok_rate_per_s"])
        row["median_latency_ratio"] = ratio(row["vip"]["latency_ok_ms"]["median"],
                                            row["direct"]["latency_ok_ms"]["median"])
        rows.append(row)
    return rows


def measure_wrk(lab: Lab, duration_s: float) -> dict[str, Any]:
    """Run wrk against the VIP and the direct URL with the demo customer's session cookie."""
    client = client_host(lab.topology)
    wrap = lab.ctx.in_namespace(client, [])
    password_file = secrets.secret_path(lab.ctx.state, "demo_password")
    results: dict[str, Any] = {}
    for target, url in (("vip", web_url(lab.topology)), ("direct", direct_url(lab))):
        login = lab.run_in(client, [sys.executable, "-m", "halab.bench.login", "--url", url,
                                    "--email", DEMO_EMAIL, "--password-file", str(password_file)])
        argv = wrk.wrk_argv(url.rstrip("/") + "/cart", WRK_CONNECTIONS, duration_s,
                            cookie=login.stdout.strip())
        results[target] = wrk.run_wrk(argv, wrap, timeout_s=duration_s + 60)
    results["rate_ratio"] = ratio(results["vip"]["rate_per_s"], results["direct"]["rate_per_s"])
    return results


def measure_lab(topology: str, profile: str, lab_name: str | None, rates_per_s: list[float],
                duration_s: float, use_wrk: bool, out_dir: Path,
                say: Callable[[str], None]) -> dict[str, Any]:
    """Bring a lab up, measure VIP and direct, and bring it down."""
    say(f"bringing up {topology} with profile {profile}")
    result = up(topology, profile, lab_name=lab_name, web_port=0, stats_port=0)
    try:
        lab = Lab.attach(result.lab)
        wait_steady(lab)
        say("probing the VIP and the direct URL")
        data: dict[str, Any] = {"rates": measure_targets(lab, rates_per_s, duration_s, out_dir)}
        if use_wrk:
            say("running wrk against the VIP and the direct URL")
            data["wrk"] = measure_wrk(lab, duration_s)
        return data
    finally:
        say(f"bringing down {topology}")
        down(result.lab)


def measure_servers(rates_per_s: list[float], duration_s: float,
                    out_dir: Path) -> list[dict[str, Any]]:
    """Probe the cart page on loopback under gunicorn and under Flask's development server."""
    rows: list[dict[str, Any]] = [{"rate_per_s": rate} for rate in rates_per_s]
    for server in SERVERS:
        with tempfile.TemporaryDirectory(prefix=f"halab-bench-{server}-") as folder, \
                AppProcess(server, Path(folder)) as app:
            for row in rows:
                load = ProbeLoad(url=app.url, rate_per_s=row["rate_per_s"],
                                 duration_s=duration_s, timeout_ms=REQUEST_TIMEOUT_MS,
                                 email=DEMO_EMAIL, password_file=app.password_file)
                row[server] = run_probe(load, out_dir / f"{server}-{row['rate_per_s']:g}.jsonl")
    for row in rows:
        row["ok_rate_ratio"] = ratio(row["gunicorn"]["ok_rate_per_s"],
                                     row["flask-dev"]["ok_rate_per_s"])
    return rows
