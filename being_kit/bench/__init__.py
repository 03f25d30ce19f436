"""Benchmarks printing figures; one module per benchmark, run with `python -m being_kit.bench <name>`."""
