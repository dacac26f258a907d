"""Reading a legal basis as written in Vietnamese documents."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from tongket.domain.errors import DomainError

NUMBER = re.compile(r"(\d+[A-Za-z]?/[0-9A-Za-zĐđÀ-ỹ/\-]+)")
SIGNED = re.compile(r"ngày\s+(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{4})", re.IGNORECASE)


@dataclass(frozen=True)
class LegalText:
    text: str
    number: str
    signed_on: date | None


def parse_legal_basis(text: str) -> LegalText:
    """ "Nghị quyết 11/NQ-HĐND ngày 14/3/2024" → number 11/NQ-HĐND, signed 14/3/2024.

    The text is kept as written; number and date are read when present.
    """
    text = " ".join((text or "").split())
    if len(text) < 3:
        raise DomainError("basis.empty", "Thiếu căn cứ pháp lý (số, ký hiệu văn bản).")
    number = m.group(1) if (m := NUMBER.search(text)) else ""
    signed = None
    if m := SIGNED.search(text):
        day, month, year = (int(g) for g in m.groups())
        try:
            signed = date(year, month, day)
        except ValueError:
            raise DomainError("basis.date", f"Ngày ký không hợp lệ trong căn cứ: {text}") from None
    return LegalText(text=text, number=number, signed_on=signed)
