"""haproxy.cfg: the directives that decide balancing, checks, retries and the stats page."""

from __future__ import annotations

from .parsing import comment_before, haproxy_sections

CFG = "etc/haproxy/haproxy.cfg"


def test_lab_global_logs_to_stdout_with_socket(render, state_root):
    sections = haproxy_sections(render("full", "tuned", "haproxy01")[CFG])

    host_run = state_root.absolute() / "hosts" / "haproxy01" / "run"
    assert "log stdout format raw local0" in sections["global"]
    assert f"stats socket {host_run}/haproxy.sock mode 600 level admin" in sections["global"]
    assert f"pidfile {host_run}/haproxy.pid" in sections["global"]
    assert "daemon" not in sections["global"]


def test_real_global_uses_syslog_and_debian_socket(render):
    sections = haproxy_sections(render("full", "seed", "haproxy01", lab=False)[CFG])

    assert "log /dev/log local0" in sections["global"]
    assert "stats socket /run/haproxy/admin.sock mode 660 level admin" in sections["global"]
    assert not any(line.startswith("log stdout") for line in sections["global"])


def test_defaults_set_all_three_timeouts(render):
    defaults = haproxy_sections(render("full", "seed", "haproxy01")[CFG])["defaults"]

    assert "log global" in defaults
    assert "timeout connect 5s" in defaults
    assert "timeout client 50s" in defaults
    assert "timeout server 50s" in defaults
    assert not any(line.startswith("timeout check") for line in defaults)


def test_tuned_sets_check_timeout_above_health_query(render):
    text = render("full", "tuned", "haproxy01")[CFG]

    assert "timeout check 1500ms" in haproxy_sections(text)["defaults"]
    assert "1 s database query" in comment_before(text, "timeout check")


def test_stats_page_needs_login(render, secrets):
    stats = haproxy_sections(render("full", "seed", "haproxy02")[CFG])["listen stats"]

    assert "bind 198.18.0.12:8404" in stats
    assert f"stats auth halab:{secrets.stats_password}" in stats
    assert "stats refresh 5s" in stats


def test_web_frontend_binds_vip_with_forwarded_headers(render):
    frontend = haproxy_sections(render("full", "seed", "haproxy02")[CFG])["frontend web"]

    assert "bind 198.18.0.100:80" in frontend
    assert "mode http" in frontend
    assert "option forwardfor" in frontend
    assert "http-request set-header X-Forwarded-Proto http" in frontend
    assert "default_backend web_servers" in frontend


def test_exp01_frontend_binds_host_address(render):
    frontend = haproxy_sections(render("exp01", "seed", "haproxy01")[CFG])["frontend web"]

    assert "bind 198.18.0.11:80" in frontend


def test_web_backend_round_robin_with_health_check(render):
    sections = haproxy_sections(render("full", "seed", "haproxy01")[CFG])
    backend = sections["backend web_servers"]

    assert "balance roundrobin" in backend
    assert "option httpchk GET /health" in backend
    assert "http-check expect status 200" in backend
    assert "server webserver01 198.18.0.21:8000 check" in backend
    assert "server webserver02 198.18.0.22:8000 check" in backend
    assert "retries 3" in sections["defaults"]
    assert "option redispatch" in sections["defaults"]


def test_seed_uses_default_check_timings(render):
    backend = haproxy_sections(render("full", "seed", "haproxy01")[CFG])["backend web_servers"]

    assert "default-server inter 2s fall 3 rise 2" in backend
    assert not any(line.startswith("retry-on") for line in backend)


def test_tuned_checks_fast_and_retries_idempotent_only(render):
    backend = haproxy_sections(render("full", "tuned", "haproxy01")[CFG])["backend web_servers"]

    assert "default-server inter 200ms fastinter 100ms downinter 500ms fall 2 rise 2" in backend
    assert "retry-on conn-failure empty-response response-timeout" in backend
    assert "http-request disable-l7-retry if !METH_GET" in backend
    assert "option http-buffer-request" in backend


def test_tuned_values_carry_reasons(render):
    text = render("full", "tuned", "haproxy01")[CFG]

    assert "0.4 s" in comment_before(text, "default-server")
    assert "POST" in comment_before(text, "retry-on")
    assert "dead servers" in comment_before(text, "timeout connect")
    assert "redispatch" in comment_before(text, "retries").lower()
    assert "every retry" in comment_before(text, "option redispatch 1")


def test_db_backend_has_one_writer_and_agent_checks(render):
    backend = haproxy_sections(render("full", "seed", "haproxy03")[CFG])["backend db_servers"]

    assert "mode tcp" in backend
    assert "option httpchk GET /" in backend
    assert "http-check expect status 200" in backend
    servers = [line for line in backend if line.startswith("server ")]
    assert servers == [
        "server mariadb01 198.18.0.31:3306 check port 9200 on-marked-up shutdown-backup-sessions",
        "server mariadb02 198.18.0.32:3306 check port 9200 backup",
        "server mariadb03 198.18.0.33:3306 check port 9200 backup",
    ]
    assert any("on-marked-down shutdown-sessions" in line for line in backend)


def test_db_frontend_binds_db_vip_in_tcp_mode(render):
    sections = haproxy_sections(render("full", "seed", "haproxy04")[CFG])

    assert "bind 198.18.0.101:3306" in sections["frontend db"]
    assert "option tcplog" in sections["frontend db"]
    assert "mode tcp" in sections["defaults"]
    assert "backend web_servers" not in sections


def test_full_garbd_db_backend_skips_arbiter(render):
    backend = haproxy_sections(render("full-garbd", "tuned", "haproxy03")[CFG])[
        "backend db_servers"
    ]

    names = [line.split()[1] for line in backend if line.startswith("server ")]
    assert names == ["mariadb01", "mariadb02"]
