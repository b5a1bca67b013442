"""Loading topologies: built-ins, files, and the errors for bad YAML and bad fields."""

from __future__ import annotations

from pathlib import Path

import pytest

from halab.errors import InvalidInput
from halab.topology import Role, builtin_names, load_topology


def test_builtin_names_include_report_stacks():
    names = builtin_names()

    assert names == sorted(names)
    for name in ("exp01", "exp02", "full", "full-garbd", "full-2db"):
        assert name in names


@pytest.mark.parametrize("name", ["exp01", "exp02", "full", "full-garbd"])
def test_builtin_loads_with_report_names(name):
    topology = load_topology(name)

    assert topology.name == name
    assert str(topology.subnet) == "198.18.0.0/24"
    assert topology.host("client").address.exploded == "198.18.0.10"
    assert topology.host("haproxy01").address.exploded == "198.18.0.11"
    assert topology.host("webserver01").address.exploded == "198.18.0.21"
    assert topology.host("webserver02").address.exploded == "198.18.0.22"
    assert topology.host("mariadb01").address.exploded == "198.18.0.31"


def test_full_has_both_vips_and_three_nodes():
    topology = load_topology("full")

    web = topology.vrrp_group("VI_WEB")
    db = topology.vrrp_group("VI_DB")
    assert (str(web.vip), web.vrid) == ("198.18.0.100", 51)
    assert (str(db.vip), db.vrid) == ("198.18.0.101", 52)
    assert [(m.host, m.priority, m.state) for m in web.members] == [
        ("haproxy01", 101, "MASTER"),
        ("haproxy02", 100, "BACKUP"),
    ]
    assert topology.galera.nodes == ["mariadb01", "mariadb02", "mariadb03"]
    assert topology.galera.arbiter is None
    assert topology.app.database_balancer == "db"


def test_full_garbd_uses_arbiter_for_third_vote():
    topology = load_topology("full-garbd")

    assert topology.galera.nodes == ["mariadb01", "mariadb02"]
    assert topology.galera.arbiter == "arbiter01"
    assert topology.host("arbiter01").role == Role.ARBITER
    assert str(topology.host("arbiter01").address) == "198.18.0.34"
    assert "mariadb03" not in [host.name for host in topology.hosts]


def test_exp01_has_no_vrrp_and_no_galera():
    topology = load_topology("exp01")

    assert topology.vrrp_groups == []
    assert topology.galera is None
    assert topology.balancers[0].vrrp_group is None


def test_unknown_name_lists_builtins():
    with pytest.raises(InvalidInput) as caught:
        load_topology("exp03")

    assert "unknown topology 'exp03'" in caught.value.message
    assert "exp01, exp02, full" in caught.value.hint


def test_file_loads(tmp_path: Path):
    path = tmp_path / "mine.yaml"
    path.write_text(
        "name: mine\nsubnet: 10.99.0.0/24\nhosts:\n  - {name: db1, role: db, address: 10.99.0.5}\n"
    )

    topology = load_topology(str(path))

    assert topology.name == "mine"
    assert str(topology.subnet) == "10.99.0.0/24"


def test_missing_file_is_invalid_input(tmp_path: Path):
    with pytest.raises(InvalidInput) as caught:
        load_topology(str(tmp_path / "absent.yaml"))

    assert "cannot be read" in caught.value.message


def test_yaml_syntax_error_names_line(tmp_path: Path):
    path = tmp_path / "broken.yaml"
    path.write_text("name: broken\nhosts:\n  - {name: a, role: db\n  - oops: [\n")

    with pytest.raises(InvalidInput) as caught:
        load_topology(str(path))

    assert "invalid YAML" in caught.value.message
    assert "line 4" in caught.value.message


def test_bad_field_names_path_value_and_line(tmp_path: Path):
    path = tmp_path / "bad.yaml"
    path.write_text(
        "name: bad\n"
        "hosts:\n"
        "  - {name: db1, role: db, address: 198.18.0.31}\n"
        "  - {name: db2, role: db, address: 198.18.0.300}\n"
    )

    with pytest.raises(InvalidInput) as caught:
        load_topology(str(path))

    [problem] = caught.value.problems
    assert problem.startswith("hosts[1].address: '198.18.0.300' is invalid")
    assert "(line 4)" in problem


def test_unknown_key_is_rejected_as_typo(tmp_path: Path):
    path = tmp_path / "typo.yaml"
    path.write_text(
        "name: typo\nhosts:\n  - {name: db1, role: db, address: 198.18.0.31, adress: x}\n"
    )

    with pytest.raises(InvalidInput) as caught:
        load_topology(str(path))

    [problem] = caught.value.problems
    assert problem.startswith("hosts[0].adress: unknown field")


def test_missing_field_is_named(tmp_path: Path):
    path = tmp_path / "missing.yaml"
    path.write_text("name: missing\nhosts:\n  - {name: db1, address: 198.18.0.31}\n")

    with pytest.raises(InvalidInput) as caught:
        load_topology(str(path))

    assert caught.value.problems == ["hosts[0].role: required field is missing (line 3)"]


def test_top_level_list_is_rejected(tmp_path: Path):
    path = tmp_path / "list.yaml"
    path.write_text("- a\n- b\n")

    with pytest.raises(InvalidInput) as caught:
        load_topology(str(path))

    assert "expected a mapping at the top level, found list" in caught.value.message
