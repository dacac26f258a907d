"""tongket ("tổng kết"): records, rules and review reports for a Party Committee office."""

__version__ = "0.1.0"
