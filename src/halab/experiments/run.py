"""One run of one scenario on a running lab: probe, timed faults, state changes, analysis.

The run's directory receives `history.jsonl` (the one history every figure comes from),
`probe.jsonl` (the probe's own records), `vrrp-capture.txt`, `topology.json` and
`results.json`. Faults are healed in a `finally`, so an error or Ctrl-C half way through still
leaves the lab as it was found.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from halab.errors import HalabError
from halab.experiments import collect
from halab.experiments.analysis import analyze_run, write_check
from halab.experiments.capture import adverts_to_events, capture_argv
from halab.experiments.history import History, VrrpAdvertEvent, import_probe_file, new_header
from halab.experiments.scenario import Scenario
from halab.experiments.steady import wait_steady
from halab.experiments.watch import GaleraWatcher
from halab.faults.apply import ActiveFaults
from halab.faults.model import Fault
from halab.lab import netns, secrets
from halab.lab.lab import Lab
from halab.lab.services import galera, haproxy
from halab.topology.model import Role, Topology

log = logging.getLogger(__name__)

DEMO_EMAIL = "demo1@example.test"
PROBE_START_TIMEOUT_S = 30.0
# Time for the daemons to log the last reactions before the logs are read.
TAIL_S = 0.5


def web_url(topology: Topology) -> str:
    """Return the URL of the web tier: its VIP, or the address of its only balancer."""
    for balancer in topology.balancers:
        if balancer.mode != "http":
            continue
        if balancer.vrrp_group:
            address = str(topology.vrrp_group(balancer.vrrp_group).vip)
        else:
            address = str(topology.host(balancer.hosts[0]).address)
        return f"http://{address}:{balancer.port}"
    raise HalabError(f"topology {topology.name} has no HTTP balancer for the probe to reach")


def client_host(topology: Topology) -> str:
    clients = topology.hosts_with_role(Role.CLIENT)
    if not clients:
        raise HalabError(f"topology {topology.name} has no client host to run the probe in")
    return clients[0].name


def probe_argv(lab: Lab, scenario: Scenario, run_id: str, out: Path) -> list[str]:
    """Build the probe's command line, run inside the client host's namespace."""
    settings = scenario.probe
    argv = [sys.executable, "-m", "halab.probe", "--url", web_url(lab.topology),
            "--rate", str(settings.rate_per_s), "--duration-s", str(scenario.duration_s),
            "--timeout-ms", str(settings.timeout_ms),
            "--write-fraction", str(settings.write_fraction), "--run-id", run_id,
            "--out", str(out)]
    if settings.login:
        argv += ["--cart-path", settings.path, "--email", DEMO_EMAIL, "--password-file",
                 str(secrets.secret_path(lab.ctx.state, "demo_password"))]
    else:
        argv += ["--no-login", "--path", settings.path]
    return argv


def wait_probe_start(probe: Probe, timeout_s: float) -> float:
    """Wait for the probe's header line and return its start on the monotonic clock."""
    path = probe.out
    log_path = probe.lab.log_file(probe.host, Probe.SERVICE)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not probe.running():
            raise HalabError("the probe exited before it started sending",
                             hint=f"read {log_path}")
        try:
            first = path.read_text().split("\n", 1)[0]
            if first.endswith("}"):
                return float(json.loads(first)["start_monotonic_s"])
        except (FileNotFoundError, json.JSONDecodeError, KeyError):
            pass
        time.sleep(0.05)
    raise HalabError(f"the probe did not start within {timeout_s:.0f} s",
                     hint=f"read {log_path}")


def run_steps(scenario: Scenario, faults: ActiveFaults, start_mono_s: float) -> None:
    """Apply and heal each step at its time after the probe started."""
    for step in sorted(scenario.steps, key=lambda s: s.at_s):
        delay_s = start_mono_s + step.at_s - time.monotonic()
        if delay_s > 0:
            time.sleep(delay_s)
        if step.fault is not None:
            faults.apply(Fault.model_validate(step.fault))
        else:
            faults.heal(step.heal)


def collect_daemon_events(lab: Lab, history: History, end_mono_s: float) -> None:
    """Add the HAProxy and Keepalived changes logged during the run to its history."""
    t0 = history.header.start_monotonic_s
    history.extend(collect.keepalived_events(collect.read_lines(lab.events_file), t0,
                                             end_mono_s))
    for host in haproxy.balancer_hosts(lab.ctx):
        lines = collect.read_lines(lab.log_file(host, "haproxy"))
        history.extend(collect.haproxy_events(lines, host, t0, end_mono_s))


def database_rows(lab: Lab, run_id: str) -> dict[str, list[str] | str]:
    """Return, per database node, the `tipo` of every row this run's probe wrote."""
    name = lab.topology.app.database_name
    sql = (f"SELECT tipo FROM {name}.compras WHERE tipo LIKE "
           f"{galera.sql_string('%' + run_id + '%')};")
    rows: dict[str, list[str] | str] = {}
    for host in galera.db_nodes(lab.ctx):
        try:
            rows[host] = galera.query(lab.ctx, host, sql).splitlines()
        except HalabError as exc:
            rows[host] = f"error: {exc.message}"
    return rows


def combined_tipos(rows: dict[str, list[str] | str]) -> list[str] | None:
    """Merge the nodes' rows: a write counts as lost if any node lacks it, duplicated if any
    node has it twice. None when a node returned an error instead of rows."""
    counts = [Counter(r) for r in rows.values() if isinstance(r, list)]
    if not counts or len(counts) < len(rows):
        return None
    merged: list[str] = []
    for tipo in set().union(*counts):
        per_node = [c[tipo] for c in counts]
        merged += [tipo] * (0 if min(per_node) == 0 else max(per_node))
    return merged


class Capture:
    """tcpdump of VRRP on the lab's bridge, run by the supervisor as a service of the client host.

    The supervisor appends its output to one log across runs. The capture therefore remembers
    where the log ended when it started, and copies only this run's lines into the run directory.
    """

    SERVICE = "vrrp-capture"

    def __init__(self, lab: Lab, host: str):
        self.lab = lab
        self.host = host
        self.log_path = lab.log_file(host, self.SERVICE)
        self.offset = 0

    def start(self) -> None:
        argv = capture_argv(netns.switch_namespace(self.lab.name), netns.BRIDGE)
        self.lab.ctx.define(self.host, self.SERVICE, argv, in_namespace=False)
        self.offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        self.lab.ctx.start(self.host, self.SERVICE)
        # tcpdump needs a moment to open the bridge; packets before that are not seen.
        time.sleep(0.3)

    def stop(self, out: Path) -> list[str]:
        """Stop tcpdump, write this run's lines to `out` and return them."""
        self.lab.stop(self.host, self.SERVICE, timeout_s=3.0)
        with self.log_path.open("rb") as log_file:
            log_file.seek(self.offset)
            lines = log_file.read().decode(errors="replace").splitlines()
        out.write_text("".join(line + "\n" for line in lines))
        return lines


class Probe:
    """The probe as a supervised service of the client host, so `halab down` can stop it."""

    SERVICE = "probe"

    def __init__(self, lab: Lab, scenario: Scenario, run_id: str, out: Path):
        self.lab = lab
        self.host = client_host(lab.topology)
        self.scenario = scenario
        self.out = out
        self.argv = probe_argv(lab, scenario, run_id, out)

    def start(self) -> int:
        self.lab.ctx.define(self.host, self.SERVICE, self.argv)
        return self.lab.ctx.start(self.host, self.SERVICE)

    def running(self) -> bool:
        return any(s["host"] == self.host and s["service"] == self.SERVICE and s["running"]
                   for s in self.lab.services())

    def wait(self, timeout_s: float) -> None:
        """Wait for the probe to end on its own, then stop it by its pid."""
        deadline = time.monotonic() + timeout_s
        while self.running():
            if time.monotonic() > deadline:
                log.warning("probe still running after %.0f s; stopping it", timeout_s)
                break
            time.sleep(0.2)
        self.stop()

    def stop(self) -> None:
        self.lab.stop(self.host, self.SERVICE, timeout_s=5.0)


def run_one(lab: Lab, scenario: Scenario, profile: str, run_dir: Path, run_id: str,
            command_line: list[str]) -> dict[str, Any]:
    """Run `scenario` once on `lab`, write the run directory and return its results."""
    run_dir.mkdir(parents=True, exist_ok=False)
    (run_dir / "topology.json").write_text(lab.topology.model_dump_json(indent=2))
    header = new_header(run_id, scenario.name, profile, lab.topology.name, command_line)
    wall_at_zero_s = time.time() - (time.monotonic() - header.start_monotonic_s)
    history = History(header)
    history.stream_to(run_dir / "history.jsonl")
    log.info("run %s: %s on %s/%s", run_id, scenario.name, lab.topology.name, profile)

    capture = Capture(lab, client_host(lab.topology)) if lab.topology.vrrp_groups else None
    watcher = GaleraWatcher(galera.db_nodes(lab.ctx) if lab.topology.galera else [],
                            lambda host: galera.wsrep_status(lab.ctx, host), history)
    probe = Probe(lab, scenario, run_id, run_dir / "probe.jsonl")
    capture_lines: list[str] = []
    try:
        if capture is not None:
            capture.start()
        watcher.start()
        with ActiveFaults(lab, history) as faults:
            history.note(f"probe started, pid {probe.start()}")
            start_mono_s = wait_probe_start(probe, PROBE_START_TIMEOUT_S)
            run_steps(scenario, faults, start_mono_s)
        probe.wait(timeout_s=scenario.duration_s + 30)
        time.sleep(TAIL_S)
    finally:
        _stop_quietly(probe.stop, "probe")
        watcher.stop()
        if capture is not None:
            capture_lines = _stop_quietly(
                lambda: capture.stop(run_dir / "vrrp-capture.txt"), "VRRP capture") or []
    adverts = adverts_to_events(capture_lines, wall_at_zero_s)
    return finish_run(lab, scenario, history, run_dir, run_id, adverts)


def _stop_quietly(stop, what: str):  # noqa: ANN001, ANN202 - any stop function
    """Run a stop function in a cleanup path: log its failure instead of hiding the first."""
    try:
        return stop()
    except (HalabError, OSError) as exc:
        log.error("stopping the %s failed: %s", what, exc)
        return None


def finish_run(lab: Lab, scenario: Scenario, history: History, run_dir: Path, run_id: str,
               adverts: list[VrrpAdvertEvent]) -> dict[str, Any]:
    """Gather the logged events, check the database, analyse and write results.json."""
    end_mono_s = time.monotonic()
    if probe_exists := (run_dir / "probe.jsonl").exists():
        import_probe_file(run_dir / "probe.jsonl", history)
    collect_daemon_events(lab, history, end_mono_s)
    history.extend(adverts)
    history.close()
    history.save(run_dir / "history.jsonl")

    rows = None
    if "writes_on_every_node" in scenario.checks:
        rows = settled_database_rows(lab, run_id, history)
    expectation = scenario.expectation(lab.topology.name, history.header.profile)
    results = analyze_run(history, expectation.model_dump(exclude_none=True),
                          combined_tipos(rows) if rows else None)
    results.update(header=history.header.model_dump(mode="json"),
                   expectation=expectation.model_dump(exclude_none=True),
                   database_rows={h: (len(r) if isinstance(r, list) else r)
                                  for h, r in (rows or {}).items()},
                   probe_output=probe_exists)
    flag_unsteady_start(results, history)
    if rows:
        results["writes_per_node"] = {
            h: write_check(history.requests(), r).__dict__ if isinstance(r, list) else r
            for h, r in rows.items()}
    (run_dir / "results.json").write_text(json.dumps(results, indent=2, default=str))
    return results


def failures_before_first_fault(history: History) -> tuple[int, int]:
    """Return the failed and total requests that started before the run's first fault."""
    faults = [e.t_ms for e in history.events() if e.kind == "fault"]
    if not faults:
        return 0, 0
    before = [r for r in history.requests() if r.start_ms < faults[0]]
    return sum(1 for r in before if not r.ok), len(before)


def flag_unsteady_start(results: dict[str, Any], history: History) -> None:
    """Turn a pass into unknown when more than a stray request failed before the first fault.

    More than max(2, 2 %) failures there mean the stack was not steady when the fault hit
    (one slow first request is common while connections warm up), so the run does not
    measure that fault alone. The figures stay as they are; `failed_before_first_fault`
    counts those requests.
    """
    failed, total = failures_before_first_fault(history)
    results["failed_before_first_fault"] = failed
    if failed > max(2, 0.02 * total) and results["verdict"]["result"] == "pass":
        results["verdict"]["result"] = "unknown"
        results["verdict"]["error"] = (
            f"{failed} of {total} requests failed before the first fault: the stack was not "
            "steady, so this run does not measure the fault alone")


def settled_database_rows(lab: Lab, run_id: str, history: History) -> dict[str, Any]:
    """Wait for the cluster to settle after the heal, then read every node's rows."""
    try:
        wait_steady(lab, timeout_s=60)
    except HalabError as exc:
        log.warning("run %s: cluster not settled before the write check: %s", run_id, exc)
    return database_rows(lab, run_id)
