"""`halab up full`: both tiers behind VRRP and a three-node Galera cluster."""

from __future__ import annotations

import os
import uuid

import pytest

from halab.lab import secrets
from halab.lab.down import down
from halab.lab.lab import Lab
from halab.lab.services import galera
from halab.lab.status import collect
from halab.lab.up import up

from .clientside import served_by
from .conftest import assert_nothing_left, require_root

pytestmark = pytest.mark.lab

LAB = "tfull"
DB_VIP = "198.18.0.101"


@pytest.fixture(scope="module")
def lab():
    require_root()
    down(LAB)
    try:
        up("full", lab_name=LAB, web_port=0)
    except BaseException:
        down(LAB)  # A failed up leaves its lab for inspection; the tests remove it.
        raise
    yield Lab.attach(LAB)
    down(LAB)


def test_galera_has_three_synced_members(lab):
    status = collect(lab)

    assert sorted(status.galera) == ["mariadb01", "mariadb02", "mariadb03"]
    for node, view in status.galera.items():
        assert view["wsrep_cluster_size"] == "3", node
        assert view["wsrep_cluster_status"] == "Primary", node
        assert view["wsrep_local_state_comment"] == "Synced", node


def test_each_vip_has_one_holder(lab):
    holders = {vip.group: vip.holders for vip in collect(lab).vips}

    assert holders == {"VI_WEB": ["haproxy01"], "VI_DB": ["haproxy03"]}


def test_write_through_db_vip_visible_on_every_node(lab):
    marker = uuid.uuid4().hex
    app_settings = lab.topology.app
    sql = (f"CREATE TABLE IF NOT EXISTS lab_check (id INT AUTO_INCREMENT PRIMARY KEY, "
           f"marker CHAR(32) NOT NULL); INSERT INTO lab_check (marker) VALUES ('{marker}');")
    env = {**os.environ, "MYSQL_PWD": secrets.read(lab.ctx.state, "app_db_password")}
    result = lab.ctx.run_in(
        "webserver01",
        ["mariadb", f"--host={DB_VIP}", f"--user={app_settings.database_user}",
         app_settings.database_name, "-e", sql],
        check=False, timeout_s=30, env=env)
    assert result.returncode == 0, result.stderr

    for node in galera.db_nodes(lab.ctx):
        rows = galera.query(lab.ctx, node, f"SELECT marker FROM {app_settings.database_name}"
                            f".lab_check WHERE marker = '{marker}';")
        assert rows.split() == [marker], node


def test_app_user_has_no_global_privileges(lab):
    grants = galera.query(lab.ctx, "mariadb01",
                          "SHOW GRANTS FOR 'carrinho_app'@'198.18.0.13';")

    assert "GRANT USAGE ON *.*" in grants
    assert "ALL PRIVILEGES" not in grants
    assert "DROP" not in grants


def test_web_vip_served_by_both_servers(lab):
    names = served_by(lab, "http://198.18.0.100/health", 4)

    assert set(names) == {"webserver01", "webserver02"}


def test_down_leaves_nothing(lab):
    pids = [s["pid"] for s in lab.services()]
    pids.append(lab.ctx.state.supervisor()["pid"])

    down(LAB)

    assert_nothing_left(LAB, pids)
