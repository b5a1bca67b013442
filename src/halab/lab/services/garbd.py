"""garbd, the Galera arbitrator: a third vote that keeps a two-node cluster Primary."""

from __future__ import annotations

import logging

from halab.lab.context import LabContext
from halab.lab.services import galera
from halab.lab.waits import wait_for
from halab.render.context import garbd_options

log = logging.getLogger(__name__)

GALERA_PORT = 4567
JOIN_TIMEOUT_S = 20.0


def bring_up(ctx: LabContext) -> None:
    galera_cfg = ctx.topology.galera
    if not galera_cfg or not galera_cfg.arbiter:
        return
    host = galera_cfg.arbiter
    nodes = galera.db_nodes(ctx)
    members = ",".join(f"{ctx.address(node)}:{GALERA_PORT}" for node in nodes)
    argv = ["garbd", "--address", f"gcomm://{members}", "--group", galera_cfg.cluster_name,
            "--name", host,
            # The same EVS timeouts as the nodes: an arbiter that suspects members on another
            # schedule splits the group views, and the survivor of a crash lost its quorum.
            "--options", garbd_options(galera_cfg, ctx.topology.host(host).address)]
    ctx.define(host, "garbd", argv)
    ctx.start(host, "garbd")
    expected = len(nodes) + 1
    wait_for(f"garbd on {host} to join (cluster size {expected})",
             lambda: galera.is_synced(ctx, nodes[0], expected), JOIN_TIMEOUT_S, interval_s=0.2,
             hint=f"read {ctx.state.log_file(host, 'garbd')}")
