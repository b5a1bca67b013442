"""The state directory's records and the lab name rules."""

from __future__ import annotations

import json

import pytest

from halab.errors import InvalidInput
from halab.lab.state import LabState, lab_name_from_env, write_json_atomic


def test_write_json_atomic_replaces_whole_file(tmp_path):
    path = tmp_path / "x.json"
    write_json_atomic(path, {"a": 1})
    write_json_atomic(path, {"b": 2})

    assert json.loads(path.read_text()) == {"b": 2}
    assert [p.name for p in tmp_path.iterdir()] == ["x.json"]


def test_records_namespace_once(tmp_path):
    state = LabState(name="x", root=tmp_path)
    state.record_namespace("x-a")
    state.record_namespace("x-a")
    state.record_veth("x-a", "eth0")

    assert state.resources() == {"namespaces": ["x-a"], "veths": [["x-a", "eth0"]]}


@pytest.mark.parametrize("name", ["Halab", "1lab", "a-b", "toolongname", ""])
def test_lab_name_invalid(name, monkeypatch):
    monkeypatch.delenv("HALAB_LAB", raising=False)
    if name == "":
        assert lab_name_from_env(name) == "halab"
        return
    with pytest.raises(InvalidInput, match=repr(name)):
        lab_name_from_env(name)


def test_lab_name_from_environment(monkeypatch):
    monkeypatch.setenv("HALAB_LAB", "mine")

    assert lab_name_from_env() == "mine"
    assert lab_name_from_env("other") == "other"
