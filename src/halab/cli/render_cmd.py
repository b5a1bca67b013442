"""`halab render` and `halab lint`: turn a topology into per-host files, or only validate it."""

from __future__ import annotations

import logging
from pathlib import Path

import click
from rich.console import Console

from halab.render import Secrets, check_tree, render_tree
from halab.topology import PROFILES, Topology, apply_profile, load_topology, validate

log = logging.getLogger(__name__)
console = Console()

SECRETS_FILENAME = "secrets.json"


@click.command("render")
@click.argument("topology", default="full")
@click.option(
    "--profile",
    type=click.Choice(PROFILES),
    default="seed",
    show_default=True,
    help="Timing profile applied on top of the topology.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Directory to write one tree per host into (OUT/<host>/etc/...).",
)
@click.option(
    "--lab",
    is_flag=True,
    help="Render lab files (paths under OUT/hosts/<host>/) instead of files for real hosts.",
)
@click.option(
    "--interface",
    default="eth0",
    show_default=True,
    help="Network interface that Keepalived sends adverts on and puts the VIP on.",
)
@click.option(
    "--check",
    is_flag=True,
    help="Validate each file with `haproxy -c` and `keepalived -t`; fail on warnings too.",
)
def render(
    topology: str, profile: str, out_dir: Path, lab: bool, interface: str, check: bool
) -> None:
    """Render every host's configuration files from TOPOLOGY (a built-in name or a YAML file)."""
    model = _load(topology, profile)
    out_dir.mkdir(parents=True, exist_ok=True)
    secrets = _secrets_for(out_dir)

    tree = render_tree(model, out_dir, secrets, lab=lab, interface=interface)
    total = sum(len(files) for files in tree.values())
    console.print(f"wrote {total} files for {len(tree)} hosts under {out_dir}")

    if check:
        checked = check_tree(out_dir)
        console.print(f"checked {len(checked)} files with haproxy -c and keepalived -t: all clean")


@click.command("lint")
@click.argument("topology")
@click.option(
    "--profile",
    type=click.Choice(PROFILES),
    default=None,
    help="Validate with this profile applied (default: the file as written).",
)
def lint(topology: str, profile: str | None) -> None:
    """Validate TOPOLOGY (a built-in name or a YAML file) and print its warnings."""
    model = _load(topology, profile)
    warnings = validate(model)
    for warning in warnings:
        console.print(f"warning: {warning}", markup=False, highlight=False)
    console.print(f"topology {model.name}: valid, {len(warnings)} warning(s)")


def _load(topology: str, profile: str | None) -> Topology:
    model = load_topology(topology)
    if profile is not None:
        model = apply_profile(model, profile)
    validate(model)
    return model


def _secrets_for(out_dir: Path) -> Secrets:
    """Reuse OUT/secrets.json, so that a second render keeps the passwords; else make one."""
    path = out_dir / SECRETS_FILENAME
    if path.exists():
        return Secrets.load(path)
    secrets = Secrets.generate()
    secrets.save(path)
    log.info("generated new secrets in %s (mode 0600)", path)
    return secrets


def register(group: click.Group) -> None:
    """Add this module's commands to the root group."""
    group.add_command(render)
    group.add_command(lint)
