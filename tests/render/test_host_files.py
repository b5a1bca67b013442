"""MariaDB, sysctl, environment and unit files, and which host gets which file."""

from __future__ import annotations

import pytest

from halab.errors import InvalidInput
from halab.render import HostPaths, Secrets, file_mode, render_host, sysctl_settings
from halab.topology import apply_profile, load_topology

from .parsing import ini_sections

LAB_CNF = "etc/mysql/my.cnf"
REAL_CNF = "etc/mysql/mariadb.conf.d/60-galera.cnf"
ENV = "etc/default/halab-app"
BOOTSTRAP_WORDS = ("new-cluster", "new_cluster", "pc.bootstrap", "safe_to_bootstrap", "gcomm://\n")


@pytest.mark.parametrize("host", ["mariadb01", "mariadb02", "mariadb03"])
def test_every_node_lists_every_member(render, host):
    cnf = ini_sections(render("full", "seed", host)[LAB_CNF])

    galera = cnf["galera"]
    assert galera["wsrep_cluster_address"] == "gcomm://198.18.0.31,198.18.0.32,198.18.0.33"
    assert galera["wsrep_node_name"] == host
    assert galera["wsrep_node_address"] == cnf["mysqld"]["bind-address"]
    assert galera["wsrep_on"] == "ON"
    assert galera["wsrep_provider"] == "/usr/lib/galera/libgalera_smm.so"
    assert galera["wsrep_sst_method"] == "rsync"


def test_full_garbd_member_list_includes_arbiter(render):
    cnf = ini_sections(render("full-garbd", "tuned", "mariadb02")[LAB_CNF])

    assert cnf["galera"]["wsrep_cluster_address"] == "gcomm://198.18.0.31,198.18.0.32,198.18.0.34"


@pytest.mark.parametrize("profile", ["seed", "tuned"])
@pytest.mark.parametrize("lab", [True, False])
def test_no_bootstrap_setting_in_file(render, profile, lab):
    files = render("full", profile, "mariadb01", lab=lab)
    text = files[LAB_CNF if lab else REAL_CNF]
    settings = "\n".join(line for line in text.splitlines() if not line.startswith("#")) + "\n"

    for word in BOOTSTRAP_WORDS:
        assert word not in settings


def test_galera_required_settings(render):
    mysqld = ini_sections(render("full", "seed", "mariadb01")[LAB_CNF])["mysqld"]

    assert mysqld["binlog_format"] == "ROW"
    assert mysqld["innodb_autoinc_lock_mode"] == "2"
    assert mysqld["performance_schema"] == "OFF"
    assert mysqld["innodb_buffer_pool_size"] == "128M"


def test_lab_cnf_is_complete_with_lab_paths(render, state_root):
    cnf = ini_sections(render("full", "seed", "mariadb02")[LAB_CNF])

    host_root = state_root.absolute() / "hosts" / "mariadb02"
    assert cnf["mysqld"]["datadir"] == str(host_root / "data" / "mysql")
    assert cnf["mysqld"]["socket"] == str(host_root / "run" / "mysqld.sock")
    assert cnf["mysqld"]["pid-file"] == str(host_root / "run" / "mysqld.pid")
    assert cnf["client"]["socket"] == cnf["mysqld"]["socket"]


def test_provider_options_follow_profile(render):
    seed = ini_sections(render("full", "seed", "mariadb01")[LAB_CNF])["galera"]
    tuned = ini_sections(render("full", "tuned", "mariadb01")[LAB_CNF])["galera"]

    assert "evs.suspect_timeout=PT5S" in seed["wsrep_provider_options"]
    assert "evs.inactive_timeout=PT15S" in seed["wsrep_provider_options"]
    assert "evs.suspect_timeout=PT2S" in tuned["wsrep_provider_options"]
    assert "evs.keepalive_period=PT0.5S" in tuned["wsrep_provider_options"]
    assert "gcache.size=64M" in tuned["wsrep_provider_options"]


def test_single_database_has_no_galera(render):
    cnf = ini_sections(render("exp01", "seed", "mariadb01")[LAB_CNF])

    assert "galera" not in cnf
    assert cnf["mysqld"]["bind-address"] == "198.18.0.31"


def test_vip_hosts_get_nonlocal_bind():
    topology = load_topology("full")

    for host in ("haproxy01", "haproxy02", "haproxy03", "haproxy04"):
        assert sysctl_settings(topology, host)["net.ipv4.ip_nonlocal_bind"].value == "1"
    for host in ("webserver01", "mariadb01", "client"):
        assert sysctl_settings(topology, host) == {}
    assert sysctl_settings(load_topology("exp01"), "haproxy01") == {}


def test_sysctl_file_rendered(render):
    text = render("exp02", "seed", "haproxy02")["etc/sysctl.d/60-halab.conf"]

    assert "net.ipv4.ip_nonlocal_bind = 1" in text.splitlines()


def _environment(text: str) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in text.splitlines() if line and not line.startswith("#"))
    return dict(pairs)


def test_app_env_points_at_db_vip_in_full(render, secrets, state_root):
    env = _environment(render("full", "tuned", "webserver02")[ENV])

    assert env["DATABASE_URL"] == (
        f"mysql+pymysql://carrinho_app:{secrets.db_password}@198.18.0.101:3306/carrinho"
    )
    assert env["HALAB_SERVER_NAME"] == "webserver02"
    assert env["HALAB_APP_TIMEOUT_S"] == "30"
    key_file = state_root.absolute() / "hosts" / "webserver02" / "etc" / "halab" / "secret_key"
    assert env["SECRET_KEY_FILE"] == str(key_file)


def test_app_env_points_at_mariadb01_in_exp02(render):
    env = _environment(render("exp02", "seed", "webserver01")[ENV])

    assert "@198.18.0.31:3306/carrinho" in env["DATABASE_URL"]


def test_secret_files_are_private():
    paths = HostPaths.real_host()

    assert file_mode(ENV, paths) == 0o600
    assert file_mode("etc/haproxy/haproxy.cfg", paths) == 0o600
    assert file_mode("etc/keepalived/halab-notify.sh", paths) == 0o755
    assert file_mode("etc/keepalived/keepalived.conf", paths) == 0o644


def test_units_only_on_real_hosts(render):
    lab_files = render("full", "seed", "webserver01")
    real_web = render("full", "seed", "webserver01", lab=False)
    real_db = render("full", "seed", "mariadb01", lab=False)

    assert not any(path.startswith("etc/systemd") for path in lab_files)
    app_unit = real_web["etc/systemd/system/halab-app.service"]
    assert "EnvironmentFile=/etc/default/halab-app" in app_unit
    assert "app serve --bind 198.18.0.21:8000 --workers 2" in app_unit
    agent_unit = real_db["etc/systemd/system/halab-galera-agent.service"]
    assert "-m halab.agent --listen 198.18.0.31:9200 --socket /run/mysqld/mysqld.sock" in agent_unit
    assert REAL_CNF in real_db


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("client", set()),
        (
            "haproxy01",
            {
                "etc/haproxy/haproxy.cfg",
                "etc/keepalived/keepalived.conf",
                "etc/sysctl.d/60-halab.conf",
            },
        ),
        ("webserver01", {ENV}),
        ("mariadb01", {LAB_CNF}),
        ("arbiter01", set()),
    ],
)
def test_lab_files_per_role(render, host, expected):
    assert set(render("full-garbd", "tuned", host)) == expected


def test_balancer_without_secrets_rejected(tmp_path):
    topology = apply_profile(load_topology("full"), "seed")

    with pytest.raises(InvalidInput) as caught:
        render_host(topology, "haproxy01", HostPaths.lab(tmp_path, "haproxy01"), lab=True)

    assert "host haproxy01: rendering the HAProxy stats page needs secrets" in caught.value.message


def test_unknown_host_rejected(tmp_path, secrets):
    with pytest.raises(InvalidInput) as caught:
        render_host(load_topology("exp01"), "haproxy09", HostPaths.real_host(), False, secrets)

    assert "host 'haproxy09' is not in topology exp01" in caught.value.message


def test_secrets_hidden_in_repr(secrets):
    assert secrets.db_password not in repr(secrets)
    assert secrets.stats_password not in repr(secrets)


def test_secrets_reject_unsafe_characters():
    with pytest.raises(InvalidInput) as caught:
        Secrets(db_password="has:colon@and/slash", stats_password="x" * 16)

    assert "has:colon" not in str(caught.value)


def test_secrets_round_trip_with_private_mode(tmp_path):
    original = Secrets.generate()
    path = tmp_path / "secrets.json"

    original.save(path)

    assert path.stat().st_mode & 0o777 == 0o600
    assert Secrets.load(path) == original


def test_long_state_root_rejected_for_socket_limit(tmp_path):
    deep = tmp_path / ("d" * 60)

    with pytest.raises(InvalidInput) as caught:
        HostPaths.lab(deep, "haproxy01")

    assert "haproxy_socket path" in caught.value.message
    assert "over the limit of 97" in caught.value.message


def test_real_arbiter_gets_garb_defaults(render):
    files = render("full-garbd", "tuned", "arbiter01", lab=False)
    garb = _environment(files["etc/default/garb"])

    assert garb["GALERA_NODES"] == '"198.18.0.31:4567,198.18.0.32:4567"'
    assert garb["GALERA_GROUP"] == '"halab"'
    assert "gmcast.listen_addr=tcp://198.18.0.34:4567" in garb["GALERA_OPTIONS"]
    assert "evs.suspect_timeout=PT2S" in garb["GALERA_OPTIONS"]
    assert "gcache" not in garb["GALERA_OPTIONS"]


def test_invalid_interface_rejected(tmp_path):
    with pytest.raises(InvalidInput) as caught:
        HostPaths.lab(tmp_path, "haproxy01", interface="eth0 dev lo")

    assert "interface name 'eth0 dev lo' is invalid" in caught.value.message
