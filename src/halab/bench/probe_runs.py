"""Run the probe as a subprocess for a benchmark and reduce its output to figures.

The probe (`python -m halab.probe`) writes a header line and one JSON record per request (see
`halab.probe.runner` for the fields). `load_records` reads such a file and `load_figures`
reduces the records: latency of successful requests, the probe's own start lag
(`start_ms - scheduled_ms`), and the achieved rates of sent and of successful requests.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from halab.bench.stats import achieved_rate_per_s, distribution
from halab.errors import HalabError, InvalidInput

log = logging.getLogger(__name__)

# Seconds the probe may take beyond its duration: start-up, login, the last timeouts.
PROBE_EXTRA_S = 60.0


@dataclass(frozen=True)
class ProbeLoad:
    """One probe run: where to send, how fast and for how long."""

    url: str
    rate_per_s: float
    duration_s: float
    timeout_ms: float = 1000.0
    email: str | None = None
    password_file: Path | None = None
    path: str = "/health"
    keep_alive: bool = True

    def argv(self, out: Path) -> list[str]:
        """Build the probe's command line: logged-in GETs of the cart, or anonymous GETs."""
        argv = [sys.executable, "-m", "halab.probe", "--url", self.url, "--out", str(out),
                "--rate", f"{self.rate_per_s:g}", "--duration-s", f"{self.duration_s:g}",
                "--timeout-ms", f"{self.timeout_ms:g}", "--write-fraction", "0"]
        if self.email is None:
            argv += ["--no-login", "--path", self.path]
        else:
            if self.password_file is None:
                raise ValueError("a logged-in probe load needs password_file")
            argv += ["--email", self.email, "--password-file", str(self.password_file)]
        if self.keep_alive:
            argv.append("--keep-alive")
        return argv


def run_probe(load: ProbeLoad, out: Path, wrap: list[str] | None = None) -> dict[str, Any]:
    """Run the probe to its end (inside `wrap`, such as `ip netns exec NS`) and return figures.

    :raise HalabError: when the probe exits non-zero, naming its log file.
    """
    argv = [*(wrap or []), *load.argv(out)]
    log_path = out.with_suffix(".log")
    log.info("probe: %.0f req/s for %.0f s to %s", load.rate_per_s, load.duration_s, load.url)
    with log_path.open("wb") as probe_log:
        completed = subprocess.run(argv, stdout=probe_log, stderr=subprocess.STDOUT,
                                   timeout=load.duration_s + PROBE_EXTRA_S, check=False)
    if completed.returncode != 0:
        raise HalabError(f"the probe to {load.url} exited with status {completed.returncode}",
                         hint=f"read {log_path}")
    return load_figures(out)


def load_records(path: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Return the header and the request records of a probe output file.

    :raise InvalidInput: when the first line is not a probe header or a line is not JSON.
    """
    objects = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            objects.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise InvalidInput(f"{path}: line {number} is not valid JSON ({exc.msg})") from exc
    if not objects:
        raise InvalidInput(f"{path}: empty probe output",
                           hint="expected a file written by `python -m halab.probe --out FILE`")
    header = objects[0]
    if header.get("kind") != "probe_header":
        raise InvalidInput(f"{path}: first line has kind {header.get('kind')!r}, "
                           f"expected 'probe_header'",
                           hint="expected a file written by `python -m halab.probe --out FILE`")
    return header, [o for o in objects[1:] if o.get("kind") == "request"]


def figures_of(records: list[dict[str, Any]], duration_s: float | None = None) -> dict[str, Any]:
    """Reduce request records to latency, lag, failures and achieved rates."""
    ok = [r for r in records if r["outcome"] == "ok"]
    figures: dict[str, Any] = {
        "requests": len(records),
        "ok": len(ok),
        "failed": len(records) - len(ok),
        "latency_ok_ms": distribution(r["latency_ms"] for r in ok),
        "lag_ms": distribution(r["start_ms"] - r["scheduled_ms"] for r in records),
        "sent_rate_per_s": achieved_rate_per_s([r["start_ms"] for r in records]),
        "ok_rate_per_s": None,
    }
    if duration_s:
        figures["ok_rate_per_s"] = len(ok) / duration_s
    return figures


def load_figures(path: Path) -> dict[str, Any]:
    """Read a probe output file and reduce it with the duration from its header."""
    header, records = load_records(path)
    duration_s = (header.get("settings") or {}).get("duration_s")
    figures = figures_of(records, duration_s)
    figures["offered_rate_per_s"] = (header.get("settings") or {}).get("rate_per_s")
    return figures
