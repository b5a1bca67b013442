"""keepalived.conf: script security, health tracking, and the VRRP instance of each member."""

from __future__ import annotations

import pytest

from halab.render import HostPaths, render_host
from halab.topology import load_topology

from .parsing import comment_before, keepalived_blocks

CONF = "etc/keepalived/keepalived.conf"


def test_global_defs_set_script_security_and_fifo(render, state_root):
    root = keepalived_blocks(render("full", "seed", "haproxy01")[CONF])
    global_defs = root.child("global_defs").lines

    assert "router_id haproxy01" in global_defs
    assert "enable_script_security" in global_defs
    assert "script_user root" in global_defs
    fifo = state_root.absolute() / "hosts" / "haproxy01" / "state" / "keepalived.fifo"
    assert f"notify_fifo {fifo}" in global_defs


@pytest.mark.parametrize("profile", ["seed", "tuned"])
def test_master_sends_garp_on_lower_priority_advert(render, profile):
    # Without it, a healed split brain leaves clients sending to the former second master.
    root = keepalived_blocks(render("exp02", profile, "haproxy01")[CONF])
    global_defs = root.child("global_defs").lines

    assert "vrrp_garp_lower_prio_repeat 3" in global_defs
    assert "vrrp_garp_lower_prio_delay 0" in global_defs
    assert "higher_prio_send_advert" in root.child("vrrp_instance VI_WEB").lines


def test_real_host_uses_notify_script_not_fifo(render):
    files = render("full", "seed", "haproxy01", lab=False)
    root = keepalived_blocks(files[CONF])

    assert not any(line.startswith("notify_fifo") for line in root.child("global_defs").lines)
    instance = root.child("vrrp_instance VI_WEB")
    assert "notify /etc/keepalived/halab-notify.sh" in instance.lines
    script = files["etc/keepalived/halab-notify.sh"]
    assert script.startswith("#!/bin/sh\n")
    assert "date --iso-8601=ns" in script
    assert "/var/log/halab/keepalived-transitions.log" in script


def test_seed_instance_matches_origin(render):
    root = keepalived_blocks(render("full", "seed", "haproxy01")[CONF])
    instance = root.child("vrrp_instance VI_WEB")

    assert "state MASTER" in instance.lines
    assert "interface eth0" in instance.lines
    assert "virtual_router_id 51" in instance.lines
    assert "priority 101" in instance.lines
    assert "advert_int 1" in instance.lines
    assert "version 2" in instance.lines
    assert instance.child("virtual_ipaddress").lines == ["198.18.0.100/24 dev eth0"]
    assert instance.child("track_script").lines == ["chk_haproxy_VI_WEB"]


def test_seed_check_script_every_second_weight_minus_ten(render):
    root = keepalived_blocks(render("full", "seed", "haproxy01")[CONF])
    script = root.child("vrrp_script chk_haproxy_VI_WEB")

    assert "interval 1" in script.lines
    assert "weight -10" in script.lines
    command = next(line for line in script.lines if line.startswith("script "))
    assert "/usr/bin/pgrep -f" in command
    assert "hosts/haproxy01/etc/haproxy/haproxy.cfg([[:space:]]|$)" in command
    assert " " not in command.split("-f ", 1)[1].strip('"')


def test_custom_check_script_used(state_root, secrets):
    topology = load_topology("exp02")
    group = topology.vrrp_groups[0]
    tracking = group.tracking.model_copy(update={"script": "/usr/local/bin/check-lb"})
    groups = [group.model_copy(update={"tracking": tracking})]
    topology = topology.model_copy(update={"vrrp_groups": groups})
    paths = HostPaths.lab(state_root, "haproxy01")

    root = keepalived_blocks(render_host(topology, "haproxy01", paths, True, secrets)[CONF])

    assert 'script "/usr/local/bin/check-lb"' in root.child("vrrp_script chk_haproxy_VI_WEB").lines


def test_backup_member_has_backup_state(render):
    root = keepalived_blocks(render("full", "seed", "haproxy04")[CONF])
    instance = root.child("vrrp_instance VI_DB")

    assert "state BACKUP" in instance.lines
    assert "priority 100" in instance.lines
    assert "virtual_router_id 52" in instance.lines
    assert instance.child("virtual_ipaddress").lines == ["198.18.0.101/24 dev eth0"]


def test_tuned_tracks_exact_haproxy_command(render, state_root):
    root = keepalived_blocks(render("full", "tuned", "haproxy02")[CONF])
    track = root.child("vrrp_track_process track_haproxy_VI_WEB")

    config = state_root.absolute() / "hosts" / "haproxy02" / "etc" / "haproxy" / "haproxy.cfg"
    assert f'process "/usr/sbin/haproxy" "-db" "-f" "{config}"' in track.lines
    assert "param_match partial" in track.lines
    assert "weight 0" in track.lines
    assert "quorum 1" in track.lines


def test_tuned_instance_uses_vrrpv3_sub_second(render):
    text = render("full", "tuned", "haproxy01")[CONF]
    root = keepalived_blocks(text)
    instance = root.child("vrrp_instance VI_WEB")

    assert "vrrp_version 3" in root.child("global_defs").lines
    assert "version 3" in instance.lines
    assert "advert_int 0.1" in instance.lines
    assert instance.child("track_process").lines == ["track_haproxy_VI_WEB"]
    assert not [block for block in instance.children if block.header == "authentication"]
    assert "master down" in comment_before(text, "advert_int")
    assert "FAULT" in comment_before(text, "weight 0")


def test_real_host_tracks_process_name(render):
    root = keepalived_blocks(render("full", "tuned", "haproxy01", lab=False)[CONF])

    track = root.child("vrrp_track_process track_haproxy_VI_WEB")
    assert "process haproxy" in track.lines


def test_interface_is_a_parameter(render):
    root = keepalived_blocks(render("exp02", "seed", "haproxy01", interface="veth-h1")[CONF])
    instance = root.child("vrrp_instance VI_WEB")

    assert "interface veth-h1" in instance.lines
    assert instance.child("virtual_ipaddress").lines == ["198.18.0.100/24 dev veth-h1"]


def test_hosts_without_vrrp_get_no_keepalived(render):
    assert CONF not in render("exp01", "seed", "haproxy01")
    assert CONF not in render("full", "seed", "webserver01")
