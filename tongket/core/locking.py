"""Optimistic locking: an edit carries the version of the record it was made on, and the save
is refused when someone saved the record in between, instead of silently overwriting.

Each record edited in place has a `lock_version` column. A service that changes such a record
calls :func:`claim` inside its transaction before writing: one UPDATE … WHERE id = … AND
lock_version = … both checks and bumps the version, so two saves that opened the same version
cannot both pass (the database serializes the two UPDATEs of the row). Paths without a version
(imports, the command line) still bump it, so an editor opened before them is refused too.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tongket.domain.errors import DomainError

STALE_CODE = "edit.stale"


class StaleEditError(DomainError):
    """The record changed since the edit was opened: reload and edit again."""


def version_field() -> models.PositiveIntegerField:
    """The column: 1 for a new row, also for rows written by bulk paths (COPY, executemany)
    that do not name it, and for rows that existed before the column."""
    return models.PositiveIntegerField(
        gettext_lazy("phiên bản sửa"), default=1, db_default=1, editable=False
    )


def claim(obj: models.Model, expected: int | None) -> None:
    """Bumps `obj`'s lock_version in the database if it still is `expected` (any version when
    `expected` is None), and sets the new one on `obj`. Raises StaleEditError otherwise.
    Call it inside the service's transaction, before the write it guards."""
    rows = type(obj)._default_manager.filter(pk=obj.pk)
    if expected is not None:
        rows = rows.filter(lock_version=expected)
    if rows.update(lock_version=F("lock_version") + 1) == 0:
        raise stale_error(obj)
    obj.lock_version = (
        type(obj)._default_manager.values_list("lock_version", flat=True).get(pk=obj.pk)
    )


def stale_error(obj: models.Model, who: str = "", when=None) -> StaleEditError:
    """The refusal, naming who last changed the record and when (from the change log, unless
    given), and asking to reload."""
    if not who:
        who, when = last_change(obj._meta.label_lower, obj.pk)
    return stale(str(obj), who, when)


def stale(what: str, who: str, when) -> StaleEditError:
    local = timezone.localtime(when).strftime("%H:%M %d/%m/%Y") if when else ""
    if who and local:
        message = _(
            "%(what)s đã được %(who)s sửa lúc %(when)s, sau khi bạn mở trang sửa. Thay đổi "
            "của bạn chưa được lưu: hãy tải lại trang để xem phiên bản mới rồi sửa lại."
        ) % {"what": what, "who": who, "when": local}
    else:
        message = _(
            "%(what)s đã được người khác sửa sau khi bạn mở trang sửa. Thay đổi của bạn chưa "
            "được lưu: hãy tải lại trang để xem phiên bản mới rồi sửa lại."
        ) % {"what": what}
    return StaleEditError(STALE_CODE, message, {"changed_by": who, "changed_at": local})


def last_change(object_type: str, pk) -> tuple[str, object]:
    """Who made the latest audited change of an object, and when ("", None if none)."""
    from tongket.core.models import ChangeLog

    row = (
        ChangeLog.objects.filter(
            object_type=object_type, object_id=str(pk), action__in=("create", "update")
        )
        .order_by("-at", "-id")
        .values_list("user_name", "at")
        .first()
    )
    return row or ("", None)
