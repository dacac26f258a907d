"""The `tongket` command line: a thin face over the same services and selectors as the web."""

from tongket.cli.main import main

__all__ = ["main"]
