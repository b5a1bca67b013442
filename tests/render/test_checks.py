"""Every built-in topology with each profile, checked by the real haproxy and keepalived."""

from __future__ import annotations

from pathlib import Path

import pytest

from halab.cli import main
from halab.errors import InvalidInput
from halab.render import HostPaths, check_file, render_host, write_host
from halab.topology import apply_profile, builtin_names, load_topology

from .conftest import SECRETS

BUILTINS = builtin_names()
PROFILES = ["seed", "tuned"]


def _write_all(name: str, profile: str, lab: bool, out: Path) -> list[Path]:
    topology = apply_profile(load_topology(name), profile)
    written = []
    for host in topology.hosts:
        paths = HostPaths.lab(out, host.name) if lab else HostPaths.real_host()
        files = render_host(topology, host.name, paths, lab=lab, secrets=SECRETS)
        written += write_host(files, paths, root=paths.root if lab else out / host.name)
    return written


@pytest.mark.parametrize("lab", [True, False], ids=["lab", "real"])
@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("name", BUILTINS)
def test_haproxy_accepts_builtin(short_dir, name, profile, lab):
    configs = [p for p in _write_all(name, profile, lab, short_dir) if p.name == "haproxy.cfg"]

    assert configs
    for config in configs:
        check_file("haproxy", config)


@pytest.mark.lab
@pytest.mark.parametrize("lab", [True, False], ids=["lab", "real"])
@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("name", [name for name in BUILTINS if name != "exp01"])
def test_keepalived_accepts_builtin(short_dir, name, profile, lab):
    written = _write_all(name, profile, lab, short_dir)
    configs = [path for path in written if path.name == "keepalived.conf"]

    assert len(configs) >= 2
    for config in configs:
        check_file("keepalived", config)


def test_haproxy_warning_fails_check(tmp_path):
    config = tmp_path / "haproxy.cfg"
    config.write_text("frontend bare\n    mode http\n    bind 127.0.0.1:18080\n")

    with pytest.raises(InvalidInput) as caught:
        check_file("haproxy", config)

    problems = "\n".join(caught.value.problems)
    assert "[WARNING]" in problems
    assert "missing timeouts for frontend 'bare'" in problems


@pytest.mark.lab
def test_keepalived_warning_fails_check(tmp_path):
    config = tmp_path / "keepalived.conf"
    config.write_text(
        "vrrp_instance VI_1 {\n    state BACKUP\n    interface eth0\n    virtual_router_id 9\n"
        "    priority 50\n    advert_int 0.5\n    virtual_ipaddress {\n"
        "        198.18.0.200/24 dev eth0\n    }\n}\n"
    )

    with pytest.raises(InvalidInput) as caught:
        check_file("keepalived", config)

    assert any("must be an integer" in problem for problem in caught.value.problems)


def test_unknown_check_kind_rejected(tmp_path):
    with pytest.raises(InvalidInput):
        check_file("nginx", tmp_path / "nginx.conf")


@pytest.mark.lab
def test_render_full_tuned_check_command(tmp_path, capsys):
    status = main(["render", "full", "--profile", "tuned", "--out", str(tmp_path), "--check"])

    assert status == 0
    output = capsys.readouterr().out
    assert "checked 8 files" in output
    for host in ("haproxy01", "haproxy02", "haproxy03", "haproxy04"):
        assert (tmp_path / host / "etc" / "haproxy" / "haproxy.cfg").is_file()
        assert (tmp_path / host / "etc" / "keepalived" / "keepalived.conf").is_file()
    for host in ("mariadb01", "mariadb02", "mariadb03"):
        assert (tmp_path / host / "etc" / "mysql" / "mariadb.conf.d" / "60-galera.cnf").is_file()
    assert (tmp_path / "secrets.json").stat().st_mode & 0o777 == 0o600


def test_render_reuses_saved_secrets(tmp_path):
    assert main(["render", "exp02", "--out", str(tmp_path)]) == 0
    first = (tmp_path / "webserver01" / "etc" / "default" / "halab-app").read_text()

    assert main(["render", "exp02", "--profile", "tuned", "--out", str(tmp_path)]) == 0
    second = (tmp_path / "webserver01" / "etc" / "default" / "halab-app").read_text()

    assert first == second


def test_lint_reports_problem_and_exit_status(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "name: bad\nhosts:\n"
        "  - {name: db1, role: db, address: 198.18.0.31}\n"
        "  - {name: db2, role: db, address: 198.18.0.31}\n"
    )

    status = main(["lint", str(bad)])

    assert status == 3
    error = capsys.readouterr().err
    assert "host db2: address 198.18.0.31 is already used by db1" in error


def test_lint_prints_warnings(tmp_path, capsys):
    path = tmp_path / "two.yaml"
    path.write_text(
        "name: two\nhosts:\n"
        "  - {name: db1, role: db, address: 198.18.0.31}\n"
        "  - {name: db2, role: db, address: 198.18.0.32}\n"
        "galera: {nodes: [db1, db2]}\n"
    )

    status = main(["lint", str(path)])

    assert status == 0
    output = capsys.readouterr().out
    assert "only 2 voting members" in output
    assert "valid, 1 warning(s)" in output


def test_render_interface_option(tmp_path):
    status = main(["render", "exp02", "--out", str(tmp_path), "--interface", "ens18"])

    assert status == 0
    conf = (tmp_path / "haproxy01" / "etc" / "keepalived" / "keepalived.conf").read_text()
    assert "interface ens18" in conf
    assert "198.18.0.100/24 dev ens18" in conf
