"""Topology files shipped with halab: exp01, exp02, full and full-garbd."""
