"""A benchmark's result: JSON-ready data, Markdown tables and the command that produced it.

`write_result` puts `<name>.json` and `<name>.md` into the output folder. Numbers in tables are
rounded for reading, and the JSON keeps them as measured.
"""

from __future__ import annotations

import json
import logging
import os
import platform
import shlex
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from halab import __version__

log = logging.getLogger(__name__)


@dataclass
class Table:
    """One Markdown table: a title, column headers and rows of cells."""

    title: str
    headers: list[str]
    rows: list[list[Any]] = field(default_factory=list)


@dataclass
class BenchResult:
    """What one benchmark measured."""

    name: str
    command: str
    data: dict[str, Any]
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    machine: dict[str, Any] = field(default_factory=lambda: machine_info())

    def to_json(self) -> dict[str, Any]:
        return {"benchmark": self.name, "command": self.command, "halab_version": __version__,
                "machine": self.machine, "notes": self.notes, **self.data}


def machine_info() -> dict[str, Any]:
    """Describe the machine and its load now, so a reader can judge noisy figures."""
    load_1m, load_5m, load_15m = os.getloadavg()
    return {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "load_average": [round(load_1m, 2), round(load_5m, 2), round(load_15m, 2)],
        "time_utc": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def command_line(argv: list[str] | None = None) -> str:
    """Return the `halab ...` command that is running, quoted for a shell."""
    args = sys.argv[1:] if argv is None else argv
    return shlex.join(["halab", *args])


def format_cell(value: Any) -> str:
    """Format one table cell: floats to 3 significant places at most, None as a dash."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e6:
            return str(int(value))
        if abs(value) >= 100:
            return f"{value:.0f}"
        if abs(value) >= 10:
            return f"{value:.1f}"
        return f"{value:.2f}"
    return str(value).replace("|", "\\|")


def markdown_table(table: Table) -> str:
    """Render a table as GitHub Markdown with its title as a bold line above it."""
    lines = [f"**{table.title}**", "",
             "| " + " | ".join(table.headers) + " |",
             "|" + "---|" * len(table.headers)]
    for row in table.rows:
        lines.append("| " + " | ".join(format_cell(cell) for cell in row) + " |")
    return "\n".join(lines)


def markdown(result: BenchResult) -> str:
    """Render the whole result: heading, command, machine, tables and notes."""
    machine = result.machine
    parts = [
        f"## {result.name}",
        "",
        f"Command: `{result.command}`",
        "",
        f"Machine: {machine['cpus']} CPUs, {machine['platform']}, load average "
        f"{' '.join(str(x) for x in machine['load_average'])} at {machine['time_utc']}.",
    ]
    for table in result.tables:
        parts += ["", markdown_table(table)]
    if result.notes:
        parts += [""] + [f"- {note}" for note in result.notes]
    return "\n".join(parts) + "\n"


def default_out_dir(root: Path = Path("runs")) -> Path:
    """Return runs/bench-<UTC stamp>, not yet created."""
    return root / ("bench-" + datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ"))


def write_result(result: BenchResult, out_dir: Path) -> tuple[Path, Path]:
    """Write `<name>.json` and `<name>.md` into `out_dir` and return both paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path = out_dir / f"{result.name}.json"
    md_path = out_dir / f"{result.name}.md"
    json_path.write_text(json.dumps(result.to_json(), indent=2, default=str) + "\n")
    md_path.write_text(markdown(result))
    log.info("benchmark %s written to %s", result.name, out_dir)
    return json_path, md_path
