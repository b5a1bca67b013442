"""VRRP states read from the lab's events file, as `halab status` shows them."""

import json
from pathlib import Path
from types import SimpleNamespace

from halab.lab.status import vrrp_states


def test_rx_lower_pri_is_not_a_state(tmp_path: Path):
    events = tmp_path / "events.jsonl"
    lines = [
        {"t_mono": 1.0, "kind": "keepalived", "host": "haproxy01", "type": "INSTANCE",
         "name": "VI_WEB", "state": "MASTER"},
        {"t_mono": 2.0, "kind": "keepalived", "host": "haproxy01", "type": "INSTANCE",
         "name": "VI_WEB", "state": "MASTER_RX_LOWER_PRI"},
        {"t_mono": 2.5, "kind": "keepalived", "host": "haproxy02", "type": "INSTANCE",
         "name": "VI_WEB", "state": "BACKUP"},
        {"t_mono": 3.0, "kind": "process", "host": "haproxy02", "service": "haproxy"},
    ]
    events.write_text("".join(json.dumps(line) + "\n" for line in lines))

    states = vrrp_states(SimpleNamespace(events_file=events))

    assert states == {("haproxy01", "VI_WEB"): "MASTER", ("haproxy02", "VI_WEB"): "BACKUP"}
