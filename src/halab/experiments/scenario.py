"""Scenarios: a topology, a probe load and timed fault steps, as small declarative YAML files.

The built-in scenarios live in `scenarios/*.yaml` beside this module. A scenario runs once per
(topology, profile) pair; `expect` holds the pass/fail thresholds, keyed by `default`, a profile
name, a topology name or `topology/profile`, the most specific key winning. A fault step's
`fault` mapping is parsed by `halab.faults.Fault`; a `heal` step names the id of an earlier
fault. Pure: loading a scenario touches no lab.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from halab.errors import InvalidInput

SCENARIO_PACKAGE = "halab.experiments.scenarios"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ProbeSettings(_Strict):
    """The client load during a run."""

    rate_per_s: float = Field(default=50.0, gt=0, le=2000)
    timeout_ms: float = Field(default=200.0, gt=0, le=60000)
    write_fraction: float = Field(default=0.0, ge=0, le=1)
    login: bool = True
    path: str = "/cart"


class Step(_Strict):
    """One timed step: apply a fault or heal an earlier one, `at_s` after the probe starts."""

    at_s: float = Field(ge=0)
    fault: dict[str, Any] | None = None
    heal: str | None = None

    @model_validator(mode="after")
    def _one_action(self) -> Step:
        if (self.fault is None) == (self.heal is None):
            raise ValueError("a step needs exactly one of `fault` or `heal`")
        if self.fault is not None and not self.fault.get("id"):
            raise ValueError("a fault step needs an `id` so that a later step can heal it")
        return self


class Expectation(_Strict):
    """Thresholds for a pass verdict; a missing threshold is not checked."""

    max_downtime_ms: float | None = None
    max_failed_requests: int | None = None
    max_failed_reads: int | None = None
    max_failed_writes: int | None = None
    max_lost_writes: int | None = None
    max_duplicated_writes: int | None = None
    min_failed_requests: int | None = None
    min_failed_writes: int | None = None
    min_downtime_ms: float | None = None
    split_brain: bool | None = None
    # Every outage ended before the run did: clients reach the service again after the heal.
    recovered: bool | None = None
    min_share_per_server: float | None = None


class Scenario(_Strict):
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,47}$")
    title: str
    description: str = ""
    topologies: list[str] = Field(min_length=1)
    profiles: list[str] = Field(default_factory=lambda: ["seed", "tuned"], min_length=1)
    duration_s: float = Field(gt=0, le=3600)
    settle_s: float = Field(default=1.0, ge=0, le=120)
    probe: ProbeSettings = ProbeSettings()
    steps: list[Step] = Field(default_factory=list)
    expect: dict[str, Expectation] = Field(default_factory=dict)
    # Checks after the probe stops: `writes_on_every_node` compares the write ledger with
    # every database node's rows.
    checks: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _steps_consistent(self) -> Scenario:
        applied: set[str] = set()
        for step in sorted(self.steps, key=lambda s: s.at_s):
            if step.at_s > self.duration_s:
                raise ValueError(
                    f"step at {step.at_s} s is after the end of the run ({self.duration_s} s)"
                )
            if step.fault is not None:
                applied.add(step.fault["id"])
            elif step.heal not in applied:
                raise ValueError(f"step at {step.at_s} s heals {step.heal!r}, not applied before")
        return self

    def expectation(self, topology: str, profile: str) -> Expectation:
        """Merge the thresholds that apply to one run, the most specific key last."""
        merged: dict[str, Any] = {}
        for key in ("default", profile, topology, f"{topology}/{profile}"):
            if key in self.expect:
                merged.update(self.expect[key].model_dump(exclude_none=True))
        return Expectation(**merged)


def builtin_scenario_names() -> list[str]:
    """Return the names of the scenarios shipped with halab, sorted."""
    files = resources.files(SCENARIO_PACKAGE).iterdir()
    return sorted(f.name.removesuffix(".yaml") for f in files if f.name.endswith(".yaml"))


@cache
def _load_builtin(name: str) -> Scenario:
    text = resources.files(SCENARIO_PACKAGE).joinpath(f"{name}.yaml").read_text()
    return parse_scenario(text, source=f"built-in scenario {name}")


def load_scenario(name_or_path: str) -> Scenario:
    """Load a built-in scenario by name, or a scenario file by path."""
    if name_or_path in builtin_scenario_names():
        return _load_builtin(name_or_path)
    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml") and path.is_file():
        return parse_scenario(path.read_text(), source=str(path))
    raise InvalidInput(
        f"unknown scenario {name_or_path!r}",
        hint="built-in scenarios: " + ", ".join(builtin_scenario_names())
        + "; or give the path of a .yaml scenario file",
    )


def parse_scenario(text: str, source: str) -> Scenario:
    """Parse scenario YAML; errors name the source, the line or the field, and the value."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        raise InvalidInput(f"{source}:{where} is not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise InvalidInput(f"{source}: expected a mapping of scenario fields, got {data!r:.60}")
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        problems = [
            f"{'.'.join(str(p) for p in err['loc']) or '(top level)'}: {err['msg']}"
            f" (got {err.get('input')!r:.60})"
            for err in exc.errors()
        ]
        raise InvalidInput(f"{source}: invalid scenario", problems=problems) from exc


def expand_runs(
    names: list[str], profiles: list[str] | None = None
) -> list[tuple[Scenario, str, str]]:
    """Expand scenario names (or `all`) into (scenario, topology, profile) runs, in order."""
    if names == ["all"]:
        names = builtin_scenario_names()
    runs = []
    for name in names:
        scenario = load_scenario(name)
        for topology in scenario.topologies:
            for profile in profiles or scenario.profiles:
                runs.append((scenario, topology, profile))
    return runs
