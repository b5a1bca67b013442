"""`halab up full-garbd`: two Galera nodes and garbd as the third vote."""

from __future__ import annotations

import pytest

from halab.lab.down import down
from halab.lab.lab import Lab
from halab.lab.status import collect
from halab.lab.up import up

from .conftest import require_root

pytestmark = pytest.mark.lab

LAB = "tgarbd"


def test_arbiter_counts_in_cluster_size():
    require_root()
    down(LAB)
    try:
        up("full-garbd", profile="tuned", lab_name=LAB, web_port=0)
        lab = Lab.attach(LAB)
        status = collect(lab)
        services = {(s["host"], s["service"]): s for s in status.services}

        assert services[("arbiter01", "garbd")]["running"]
        assert sorted(status.galera) == ["mariadb01", "mariadb02"]
        for node, view in status.galera.items():
            assert view["wsrep_cluster_size"] == "3", node
            assert view["wsrep_cluster_status"] == "Primary", node
    finally:
        down(LAB)
