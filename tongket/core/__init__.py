"""Shared Django glue: the change log, the acting user, operation ids, error mapping."""
