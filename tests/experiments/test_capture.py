"""Decoding tcpdump's VRRP lines into advertisement events."""

import pytest

from halab.experiments.capture import adverts_to_events, parse_tcpdump_line

V2 = (
    "1796414467.989902 IP 198.18.0.11 > 224.0.0.18: VRRPv2, Advertisement, vrid 51, "
    "prio 101, authtype simple, intvl 1s, length 20"
)
V3 = (
    "1796414468.100000 IP 198.18.0.12 > 224.0.0.18: VRRPv3, Advertisement, vrid 52, "
    "prio 100, intvl 10cs, length 12"
)


def test_v2_line_decoded():
    advert = parse_tcpdump_line(V2)
    assert advert is not None
    assert advert.src == "198.18.0.11"
    assert advert.vrid == 51
    assert advert.priority == 101
    assert advert.advert_int_ms == 1000.0
    assert advert.version == 2


def test_v3_interval_in_centiseconds():
    advert = parse_tcpdump_line(V3)
    assert advert is not None
    assert advert.advert_int_ms == 100.0
    assert advert.version == 3


@pytest.mark.parametrize(
    "line",
    [
        "",
        "tcpdump: verbose output suppressed, use -v[v]... for full protocol decode",
        "1796414467.9 IP 198.18.0.11 > 198.18.0.12: ICMP echo request, id 1, seq 1, length 64",
    ],
)
def test_other_lines_ignored(line):
    assert parse_tcpdump_line(line) is None


def test_events_on_run_clock():
    events = adverts_to_events([V2, "noise", V3], wall_at_zero_s=1796414467.0)
    assert len(events) == 2
    assert events[0].t_ms == pytest.approx(989.902, abs=0.01)
    assert events[1].t_ms == pytest.approx(1100.0, abs=0.01)
    assert [e.priority for e in events] == [101, 100]
