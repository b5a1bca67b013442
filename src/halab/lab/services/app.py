"""The shopping-list app: schema and demo data once, then gunicorn on every web host."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from halab.errors import HalabError
from halab.lab import secrets
from halab.lab.context import LabContext, venv_bin
from halab.lab.services import galera
from halab.lab.waits import wait_for
from halab.topology.model import Role

log = logging.getLogger(__name__)

READY_TIMEOUT_S = 30.0
SETUP_TIMEOUT_S = 120.0


def web_hosts(ctx: LabContext) -> list[str]:
    return [host.name for host in ctx.topology.hosts_with_role(Role.WEB)]


def database_url(ctx: LabContext) -> str:
    """Return the app's SQLAlchemy URL: through the database balancer's VIP, or the first node."""
    app = ctx.topology.app
    password = secrets.read(ctx.state, "app_db_password")
    if app.database_balancer:
        balancer = next(b for b in ctx.topology.balancers if b.name == app.database_balancer)
        if balancer.vrrp_group:
            address = str(ctx.topology.vrrp_group(balancer.vrrp_group).vip)
        else:
            address = ctx.address(balancer.hosts[0])
        port = balancer.port
    else:
        address = ctx.address(galera.db_nodes(ctx)[0])
        port = ctx.topology.galera.port if ctx.topology.galera else 3306
    return (f"mysql+pymysql://{app.database_user}:{password}@{address}:{port}/"
            f"{app.database_name}?charset=utf8mb4")


def environment(ctx: LabContext, host: str) -> dict[str, str]:
    """Return the app's environment on `host`; it holds the database password."""
    return {
        "DATABASE_URL": database_url(ctx),
        "SECRET_KEY_FILE": str(secrets.secret_path(ctx.state, "app_secret_key")),
        "HALAB_SERVER_NAME": host,
        "HALAB_DEMO_PASSWORD": secrets.read(ctx.state, "demo_password"),
        "HOME": str(ctx.state.host_dir(host)),
    }


def run_setup(ctx: LabContext, host: str) -> None:
    """Create the schema and the demo data from `host`, once for the whole cluster."""
    env = environment(ctx, host)
    for argv in ([venv_bin("halab"), "app", "db", "upgrade"],
                 [venv_bin("halab"), "app", "load-demo"]):
        result = ctx.run_in(host, argv, check=False, timeout_s=SETUP_TIMEOUT_S,
                            env={**os.environ, **env})
        log_path = ctx.state.log_file(host, "app-setup")
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with log_path.open("a") as out:
            out.write(f"$ {' '.join(argv[1:])}\n{result.stdout}{result.stderr}")
        if result.returncode != 0:
            raise HalabError(f"`halab {' '.join(argv[1:])}` on {host} failed with exit status "
                             f"{result.returncode}", hint=f"read {log_path}")


def healthy(ctx: LabContext, host: str) -> bool:
    url = f"http://{ctx.address(host)}:{ctx.topology.app.port}/health"
    result = ctx.run_in(host, ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-m", "2",
                               url], check=False, timeout_s=5)
    return result.stdout.strip() == "200"


def bring_up(ctx: LabContext) -> None:
    hosts = web_hosts(ctx)
    if not hosts:
        return
    run_setup(ctx, hosts[0])
    app = ctx.topology.app
    for host in hosts:
        Path(ctx.state.host_dir(host)).mkdir(parents=True, exist_ok=True)
        argv = [venv_bin("halab"), "app", "serve", "--bind", f"{ctx.address(host)}:{app.port}",
                "--workers", str(app.workers)]
        ctx.define(host, "app", argv, env=environment(ctx, host))
        ctx.start(host, "app")
    for host in hosts:
        wait_for(f"the app on {host} to answer /health with 200",
                 lambda h=host: healthy(ctx, h), READY_TIMEOUT_S, interval_s=0.2,
                 hint=f"read {ctx.state.log_file(host, 'app')}")
