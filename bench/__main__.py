"""Runs every bench_*.py module's main(), in name order, then prints one table of the ratios.

.venv/bin/python -m bench                      # everything (make bench)
.venv/bin/python -m bench reports web          # only bench_reports and bench_web
"""

import importlib
import pkgutil
import sys
import time

import bench
from bench.summary import ratio_table

wanted = set(sys.argv[1:])
sys.argv[1:] = []  # the modules read their own options from the environment
ratios = []
started = time.perf_counter()
for module in sorted(m.name for m in pkgutil.iter_modules(bench.__path__)):
    if module.startswith("bench_") and (not wanted or module.removeprefix("bench_") in wanted):
        print(f"\n## {module}\n", flush=True)
        ratios += importlib.import_module(f"bench.{module}").main() or []
print(f"\n## All benchmarks ({time.perf_counter() - started:.0f} s)\n")
print(ratio_table(ratios))
