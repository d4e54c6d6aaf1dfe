"""Benchmarks: a synthetic district and side-by-side ratios against bare baselines.

Run with `make bench` (or `.venv/bin/python -m bench --help`); docs/benchmarks.md has
what is measured and the numbers of the last full run.
"""
