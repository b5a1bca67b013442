"""Memory sampling: descendants of a process tree and PSS of a live process."""

import os

from halab.bench.memory import memory_kib, sample, with_descendants
from halab.lab.state import LabState


def test_descendants_of_a_tree():
    parents = {2: 1, 3: 2, 4: 3, 5: 1, 6: 99}
    assert with_descendants({2}, parents) == {2, 3, 4}
    assert with_descendants({1}, parents) == {1, 2, 3, 4, 5}


def test_descendants_of_a_leaf():
    assert with_descendants({7}, {2: 1}) == {7}


def test_memory_of_this_process():
    pss_kib, rss_kib = memory_kib(os.getpid())
    assert pss_kib > 0
    assert rss_kib >= pss_kib


def test_memory_of_a_missing_process():
    assert memory_kib(2**22 + 1) == (0, 0)


def test_sample_of_a_lab_that_is_not_up(tmp_path, monkeypatch):
    monkeypatch.setenv("HALAB_RUN_ROOT", str(tmp_path))
    state = LabState.for_lab("bnone")
    assert not state.root.exists()
    assert sample(state) == {"processes": 0, "pss_mib": 0.0, "rss_mib": 0.0}
