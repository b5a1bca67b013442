"""Validation rules: each bad input is rejected with a message naming the value and the fix."""

from __future__ import annotations

import pytest

from halab.errors import InvalidInput
from halab.topology import Topology, apply_profile, builtin_names, load_topology, validate

from .conftest import builtin_document


def _host(document: dict, name: str) -> dict:
    return next(host for host in document["hosts"] if host["name"] == name)


def _group(document: dict, name: str) -> dict:
    return next(group for group in document["vrrp_groups"] if group["name"] == name)


def _duplicate_name(d):
    _host(d, "haproxy02")["name"] = "haproxy01"


def _duplicate_address(d):
    _host(d, "haproxy02")["address"] = "198.18.0.11"


def _outside_subnet(d):
    _host(d, "client")["address"] = "10.0.0.10"


def _network_address(d):
    _host(d, "client")["address"] = "198.18.0.0"


def _vip_is_host_address(d):
    _group(d, "VI_WEB")["vip"] = "198.18.0.21"


def _vrid_twice(d):
    _group(d, "VI_DB")["vrid"] = 51


def _vip_twice(d):
    _group(d, "VI_DB")["vip"] = "198.18.0.100"


def _backup_never_wins_negative_weight(d):
    _group(d, "VI_WEB")["members"][0]["priority"] = 120
    _group(d, "VI_WEB")["tracking"] = {"kind": "script", "weight": -10}


def _backup_never_wins_positive_weight(d):
    _group(d, "VI_WEB")["members"][0]["priority"] = 120
    _group(d, "VI_WEB")["tracking"] = {"kind": "script", "weight": 10}


def _equal_priorities(d):
    _group(d, "VI_WEB")["members"][1]["priority"] = 101


def _nopreempt_with_master(d):
    _group(d, "VI_WEB")["preempt"] = False


def _preempt_delay_with_master(d):
    _group(d, "VI_WEB")["preempt_delay_s"] = 5


def _sub_second_advert_v2(d):
    _group(d, "VI_WEB")["advert_int_s"] = 0.5


def _auth_with_v3(d):
    _group(d, "VI_WEB").update(version=3, auth_pass="secret")


def _script_interval_fraction(d):
    _group(d, "VI_WEB")["tracking"] = {"kind": "script", "interval_s": 0.5}


def _script_security_without_user(d):
    _group(d, "VI_WEB")["script_user"] = None


def _script_user_missing(d):
    _group(d, "VI_WEB")["script_user"] = "nosuchuser"


def _member_not_a_host(d):
    _group(d, "VI_WEB")["members"][1]["host"] = "haproxy09"


def _member_wrong_role(d):
    _group(d, "VI_WEB")["members"][1]["host"] = "webserver01"


def _balancer_host_wrong_role(d):
    d["balancers"][0]["hosts"] = ["haproxy01", "haproxy03"]


def _balancer_backend_wrong_role(d):
    d["balancers"][1]["backends"] = ["mariadb01", "webserver01"]


def _balancer_hosts_differ_from_group(d):
    _group(d, "VI_WEB")["members"].pop()


def _balancer_unknown_group(d):
    d["balancers"][0]["vrrp_group"] = "VI_NONE"


def _tcp_without_check_port(d):
    d["balancers"][1]["check_port"] = None


def _tcp_buffer_request(d):
    d["balancers"][1]["buffer_request"] = True


def _tcp_retry_on(d):
    d["balancers"][1]["retry_on"] = "empty-response"


def _stats_port_clash(d):
    d["balancers"][0]["stats_port"] = 80


def _web_backend_port_differs(d):
    d["balancers"][0]["backend_port"] = 8080


def _agent_port_differs(d):
    d["balancers"][1]["check_port"] = 9201


def _galera_node_not_db(d):
    d["galera"]["nodes"] = ["mariadb01", "mariadb02", "webserver01"]


def _galera_inactive_below_suspect(d):
    d["galera"].update(evs_suspect_timeout_s=5, evs_inactive_timeout_s=3)


def _galera_keepalive_too_long(d):
    d["galera"].update(evs_suspect_timeout_s=1.5, evs_keepalive_period_s=1)


def _two_db_hosts_without_galera(d):
    del d["galera"]
    d["balancers"].pop()
    d["app"]["database_balancer"] = None


def _secret_keys_differ(d):
    _host(d, "webserver01")["secret_key_file"] = "/etc/halab/key-a"


def _timeout_server_below_worker(d):
    d["balancers"][0]["timeout_server_s"] = 20


def _timeout_server_above_worker_when_haproxy_cuts(d):
    d["app"]["slow_request_cut_by"] = "haproxy"


def _database_balancer_unknown(d):
    d["app"]["database_balancer"] = "nodb"


def _database_balancer_http(d):
    d["app"]["database_balancer"] = "web"


CASES = [
    (_duplicate_name, ["host haproxy01: the name is used by 2 hosts", "rename"]),
    (_duplicate_address, ["host haproxy02: address 198.18.0.11 is already used by haproxy01"]),
    (_outside_subnet, ["host client: address 10.0.0.10 is outside the subnet 198.18.0.0/24"]),
    (_network_address, ["host client: address 198.18.0.0 is the network or broadcast"]),
    (_vip_is_host_address, ["VIP 198.18.0.21 equals the address of host webserver01"]),
    (_vrid_twice, ["VRRP group VI_DB: virtual_router_id 51 is already used by VI_WEB"]),
    (_vip_twice, ["VRRP group VI_DB: VIP 198.18.0.100 is already the VIP of VI_WEB"]),
    (
        _backup_never_wins_negative_weight,
        [
            "haproxy02 can never take over from haproxy01",
            "weight -10",
            "effective priority 110",
            "haproxy02 100",
            "larger than 20",
        ],
    ),
    (
        _backup_never_wins_positive_weight,
        [
            "haproxy02 can never take over from haproxy01",
            "weight 10",
            "effective priority 120",
            "haproxy02 110",
        ],
    ),
    (
        _equal_priorities,
        ["host haproxy02 has priority 101, equal to haproxy01's", "lower priority"],
    ),
    (
        _nopreempt_with_master,
        ["haproxy01 has state MASTER with nopreempt", "set its state to BACKUP"],
    ),
    (_preempt_delay_with_master, ["haproxy01 has state MASTER with preempt_delay 5 s"]),
    (_sub_second_advert_v2, ["advert_int 0.5 s with VRRP version 2", "set version 3"]),
    (_auth_with_v3, ["auth_pass is set with VRRP version 3", "remove auth_pass"]),
    (_script_interval_fraction, ["script interval 0.5 s", "whole number"]),
    (_script_security_without_user, ["script security is on but no script_user is set"]),
    (_script_user_missing, ["script_user 'nosuchuser' does not exist"]),
    (_member_not_a_host, ["member 'haproxy09' is not a host of the topology"]),
    (_member_wrong_role, ["member webserver01 has role web", "only lb-http and lb-db"]),
    (_balancer_host_wrong_role, ["balancer web: host haproxy03 has role lb-db", "lb-http hosts"]),
    (_balancer_backend_wrong_role, ["balancer db: backend webserver01 has role web"]),
    (_balancer_hosts_differ_from_group, ["balancer web: hosts ['haproxy01', 'haproxy02'] differ"]),
    (_balancer_unknown_group, ["balancer web: VRRP group 'VI_NONE' is not defined"]),
    (_tcp_without_check_port, ["balancer db: tcp mode needs check_port"]),
    (_tcp_buffer_request, ["balancer db: buffer_request works in http mode only"]),
    (_tcp_retry_on, ["balancer db: retry_on 'empty-response' works in http mode only"]),
    (_stats_port_clash, ["balancer web: stats_port 80 equals the service port"]),
    (
        _web_backend_port_differs,
        ["balancer web: backend_port 8080 differs from the port the service listens on (8000)"],
    ),
    (_agent_port_differs, ["balancer db: check_port 9201 differs", "set check_port to 9200"]),
    (_galera_node_not_db, ["galera: node 'webserver01' is not a db host"]),
    (_galera_inactive_below_suspect, ["evs_inactive_timeout_s 3 is below evs_suspect_timeout_s 5"]),
    (_galera_keepalive_too_long, ["evs_keepalive_period_s 1 is above a third"]),
    (
        _two_db_hosts_without_galera,
        ["3 db hosts ['mariadb01', 'mariadb02', 'mariadb03'] but no galera"],
    ),
    (
        _secret_keys_differ,
        ["web hosts name different SECRET_KEY files", "webserver01: /etc/halab/key-a"],
    ),
    (
        _timeout_server_below_worker,
        [
            "balancer web: timeout server 20 s is not longer than the gunicorn worker timeout 30 s",
            "raise timeout_server_s",
        ],
    ),
    (
        _timeout_server_above_worker_when_haproxy_cuts,
        ["timeout server 50 s is not shorter than the gunicorn worker timeout 30 s"],
    ),
    (_database_balancer_unknown, ["app: database_balancer 'nodb' is not a balancer"]),
    (_database_balancer_http, ["app: database_balancer 'web' is in http mode"]),
]


@pytest.mark.parametrize(
    ("breaker", "expected"), CASES, ids=[case[0].__name__[1:] for case in CASES]
)
def test_rule_rejects_bad_input(full_document, breaker, expected):
    breaker(full_document)
    topology = Topology.model_validate(full_document)

    with pytest.raises(InvalidInput) as caught:
        validate(topology)

    problems = "\n".join(caught.value.problems)
    for fragment in expected:
        assert fragment in problems
    assert "topology full is invalid" in caught.value.message


# Built-ins that are valid but weak on purpose, with the warning they must get.
EXPECTED_WARNINGS = {"full-2db": "galera: only 2 voting members (mariadb01, mariadb02)"}


@pytest.mark.parametrize("name", builtin_names())
@pytest.mark.parametrize("profile", [None, "seed", "tuned"])
def test_builtin_is_valid(name, profile):
    topology = load_topology(name)
    if profile:
        topology = apply_profile(topology, profile)

    warnings = validate(topology)

    if name in EXPECTED_WARNINGS:
        assert len(warnings) == 1
        assert warnings[0].startswith(EXPECTED_WARNINGS[name])
    else:
        assert warnings == []


def test_weight_zero_always_allows_failover(full_document):
    _group(full_document, "VI_WEB")["members"][0]["priority"] = 200
    _group(full_document, "VI_WEB")["tracking"] = {"kind": "process", "weight": 0}

    assert validate(Topology.model_validate(full_document)) == []


def test_negative_weight_just_enough_passes(full_document):
    _group(full_document, "VI_WEB")["members"][0]["priority"] = 109
    _group(full_document, "VI_WEB")["tracking"] = {"kind": "script", "weight": -10}

    assert validate(Topology.model_validate(full_document)) == []


def test_two_galera_votes_warn(full_document):
    full_document["hosts"] = [h for h in full_document["hosts"] if h["name"] != "mariadb03"]
    full_document["balancers"][1]["backends"] = ["mariadb01", "mariadb02"]
    full_document["galera"]["nodes"] = ["mariadb01", "mariadb02"]

    warnings = validate(Topology.model_validate(full_document))

    assert len(warnings) == 1
    assert "galera: only 2 voting members (mariadb01, mariadb02)" in warnings[0]
    assert "add a third node or an arbiter" in warnings[0]


def test_two_masters_warn(full_document):
    _group(full_document, "VI_WEB")["members"][1]["state"] = "MASTER"

    warnings = validate(Topology.model_validate(full_document))

    assert len(warnings) == 2
    assert "haproxy01, haproxy02 all start as MASTER" in warnings[0]
    assert "haproxy02 starts as MASTER with priority 100, below haproxy01's 101" in warnings[1]


def test_fast_checks_without_check_timeout_warn(full_document):
    full_document["balancers"][0]["check_inter_ms"] = 200

    warnings = validate(Topology.model_validate(full_document))

    assert len(warnings) == 1
    assert "balancer web: checks every 200 ms without timeout_check_ms" in warnings[0]


def test_two_galera_nodes_with_arbiter_pass():
    document = builtin_document("full-garbd")

    assert validate(Topology.model_validate(document)) == []


def test_all_problems_reported_at_once(full_document):
    _duplicate_address(full_document)
    _vrid_twice(full_document)

    with pytest.raises(InvalidInput) as caught:
        validate(Topology.model_validate(full_document))

    assert len(caught.value.problems) == 2
