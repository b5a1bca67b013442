"""The `halab` command line: a thin layer over the library.

`main()` is the one place that turns halab's exceptions into exit codes and one-line messages;
tracebacks appear only with `--debug`. Each feature's commands live in their own module
(`app_cmd`, `render_cmd`, `lab_cmd`, `experiment_cmd`, `report_cmd`, `bench_cmd`), which adds
them to the root group through `register(group)`.
"""

from __future__ import annotations

import logging
import sys

import click
from rich.console import Console
from rich.logging import RichHandler

from halab import __version__
from halab.errors import ExitStatus, HalabError

from . import app_cmd, bench_cmd, experiment_cmd, lab_cmd, render_cmd, report_cmd

log = logging.getLogger(__name__)
err_console = Console(stderr=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="halab")
@click.option("-v", "--verbose", count=True, help="Log more: -v for info, -vv for debug.")
@click.option("--debug", is_flag=True, help="Show a traceback when a command fails.")
@click.pass_context
def cli(ctx: click.Context, verbose: int, debug: bool) -> None:
    """Build a highly available web stack, break it on purpose, measure what a client saw."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(
        level=level,
        format="%(name)s: %(message)s",
        handlers=[RichHandler(console=err_console, show_path=False, rich_tracebacks=debug)],
    )


for _module in (app_cmd, render_cmd, lab_cmd, experiment_cmd, report_cmd, bench_cmd):
    _module.register(cli)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and map halab's exceptions to exit codes."""
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        # Without standalone mode, click returns the code of a `ctx.exit(code)` instead of
        # raising it; `halab exec` passes its command's exit status this way.
        result = cli.main(args=argv, prog_name="halab", standalone_mode=False)
    except click.exceptions.Abort:
        err_console.print("halab: interrupted")
        return ExitStatus.INTERRUPTED
    except KeyboardInterrupt:
        err_console.print("halab: interrupted")
        return ExitStatus.INTERRUPTED
    except click.ClickException as exc:
        exc.show()
        return ExitStatus.USAGE
    except HalabError as exc:
        if debug:
            err_console.print_exception()
        err_console.print(f"halab: error: {exc}", markup=False, highlight=False, soft_wrap=True)
        return exc.exit_status
    except click.exceptions.Exit as exc:
        return exc.exit_code
    return result if isinstance(result, int) else ExitStatus.OK


if __name__ == "__main__":
    sys.exit(main())
