"""Fixtures for render tests: a fixed set of secrets and a one-call renderer."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from halab.render import HostPaths, Secrets, render_host
from halab.topology import apply_profile, load_topology

SECRETS = Secrets(db_password="db-password-123", stats_password="stats-password-456")

RenderFunction = Callable[..., dict[str, str]]


@pytest.fixture
def secrets() -> Secrets:
    return SECRETS


@pytest.fixture
def short_dir() -> Iterator[Path]:
    """Return a new directory with a short path, because socket paths have length limits."""
    path = Path(tempfile.mkdtemp(prefix="halab-", dir="/tmp"))
    yield path
    shutil.rmtree(path)


@pytest.fixture
def state_root(short_dir: Path) -> Path:
    return short_dir / "state"


@pytest.fixture
def render(state_root: Path) -> RenderFunction:
    """Return render(topology, profile, host, lab=True, **lab_options) -> {path: text}."""

    def _render(topology: str, profile: str, host: str, lab: bool = True, **options) -> dict:
        model = apply_profile(load_topology(topology), profile)
        paths = HostPaths.lab(state_root, host, **options) if lab else HostPaths.real_host()
        return render_host(model, host, paths, lab=lab, secrets=SECRETS)

    return _render
