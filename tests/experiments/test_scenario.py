"""Scenario files: the built-ins load, and bad ones are rejected with the field and value."""

import pytest

from halab.errors import InvalidInput
from halab.experiments.scenario import (
    builtin_scenario_names,
    expand_runs,
    load_scenario,
    parse_scenario,
)

MINIMAL = """
name: t
title: test
topologies: [exp02]
duration_s: 10
"""


def test_builtins_cover_report_experiments():
    names = builtin_scenario_names()
    for expected in ("exp01-roundrobin", "exp01-lb-spof", "exp01-db-spof", "exp02-lb-failover",
                     "exp02-host-down", "web-crash", "web-freeze", "db-node-crash", "db-quorum",
                     "split-brain"):
        assert expected in names


@pytest.mark.parametrize("name", builtin_scenario_names())
def test_builtin_loads(name):
    scenario = load_scenario(name)
    assert scenario.name == name
    assert scenario.duration_s > 0


def test_expectation_most_specific_wins():
    scenario = parse_scenario(
        MINIMAL
        + """
expect:
  default: {max_downtime_ms: 5000, max_lost_writes: 0}
  tuned: {max_downtime_ms: 300}
  exp02/tuned: {max_downtime_ms: 200}
""",
        source="test",
    )
    assert scenario.expectation("exp02", "seed").max_downtime_ms == 5000
    assert scenario.expectation("exp02", "tuned").max_downtime_ms == 200
    assert scenario.expectation("exp01", "tuned").max_downtime_ms == 300
    assert scenario.expectation("exp01", "tuned").max_lost_writes == 0


def test_expand_all_crosses_topologies_and_profiles():
    runs = expand_runs(["db-quorum"])
    assert [(t, p) for _, t, p in runs] == [("full-2db", "tuned"), ("full-garbd", "tuned")]
    runs = expand_runs(["exp02-lb-failover"], profiles=["tuned"])
    assert [(t, p) for _, t, p in runs] == [("exp02", "tuned")]
    assert len(expand_runs(["all"])) >= len(builtin_scenario_names())


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("steps:\n  - {at_s: 1, heal: nothing}\n", "heals 'nothing'"),
        ("steps:\n  - {at_s: 11, fault: {id: a, action: stop}}\n", "after the end of the run"),
        ("steps:\n  - {at_s: 1, fault: {action: stop}}\n", "needs an `id`"),
        ("steps:\n  - {at_s: 1}\n", "exactly one of"),
        ("probe: {rate_per_s: 0}\n", "rate_per_s"),
        ("colour: blue\n", "colour"),
    ],
)
def test_invalid_scenario_rejected(extra, message):
    with pytest.raises(InvalidInput) as info:
        parse_scenario(MINIMAL + extra, source="bad.yaml")
    assert message in str(info.value)
    assert "bad.yaml" in str(info.value)


def test_yaml_error_names_line():
    with pytest.raises(InvalidInput, match="line 4"):
        parse_scenario("name: t\ntitle: x\nsteps: [\n", source="broken.yaml")


def test_unknown_scenario_lists_builtins():
    with pytest.raises(InvalidInput) as info:
        load_scenario("no-such-scenario")
    assert "exp02-lb-failover" in str(info.value)
