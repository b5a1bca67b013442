"""`halab` commands for the bench package."""

import click


def register(group: click.Group) -> None:
    """Add this module's commands to the root group."""
