"""Subcommands of `tongket`, one module per capability."""
