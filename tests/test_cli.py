"""The CLI root: version, help, and the mapping of halab's errors to exit codes."""

import click
import pytest

from halab import __version__
from halab.cli import cli, main
from halab.errors import ExitStatus, InvalidInput, MissingDependency


def test_version_printed(capsys):
    assert main(["--version"]) == ExitStatus.OK
    assert __version__ in capsys.readouterr().out


def test_unknown_command_is_usage_error(capsys):
    assert main(["no-such-command"]) == ExitStatus.USAGE
    assert "no-such-command" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (InvalidInput("bad value 7", hint="use 8", problems=["field x: too small"]),
         ExitStatus.INVALID_INPUT),
        (MissingDependency("haproxy not found", hint="run `apt-get install haproxy`"),
         ExitStatus.MISSING_DEPENDENCY),
    ],
)
def test_halab_error_mapped_without_traceback(capsys, error, status):
    @cli.command("raise-for-test")
    def _raise() -> None:
        raise error

    try:
        assert main(["raise-for-test"]) == status
    finally:
        cli.commands.pop("raise-for-test")
    err = capsys.readouterr().err
    assert error.message in err
    assert "hint:" in err
    assert "Traceback" not in err


def test_keyboard_interrupt_exit_130(capsys):
    @cli.command("interrupt-for-test")
    def _interrupt() -> None:
        raise KeyboardInterrupt

    try:
        assert main(["interrupt-for-test"]) == ExitStatus.INTERRUPTED
    finally:
        cli.commands.pop("interrupt-for-test")
    assert "interrupted" in capsys.readouterr().err


def test_command_exit_status_returned():
    @cli.command("exit-for-test")
    def _exit() -> None:
        raise click.exceptions.Exit(7)

    try:
        assert main(["exit-for-test"]) == 7
    finally:
        cli.commands.pop("exit-for-test")


def test_every_feature_group_registered():
    names = set(cli.commands)
    assert isinstance(cli, click.Group)
    for expected in ("app", "render", "lint", "up", "down", "status", "exec", "experiment",
                     "demo", "report", "bench"):
        assert expected in names
