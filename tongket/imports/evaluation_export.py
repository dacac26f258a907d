"""The `evaluations` export: organizations' results on one sheet, members' on another.

Rows carry every column of the import (evaluation_kind), so an export re-imports unchanged.
Members' results are personal data: exported only with an "export_personal" grant, and the
export is logged by export_kind.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.utils.translation import gettext as _

from tongket.core.actor import Actor
from tongket.core.errors import PermissionDeniedError
from tongket.core.permissions import restrict
from tongket.domain.evaluation import Level, Unclassified
from tongket.domain.evaluation.common import NOT_CLASSIFIED_LABEL
from tongket.domain.vnformat import format_percent
from tongket.evaluation.models import Evaluation
from tongket.imports import export


def _yes_no(value) -> str:
    if value is None:
        return ""
    return _("Có") if value else _("Không")


def _row(e: Evaluation, code: str, card: str, name: str) -> list:
    flags = e.flags or {}
    note = e.note
    if not e.level and not note and e.unclassified:
        note = Unclassified(e.unclassified).label  # "Không xếp loại" reads its reason here
    share = flags.get("share_exceeded")
    return [
        e.year,
        code,
        card,
        name,
        Level(e.level).label if e.level else NOT_CLASSIFIED_LABEL,
        note,
        e.score,
        _yes_no(flags.get("tasks_on_time")),
        format_percent(Decimal(str(share))) if share not in (None, "") else "",
        e.reviewed_on,
        e.deciding_body,
        e.decision_number,
        e.decision_date,
        _yes_no(e.archived) if e.archived else "",
    ]


def _annual(actor: Actor, action: str):
    rows = Evaluation.objects.filter(round__quarter__isnull=True)
    return restrict(rows, actor, action)


def org_rows(actor: Actor) -> Iterable[list]:
    rows = _annual(actor, "view").filter(org__isnull=False).select_related("org")
    for e in rows.order_by("year", "org__path", "org__code").iterator(chunk_size=2000):
        yield _row(e, e.org.code, "", e.org.name)


def member_rows(actor: Actor) -> Iterable[list]:
    """Members' results are personal data: refused outright without "export_personal"."""
    if not actor.system and not actor.usable("export_personal"):
        raise PermissionDeniedError(
            _(
                "Kết quả xếp loại đảng viên là dữ liệu cá nhân: chỉ người quản trị của phạm vi "
                "mới được xuất. Bạn không có quyền này."
            )
        )
    rows = _annual(actor, "export_personal").filter(member__isnull=False)
    rows = rows.select_related("member", "unit_org")
    order = ("year", "unit_org__path", "member__name_sort", "member__card_number")
    for e in rows.order_by(*order).iterator(chunk_size=2000):
        yield _row(e, e.unit_org.code, e.member.card_number, e.member.full_name)


# Sheet names are part of the format, not of the interface language.
export.SHEETS["evaluations"] = [("Tổ chức", org_rows), ("Đảng viên", member_rows)]
export.ROWS["evaluations"] = lambda actor: [*org_rows(actor), *member_rows(actor)]
export.AUDIT_TYPES["evaluations"] = "evaluation.evaluation"
