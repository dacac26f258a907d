"""The API's request parser: JSON bodies, query strings and form fields as ninja reads them,
refusing the NUL character (PostgreSQL cannot store it in text: a name with "\\u0000" was a 500
there and a stored oddity on SQLite). The refusal is the API's usual 422."""

from __future__ import annotations

from ninja.errors import ValidationError
from ninja.parser import Parser

NUL = "\x00"


def _nul_paths(value, loc: tuple) -> list[tuple]:
    """Where in a parsed JSON value a string (or a key) holds NUL."""
    if isinstance(value, str):
        return [loc] if NUL in value else []
    if isinstance(value, dict):
        found = [(*loc, key) for key in value if isinstance(key, str) and NUL in key]
        for key, item in value.items():
            found += _nul_paths(item, (*loc, key))
        return found
    if isinstance(value, list):
        return [p for i, item in enumerate(value) for p in _nul_paths(item, (*loc, i))]
    return []


def _refuse(paths: list[tuple]) -> None:
    if paths:
        raise ValidationError(
            [
                {"loc": list(p), "msg": "NUL character (\\u0000) not allowed", "type": "string_nul"}
                for p in paths
            ]  # fmt: skip
        )


class NulRefusingParser(Parser):
    def parse_body(self, request):
        data = super().parse_body(request)
        _refuse(_nul_paths(data, ("body",)))
        return data

    def parse_querydict(self, data, list_fields, request):
        parsed = super().parse_querydict(data, list_fields, request)
        _refuse(_nul_paths(parsed, ("query",)))
        return parsed
