"""Runs every bench_*.py module's main(), in name order."""

import importlib
import pkgutil

import bench

for module in sorted(m.name for m in pkgutil.iter_modules(bench.__path__)):
    if module.startswith("bench_"):
        importlib.import_module(f"bench.{module}").main()
