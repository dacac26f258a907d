"""The one exception type raised by the domain helpers."""


class DomainError(Exception):
    """A rule was broken by the input.

    ``code`` is a stable machine code (e.g. ``"period.invalid"``) that callers and tests can
    match on; ``message`` is Vietnamese text fit to show to the user as is; ``details`` holds
    optional structured context (the bad value, the accepted forms, ...).
    """

    def __init__(self, code: str, message: str, details: dict | None = None) -> None:
        # Pass every argument to Exception so that pickling (e.g. across worker processes)
        # rebuilds the error with the same signature.
        super().__init__(code, message, details)
        self.code = code
        self.message = message
        self.details = details

    def __str__(self) -> str:
        """Return the human message, so the error prints well in logs and the CLI."""
        return self.message

    def __repr__(self) -> str:
        return f"DomainError(code={self.code!r}, message={self.message!r})"
