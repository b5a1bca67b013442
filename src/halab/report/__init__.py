"""Reports a person reads, computed from saved run histories alone.

`write_report(paths, out_dir)` is the entry point, used by `halab report` and at the end of
`halab experiment run`. The flow, one module per step:

- `runs`: find the run directories of a session and load each one (history, topology,
  results); figures are recomputed with `halab.experiments.analysis`.
- `predict` and `measure`: the expected worst case of each layer from the topology's timers,
  beside the measured value, and the per-layer breakdown of each failover.
- `spans` and `tables`: daemon states as spans, VRRP adverts as a Wireshark-like table.
- `timeline`, `plots`, `across` (on `plotting`): matplotlib figures as PNG bytes.
- `build`: everything a report shows, per run and across runs.
- `html` (Jinja2 templates in `templates/`) and `markdown`; `write` puts the files on disk.
"""

from .write import ReportFiles, write_report

__all__ = ["ReportFiles", "write_report"]
