"""One short real scenario end to end: a lab, the probe, a fault and its heal, the analysis."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from halab.experiments.history import History
from halab.experiments.scenario import parse_scenario
from halab.experiments.session import run_session

pytestmark = pytest.mark.lab

SHORT_FAILOVER = """
name: short-failover
title: HAProxy stopped on the master for 3 s
topologies: [exp02]
profiles: [tuned]
duration_s: 8
probe: {rate_per_s: 40, timeout_ms: 300}
steps:
  - {at_s: 2, fault: {id: lb, action: stop, host: haproxy01, service: haproxy}}
  - {at_s: 5, heal: lb}
expect:
  default: {max_downtime_ms: 5000}
"""


def namespaces_of(lab: str) -> list[str]:
    listing = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True, check=True)
    return [line.split()[0] for line in listing.stdout.splitlines()
            if line.startswith(f"{lab}-")]


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory):
    if os.geteuid() != 0:
        pytest.fail("this test needs root: run it as root (CI does)")
    scenario = parse_scenario(SHORT_FAILOVER, source="test")
    out = tmp_path_factory.mktemp("runs")
    messages: list[str] = []
    session = run_session([(scenario, "exp02", "tuned")], out, repeat=2, lab_name="texp",
                          progress=messages.append)
    session.messages = messages
    return session


def test_run_writes_results(session):
    assert len(session.outcomes) == 2
    outcome = session.outcomes[0]
    assert outcome.error is None
    assert session.outcomes[1].error is None
    for name in ("history.jsonl", "probe.jsonl", "results.json", "topology.json",
                 "vrrp-capture.txt"):
        assert (outcome.run_dir / name).is_file(), name
    summary = json.loads((session.directory / "summary.json").read_text())
    assert summary[0]["scenario"] == "short-failover"


def test_history_holds_every_layer(session):
    history = History.load(session.outcomes[0].run_dir / "history.jsonl")
    kinds = {event.kind for event in history.events()}
    assert {"request", "fault", "heal", "vrrp", "vrrp_advert"} <= kinds
    # About 40 requests/s for 8 s.
    assert 250 <= len(history.requests()) <= 330
    masters = [e.host for e in history.events() if e.kind == "vrrp" and e.state == "MASTER"
               and e.t_ms > 0]
    assert "haproxy02" in masters
    assert "haproxy01" in masters


def test_failover_measured(session):
    results = session.outcomes[0].results
    assert results["verdict"]["result"] in ("pass", "fail")
    apply = [d for d in results["figures"]["disruptions"] if d["phase"] == "apply"][0]
    assert apply["recovered"] is True
    assert apply["reactions_ms"]["vrrp"] is not None
    assert apply["reactions_ms"]["vrrp"] < 3000


def test_lab_down_after_session(session):
    assert namespaces_of("texp") == []


def test_repeat_reuses_steady_lab(session):
    # The probe and capture of the first run are stopped services; they must not keep the lab
    # from its steady state, which would bring it down and up again before the second run.
    assert not [m for m in session.messages if "not steady" in m]
    assert sum(1 for m in session.messages if m.startswith("bringing up")) == 1


def test_session_leaves_running_lab_alone(tmp_path):
    from halab.errors import LabStateError
    from halab.lab.down import down
    from halab.lab.lab import Lab
    from halab.lab.up import up

    scenario = parse_scenario(SHORT_FAILOVER, source="test")
    up("exp02", "tuned", lab_name="texq", web_port=0, stats_port=0)
    try:
        with pytest.raises(LabStateError, match="already up"):
            run_session([(scenario, "exp02", "tuned")], tmp_path, lab_name="texq")
        assert list(tmp_path.iterdir()) == []
        assert Lab.attach("texq").services()
        assert namespaces_of("texq")
    finally:
        down("texq")
    assert namespaces_of("texq") == []


SHORT_SPLIT_BRAIN = """
name: short-split-brain
title: VRRP blocked between the balancers for 4 s
topologies: [exp02]
profiles: [seed]
duration_s: 11
probe: {rate_per_s: 40, timeout_ms: 300}
steps:
  - {at_s: 1, fault: {id: vrrp, action: partition, hosts: [haproxy01, haproxy02], protocol: vrrp}}
  - {at_s: 6, heal: vrrp}
expect:
  default: {split_brain: true, recovered: true}
"""


def test_clients_recover_after_split_brain(tmp_path):
    # The second master's gratuitous ARPs point the client at it; once the partition heals,
    # the first master must announce itself again or the client keeps sending to a backup.
    scenario = parse_scenario(SHORT_SPLIT_BRAIN, source="test")

    session = run_session([(scenario, "exp02", "seed")], tmp_path, lab_name="texs")

    results = session.outcomes[0].results
    assert results["verdict"]["result"] == "pass", results["verdict"]
    history = History.load(session.outcomes[0].run_dir / "history.jsonl")
    last_second = [r for r in history.requests() if r.start_ms > 9000]
    assert last_second
    assert all(r.ok for r in last_second)
