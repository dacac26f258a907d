"""Benchmarks: `python -m bench` runs every bench_*.py; `python -m bench.bench_X` runs one."""
