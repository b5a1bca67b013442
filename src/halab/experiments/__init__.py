"""Experiments: scenarios, the runner, the history of a run and its analysis.

`history` stores everything a run observed on one clock; `analysis` turns one history into
figures (downtime, failed requests, per-layer reaction times, writes lost) and a verdict.
"""
