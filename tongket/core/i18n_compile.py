"""Compiles the gettext catalogues (.po → .mo) with Babel, so no GNU gettext is needed.

The .mo files are committed: a fresh machine with only Python gets both languages.
`make messages` runs this after makemessages; a test fails when a .mo is stale.
"""

from __future__ import annotations

import io
from pathlib import Path

LOCALE = Path(__file__).resolve().parent.parent / "locale"


def compiled(po_path: Path) -> bytes:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po_path.open("rb") as fh:
        catalog = read_po(fh)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def catalogues() -> list[Path]:
    return sorted(LOCALE.glob("*/LC_MESSAGES/django.po"))


def main() -> None:
    for po in catalogues():
        po.with_suffix(".mo").write_bytes(compiled(po))
        print(f"compiled {po.relative_to(LOCALE.parent)}")


if __name__ == "__main__":
    main()
