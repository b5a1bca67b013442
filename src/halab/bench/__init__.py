"""`halab bench`: benchmarks of failover, soak, throughput and the lab's cost, against targets.

Each benchmark is a function that takes its settings and returns a `BenchResult` (see
`output`): JSON-ready data, Markdown tables and the command that produced it. `halab bench`
prints the tables and writes `<name>.json` and `<name>.md` into the output folder.

- `failover`: built-in fault scenarios repeated on the seed and tuned profiles through the
  experiment runner. It gives medians, p95 and max of downtime, failed requests and lost
  writes, and whether the tuned profile met its targets.
- `soak`: steady load with no fault at the tuned settings. It counts spurious VRRP transitions,
  HAProxy DOWN events and failed requests, all expected to be 0.
- `throughput`: the cart page at fixed rates through the VIP and straight to one web server,
  and gunicorn against Flask's development server on loopback.
- `cost`: `up` and `down` wall time and the lab's peak memory. `accuracy` measures the probe's
  own send lag on loopback.

Statistics, target checks, output formats and the parsers of probe and wrk output are pure and
tested without root. Everything that brings a lab up needs root.
"""
