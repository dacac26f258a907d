"""The CLI reference in the README, generated from the parser's own --help (Vietnamese).

`python -m tongket.cli.reference --write` updates README.md; a test fails when it drifts.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"
START, END = "<!-- cli-reference:start -->", "<!-- cli-reference:end -->"


def _subparsers(parser: argparse.ArgumentParser):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            yield from action.choices.items()


def _walk(parser, path):
    yield path, parser.format_help()
    for name, child in _subparsers(parser):
        yield from _walk(child, [*path, name])


def reference() -> str:
    """Markdown: one fenced block of help text per command, in Vietnamese."""
    from django.utils import translation

    from tongket.cli.main import build_parser

    os.environ["COLUMNS"] = "100"  # the help text wraps to the terminal; fix it for the docs
    with translation.override("vi"):
        sections = [
            f"#### `{' '.join(path)}`\n\n```text\n{text.rstrip()}\n```\n"
            for path, text in _walk(build_parser(), ["tongket"])
        ]
    return "\n".join(sections)


def readme_section(text: str) -> str:
    match = re.search(re.escape(START) + r"\n(.*?)" + re.escape(END), text, re.S)
    return match.group(1) if match else ""


def main() -> None:
    from tongket.cli.main import _prepare

    _prepare([])
    text = README.read_text(encoding="utf-8")
    fresh = reference()
    if "--write" in sys.argv:
        head, rest = text.split(START, 1)
        tail = rest.split(END, 1)[1]
        README.write_text(f"{head}{START}\n{fresh}{END}{tail}", encoding="utf-8")
    else:
        print(fresh)


if __name__ == "__main__":
    main()
