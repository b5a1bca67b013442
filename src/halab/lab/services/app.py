"""The shopping-list app: schema and demo data once, then gunicorn on every web host."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from halab.errors import HalabError
from halab.lab import secrets
from halab.lab.context import LabContext, venv_bin
from halab.lab.waits import wait_for
from halab.topology.model import Role

log = logging.getLogger(__name__)

READY_TIMEOUT_S = 30.0
SETUP_TIMEOUT_S = 120.0


def web_hosts(ctx: LabContext) -> list[str]:
    return [host.name for host in ctx.topology.hosts_with_role(Role.WEB)]


def read_env_file(path: Path) -> dict[str, str]:
    """Parse KEY=VALUE lines, skipping comments and blank lines."""
    env = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#") and "=" in line:
            key, _, value = line.partition("=")
            env[key.strip()] = value.strip()
    return env


def environment(ctx: LabContext, host: str) -> dict[str, str]:
    """Return the app's environment on `host` from its rendered file (with the DB password)."""
    env = read_env_file(ctx.host_paths(host).app_env_file)
    env["HALAB_SERVER_NAME"] = host
    env["HALAB_DEMO_PASSWORD"] = secrets.read(ctx.state, "demo_password")
    env["HOME"] = str(ctx.state.host_dir(host))
    return env


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
    app = ctx.topology.app
    # gunicorn boots (about 3 s of imports here) while the schema and demo data are created:
    # its /health checks only the connection, which the schema does not affect.
    for host in hosts:
        Path(ctx.state.host_dir(host)).mkdir(parents=True, exist_ok=True)
        argv = [venv_bin("halab"), "app", "serve", "--bind", f"{ctx.address(host)}:{app.port}",
                "--workers", str(app.workers)]
        ctx.define(host, "app", argv, env=environment(ctx, host))
        ctx.start(host, "app")
    run_setup(ctx, hosts[0])
    for host in hosts:
        wait_for(f"the app on {host} to answer /health with 200",
                 lambda h=host: healthy(ctx, h), READY_TIMEOUT_S, interval_s=0.2,
                 hint=f"read {ctx.state.log_file(host, 'app')}")
