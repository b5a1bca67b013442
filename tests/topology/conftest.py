"""Fixtures for topology tests: a built-in topology as a plain dict to break on purpose."""

from __future__ import annotations

from importlib import resources

import pytest
import yaml


def builtin_document(name: str) -> dict:
    """Return the built-in topology `name` as the dict its YAML file holds."""
    text = resources.files("halab.topology.builtin").joinpath(f"{name}.yaml").read_text()
    return yaml.safe_load(text)


@pytest.fixture
def full_document() -> dict:
    return builtin_document("full")
