"""`python -m halab.probe`: run the probe as its own process, such as inside the client namespace.

It logs in (unless --no-login), sends requests on the open-loop schedule, writes one JSON line
per request to --out and stops after --duration-s, on SIGTERM or on SIGINT. The exit status is
0 when the probe ran (failed requests are data, not errors) and non-zero when it could not
start, such as a failed login.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
import time
from pathlib import Path

import click

from halab.errors import ExitStatus, HalabError, InvalidInput

from .client import ClientSettings, ProbeClient
from .output import JsonLinesWriter, probe_header
from .runner import Schedule, run_probe

log = logging.getLogger("halab.probe")


def read_password(path: Path) -> str:
    """Return the first line of the password file, without its line end."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InvalidInput(
            f"failed to read the password file {path}: {exc.strerror}",
            hint="pass --password-file with a readable file whose first line is the password",
        ) from exc
    if not lines or not lines[0]:
        raise InvalidInput(f"password file {path} is empty", hint="put the password on line 1")
    return lines[0]


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--url", required=True, help="Base URL, such as http://198.18.0.100:80.")
@click.option(
    "--rate",
    "rate_per_s",
    type=float,
    default=50.0,
    show_default=True,
    help="Requests per second, sent on schedule.",
)
@click.option(
    "--duration-s",
    type=float,
    default=30.0,
    show_default=True,
    help="How long to send, in seconds.",
)
@click.option(
    "--timeout-ms",
    type=float,
    default=200.0,
    show_default=True,
    help="Timeout of each request's connect and of each read, in ms.",
)
@click.option(
    "--write-fraction",
    type=float,
    default=0.2,
    show_default=True,
    help="Share of requests that add an item; 0 sends only GETs.",
)
@click.option("--no-login", is_flag=True, help="Send plain GETs of --path without logging in.")
@click.option(
    "--path",
    "anonymous_path",
    default="/health",
    show_default=True,
    help="Path to GET with --no-login.",
)
@click.option(
    "--cart-path",
    default="/cart",
    show_default=True,
    help="The cart page: GET to read, POST to add an item.",
)
@click.option("--email", help="Customer email for the login.")
@click.option(
    "--password-file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="File whose first line is the customer's password.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="Output JSON Lines file (overwritten).",
)
@click.option("--run-id", default=None, help="Id in each write's tipo (default: random).")
@click.option("--seed", type=int, default=None, help="Seed of the read/write choice.")
@click.option(
    "--keep-alive",
    is_flag=True,
    help="Reuse connections per thread instead of one connection per request.",
)
@click.option(
    "--login-timeout-s",
    type=float,
    default=10.0,
    show_default=True,
    help="How long to keep retrying the login before giving up.",
)
@click.option("-v", "--verbose", is_flag=True, help="Log each phase.")
def probe_command(**options: object) -> None:
    """Send HTTP requests at a fixed rate and record each one."""
    logging.basicConfig(
        level=logging.INFO if options["verbose"] else logging.WARNING,
        format="%(name)s: %(message)s",
    )
    run_from_options(options)


def run_from_options(options: dict) -> None:
    password_file = options["password_file"]
    login = not options["no_login"]
    client = ProbeClient(
        ClientSettings(
            url=options["url"],
            timeout_ms=options["timeout_ms"],
            login=login,
            email=options["email"],
            password=read_password(password_file) if login and password_file else None,
            cart_path=options["cart_path"],
            anonymous_path=options["anonymous_path"],
            keep_alive=options["keep_alive"],
            login_timeout_s=options["login_timeout_s"],
        )
    )
    schedule = Schedule(
        rate_per_s=options["rate_per_s"],
        duration_s=options["duration_s"],
        write_fraction=options["write_fraction"] if login else 0.0,
        seed=options["seed"],
        **({"run_id": options["run_id"]} if options["run_id"] else {}),
    )
    schedule.validate(login)

    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    client.prepare()

    start_s = time.monotonic()
    settings = {
        "url": options["url"],
        "login": login,
        "email": options["email"],
        "rate_per_s": schedule.rate_per_s,
        "duration_s": schedule.duration_s,
        "timeout_ms": options["timeout_ms"],
        "write_fraction": schedule.write_fraction,
        "run_id": schedule.run_id,
        "cart_path": options["cart_path"],
        "anonymous_path": options["anonymous_path"],
        "keep_alive": options["keep_alive"],
    }
    with JsonLinesWriter(options["out"]) as writer:
        writer.write(probe_header(start_s, settings))
        summary = run_probe(client, schedule, writer.write, stop, start_s)
    log.info(
        "probe %s: sent %d, outcomes %s, max lag %.1f ms",
        schedule.run_id,
        summary.sent,
        dict(summary.outcomes),
        summary.max_lag_ms,
    )


def main(argv: list[str] | None = None) -> int:
    """Run the probe command and map halab's exceptions to exit codes."""
    try:
        probe_command.main(args=argv, prog_name="python -m halab.probe", standalone_mode=False)
    except click.ClickException as exc:
        exc.show()
        return ExitStatus.USAGE
    except HalabError as exc:
        click.echo(f"halab.probe: error: {exc}", err=True)
        return exc.exit_status
    except (click.exceptions.Abort, KeyboardInterrupt):
        return ExitStatus.INTERRUPTED
    return ExitStatus.OK


if __name__ == "__main__":
    sys.exit(main())
