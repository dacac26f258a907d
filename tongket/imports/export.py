"""Writing the record kinds in the interchange formats, and the list of import errors.

An export re-imports to the same records: into an empty database it rebuilds them, into the
same database it changes nothing. Every text cell goes through inert_cell, so a name such as
"=HYPERLINK(…)" is stored as text starting with an apostrophe, never as a formula.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from tongket.core.actor import Actor
from tongket.core.audit import record_event
from tongket.core.errors import PermissionDeniedError
from tongket.core.permissions import restrict
from tongket.domain.cells import inert_cell
from tongket.domain.errors import DomainError
from tongket.domain.vnformat import format_date_short
from tongket.imports.kinds import (
    EVENT_WORDS,
    GENDER_WORDS,
    LEVEL_WORDS,
    ORG_KIND_WORDS,
    STATUS_WORDS,
    RowError,
    get_kind,
    member_history,
    word,
)
from tongket.party.models import Member, Membership, MemberStatusPeriod, PartyOrgVersion
from tongket.registry.models import AdminUnit, AdminUnitVersion, UnitEvent

SUFFIXES = (".xlsx", ".csv")
DATE_FORMAT = "DD/MM/YYYY"
# Column widths in characters, by code name; the rest get a width from their header.
WIDTHS = {
    "name": 36,
    "full_name": 28,
    "legal_basis": 48,
    "from_codes": 28,
    "to_codes": 28,
    "message": 70,
}


def export_kind(kind: str, path: Path | str, actor: Actor) -> int:
    """Writes every record of `kind` the actor may see to `path` (.xlsx or .csv); returns the
    number of rows. The file appears whole or not at all; the export is logged."""
    path = Path(path)
    spec = get_kind(kind)
    if path.suffix.lower() not in SUFFIXES:
        raise DomainError(
            "export.format",
            _("Chỉ xuất được ra tệp .xlsx hoặc .csv: %(file)s") % {"file": path.name},
        )
    # A kind written on several sheets (evaluations: organizations, members) puts its rows
    # one after the other in a CSV, which re-imports the same.
    sheets = [
        (title, list(rows(actor))) for title, rows in SHEETS.get(kind, [(kind, ROWS.get(kind))])
    ]
    headers = [c.header for c in spec.columns]
    partial = path.with_name(path.name + ".part")
    if path.suffix.lower() == ".csv":
        write_csv(partial, headers, (row for _title, rows in sheets for row in rows))
    else:
        widths = [WIDTHS.get(c.code, max(12, len(c.header) + 4)) for c in spec.columns]
        write_xlsx_sheets(partial, [(title, headers, rows, widths) for title, rows in sheets])
    partial.replace(path)
    count = sum(len(rows) for _title, rows in sheets)
    with transaction.atomic():
        record_event(actor, "export", AUDIT_TYPES[kind], str(path), {"rows": count})
    return count


# --- rows -----------------------------------------------------------------------------------
def unit_rows(actor: Actor) -> Iterable[list]:
    """One row per unit version, in tree order, then by date."""
    versions = restrict(
        AdminUnitVersion.objects.select_related("unit", "parent").order_by(
            "unit__path", "valid_from"
        ),
        actor,
    )
    for v in versions.iterator(chunk_size=2000):
        yield [
            v.unit.code,
            v.name,
            word(LEVEL_WORDS, v.level),
            v.parent.code if v.parent else "",
            v.valid_from,
            v.valid_to,
            v.households,
            v.population,
            v.area_km2,
        ]


def _event_codes(event: UnitEvent) -> tuple[str, str]:
    """The old and new codes, as stored in the event's key (kind|day|old;…|new;…).

    Edges cannot give them back: an establishment has no old unit, a dissolution no new one,
    and a unit that absorbs others is not its own successor.
    """
    parts = event.key.split("|")
    return parts[2], parts[3]


def event_rows(actor: Actor) -> Iterable[list]:
    """One row per event, oldest first; an actor with a scope sees events whose units all lie
    in it."""
    visible = None
    if not actor.system:
        visible = set(restrict(AdminUnit.objects.all(), actor).values_list("code", flat=True))
    for event in UnitEvent.objects.select_related("basis").order_by("effective_on", "id"):
        old, new = _event_codes(event)
        if visible is not None and not {c for c in f"{old};{new}".split(";") if c} <= visible:
            continue
        yield [event.effective_on, word(EVENT_WORDS, event.kind), old, new, event.basis.text]


def org_rows(actor: Actor) -> Iterable[list]:
    """One row per organization version, in tree order, then by date."""
    versions = restrict(
        PartyOrgVersion.objects.select_related("org", "parent", "unit").order_by(
            "org__path", "valid_from"
        ),
        actor,
    )
    for v in versions.iterator(chunk_size=2000):
        yield [
            v.org.code,
            v.name,
            word(ORG_KIND_WORDS, v.kind),
            v.parent.code if v.parent_id else "",
            v.unit.code if v.unit_id else "",
            v.valid_from,
            v.valid_to,
        ]


def member_rows(actor: Actor) -> Iterable[list]:
    """The members whose records the actor may export (admins of the scope), each as the
    rows of their history: where they were active and in what status, from which day.

    Personal data: refused outright without an "export_personal" grant; export_kind logs it.
    """
    if not actor.system and not actor.usable("export_personal"):
        raise PermissionDeniedError(
            _(
                "Danh sách đảng viên là dữ liệu cá nhân: chỉ người quản trị của phạm vi mới "
                "được xuất. Bạn không có quyền này."
            )
        )
    members = restrict(Member.objects.all(), actor, "export_personal").order_by(
        "org__path", "name_sort", "card_number"
    )
    members = members.prefetch_related(
        Prefetch(
            "memberships",
            Membership.objects.filter(kind="official").select_related("org").order_by("valid_from"),
            to_attr="official",
        ),
        Prefetch("status_periods", MemberStatusPeriod.objects.order_by("valid_from"), "periods"),
    )
    for m in members.iterator(chunk_size=2000):
        spans = [(s.valid_from, s.valid_to, s.org.code) for s in m.official]
        periods = [(p.status, p.valid_from, p.valid_to) for p in m.periods]
        person = [m.card_number, m.full_name, m.birth_date, word(GENDER_WORDS, m.gender)]
        for state in member_history(spans, periods):
            yield [
                *person,
                state.org_code,
                state.since,
                m.admitted_on,
                m.confirmed_on,
                word(STATUS_WORDS, state.status),
            ]


SHEETS: dict[str, list] = {}  # kind → [(sheet title, rows function)], for several sheets
ROWS = {"units": unit_rows, "unit_events": event_rows, "orgs": org_rows, "members": member_rows}
AUDIT_TYPES = {
    "units": "registry.adminunitversion",
    "unit_events": "registry.unitevent",
    "orgs": "party.partyorgversion",
    "members": "party.member",
}


# --- writers --------------------------------------------------------------------------------
def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return format_date_short(value)
    if isinstance(value, Decimal):
        # Decimal comma: "1.500" would read back as one thousand five hundred.
        text = format(value.normalize(), "f")
        return text.replace(".", ",")
    return str(inert_cell(value))


def write_csv(path: Path, headers: list[str], rows: Iterable[list]) -> None:
    """UTF-8 with BOM, so that Excel opens the Vietnamese text correctly."""
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(headers)
        for row in rows:
            writer.writerow([_csv_cell(v) for v in row])


def write_xlsx(
    path: Path, title: str, headers: list[str], rows: Iterable[list], widths: list[int]
) -> None:
    write_xlsx_sheets(path, [(title, headers, rows, widths)])


def write_xlsx_sheets(path: Path, sheets: list[tuple[str, list[str], Iterable[list], list[int]]]):
    """Each (title, headers, rows, widths) as a sheet: bold, frozen header; dates as real date
    cells shown dd/mm/yyyy; text made inert.

    Written in openpyxl's write-only mode: memory stays flat however many rows there are.
    """
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for title, headers, rows, widths in sheets:
        _write_sheet(book, title, headers, rows, widths)
    book.save(path)


def _write_sheet(book, title: str, headers: list[str], rows: Iterable[list], widths: list[int]):
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(title[:31])
    sheet.freeze_panes = "A2"
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    bold = Font(bold=True)

    def cell(value, font=None):
        if isinstance(value, str):
            value = inert_cell(value)
        made = WriteOnlyCell(sheet, value=value)
        if isinstance(value, date):
            made.number_format = DATE_FORMAT
        elif isinstance(value, str):
            made.data_type = "s"  # never a formula, whatever the text
        if font is not None:
            made.font = font
        return made

    sheet.append([cell(h, bold) for h in headers])
    for row in rows:
        sheet.append([cell(v) for v in row])


def write_errors(path: Path | str, errors: list[RowError]) -> Path:
    """The full list of an import's errors, as a workbook next to the imported file."""
    path = Path(path)
    headers = [_("Trang tính"), _("Dòng"), _("Cột"), _("Giá trị"), _("Lỗi")]
    rows = ([e.sheet, e.row, e.column, e.value, e.message] for e in errors)
    write_xlsx(path, _("Lỗi"), headers, rows, [16, 8, 24, 30, WIDTHS["message"]])
    return path


# Kinds exported from their own modules register their rows here on import.
from tongket.imports import evaluation_export, target_export, work_export  # noqa: E402,F401
