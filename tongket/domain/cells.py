"""Making exported spreadsheet cells inert, so that a name like "=HYPERLINK(…)" stays text."""

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def inert_cell(value):
    """Prefixes text that a spreadsheet would run as a formula with an apostrophe (OWASP)."""
    if isinstance(value, str) and value.startswith(FORMULA_LEADS):
        return "'" + value
    return value
