"""Synthetic fixture sessions for report tests, written once per test session."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


def _load_generator():
    spec = importlib.util.spec_from_file_location("synthetic_runs", FIXTURES / "synthetic_runs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["synthetic_runs"] = module
    spec.loader.exec_module(module)
    return module


synthetic_runs = _load_generator()


@pytest.fixture(scope="session")
def session_dir(tmp_path_factory) -> Path:
    return synthetic_runs.write_session(tmp_path_factory.mktemp("runs"))


@pytest.fixture(scope="session")
def edge_runs(tmp_path_factory) -> dict[str, Path]:
    return synthetic_runs.write_edge_cases(tmp_path_factory.mktemp("edge"))


@pytest.fixture(scope="session")
def written_report(session_dir, tmp_path_factory):
    """The report of the synthetic session, written once for every test that reads it."""
    from halab.report import write_report

    return write_report([session_dir], tmp_path_factory.mktemp("report"))
