"""Run Python code inside a lab host's namespace, as a client of the lab would."""

from __future__ import annotations

import json
import sys
import textwrap
from typing import Any

from halab.lab.lab import Lab


def run_json(lab: Lab, host: str, code: str, timeout_s: float = 60.0) -> Any:
    """Run `code` with this venv's Python in `host`'s namespace; return what it prints as JSON."""
    result = lab.run_in(host, [sys.executable, "-c", textwrap.dedent(code)], check=False,
                        timeout_s=timeout_s)
    assert result.returncode == 0, f"client code on {host} failed:\n{result.stderr}"
    return json.loads(result.stdout)


def served_by(lab: Lab, url: str, count: int) -> list[str]:
    """GET `url` `count` times from the client host; return each X-Served-By header."""
    code = f"""
        import json, requests
        names = []
        for _ in range({count}):
            response = requests.get({url!r}, timeout=5, allow_redirects=False)
            names.append(response.headers.get("X-Served-By", "-"))
        print(json.dumps(names))
    """
    return run_json(lab, "client", code)
