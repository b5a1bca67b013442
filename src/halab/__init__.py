"""halab: build a highly available web stack, break it on purpose, measure what a client saw.

Packages, in the one direction they depend on each other:
cli -> experiments -> (lab, faults, probe, report) -> (render, topology).
`app` stands alone: the shopping-list web app that every web server of the stack serves.
"""

__version__ = "0.1.0"
