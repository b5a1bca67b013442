#!/usr/bin/env python3
"""Measure the lab: wall time of `up` and `down`, and the memory of every process of the lab.

Usage (as root): .venv/bin/python scripts/bench_lab.py [--topology full] [--runs 1] [--json F]

Memory is the peak of a few samples of the idle lab just after `up`. Each sample sums, over
the supervisor, every process in the lab's network namespaces and all their descendants, PSS
(from /proc/PID/smaps_rollup, shared pages split between their users) and RSS (shared pages
counted in full for each process, so an upper bound). Each run uses a lab of its
own name, brought down before the next; nothing is left running when the script ends.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import sys
import time
from pathlib import Path

from halab.bench import memory
from halab.lab.down import down
from halab.lab.state import LabState
from halab.lab.up import up

log = logging.getLogger("bench_lab")

LAB_NAME = "bench"
SAMPLES = 6
SAMPLE_INTERVAL_S = 0.5


def peak_memory(state: LabState) -> dict[str, float]:
    """Sample the lab's memory SAMPLES times, SAMPLE_INTERVAL_S apart; return the largest PSS.

    NOTE: the lab is idle while sampled; a load test (`halab bench`) shows memory under traffic.
    """
    samples = []
    for _ in range(SAMPLES):
        time.sleep(SAMPLE_INTERVAL_S)
        samples.append(memory.sample(state))
    return max(samples, key=lambda sample: sample["pss_mib"])


def run_once(topology: str, profile: str | None, lab: str) -> dict[str, object]:
    down(lab)
    started = time.monotonic()
    result = up(topology, profile, lab_name=lab, web_port=0)
    up_s = time.monotonic() - started
    memory = peak_memory(LabState.for_lab(lab))
    started = time.monotonic()
    down(lab)
    down_s = time.monotonic() - started
    return {"up_s": round(up_s, 2), "down_s": round(down_s, 2), **memory,
            "steps_s": {k: round(v, 2) for k, v in result.step_seconds.items()}}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--topology", default="full")
    parser.add_argument("--profile", default=None)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
    if os.geteuid() != 0:
        print("bench_lab.py needs root (it creates network namespaces)", file=sys.stderr)
        return 2
    runs = []
    try:
        for index in range(args.runs):
            runs.append(run_once(args.topology, args.profile, LAB_NAME))
            log.info("run %d: %s", index + 1, json.dumps(runs[-1]))
    finally:
        down(LAB_NAME)
    report = {"topology": args.topology, "profile": args.profile, "cpus": os.cpu_count(),
              "load_average_1m": os.getloadavg()[0], "machine": platform.platform(),
              "runs": runs}
    print(json.dumps(report, indent=2))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
