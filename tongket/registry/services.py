"""Writes to the unit registry: dated versions and reorganization events.

Every write checks the actor's right, validates against the domain rules on the dates it
touches, and writes an audit row in the same transaction.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from tongket.core.actor import Actor
from tongket.core.audit import record_change, snapshot
from tongket.core.locking import claim
from tongket.core.permissions import require
from tongket.core.revisions import bump
from tongket.domain.errors import DomainError
from tongket.domain.legal import parse_legal_basis
from tongket.domain.permissions import Target
from tongket.domain.timeline import (
    Version,
    check_level,
    check_no_cycle,
    check_no_overlap,
    day_after,
    day_before,
)
from tongket.domain.vnformat import format_date_short
from tongket.registry.models import (
    AdminUnit,
    AdminUnitVersion,
    LegalBasis,
    UnitEvent,
    UnitLineage,
)

# "Since before our records": the start of units whose creation date is not recorded.
EARLIEST = date(1900, 1, 1)
FIGURES = ("official_code", "households", "population", "area_km2")


def as_version(v: AdminUnitVersion) -> Version:
    return Version(v.unit_id, v.valid_from, v.valid_to, v.name, v.level, v.parent_id)


def version_on(unit: AdminUnit, day: date) -> AdminUnitVersion | None:
    return (
        unit.versions.filter(valid_from__lte=day)
        .exclude(valid_to__lt=day)
        .select_related("parent")
        .first()
    )


def basis_for(text: str) -> LegalBasis:
    parsed = parse_legal_basis(text)
    basis, _created = LegalBasis.objects.get_or_create(
        text=parsed.text, defaults={"number": parsed.number, "signed_on": parsed.signed_on}
    )
    return basis


def _parent_version(parent: AdminUnit | None, day: date, name: str) -> AdminUnitVersion | None:
    if parent is None:
        return None
    found = version_on(parent, day)
    if found is None:
        raise DomainError(
            "unit.parent_missing",
            _("Đơn vị cấp trên %(parent)s không tồn tại vào ngày %(day)s (khi đặt %(name)s).")
            % {"parent": parent.code, "day": format_date_short(day), "name": name},
        )
    return found


def _parents_on(day: date) -> dict[int, int | None]:
    rows = AdminUnitVersion.objects.filter(valid_from__lte=day).exclude(valid_to__lt=day)
    return dict(rows.values_list("unit_id", "parent_id"))


def _refresh_identity(unit: AdminUnit) -> None:
    """The identity mirrors its latest version (name, level, parent, path) for grants."""
    latest = unit.versions.order_by("-valid_from").first()
    moved = unit.parent_id != latest.parent_id
    unit.name, unit.level, unit.parent_id = latest.name, latest.level, latest.parent_id
    unit.path = unit.build_path() if unit.pk else unit.path
    unit.save(update_fields=["name", "level", "parent", "path"])
    if moved:
        for child in AdminUnit.objects.filter(parent=unit):
            _refresh_identity(child)


@transaction.atomic
def unit_version_add(
    *,
    actor: Actor,
    unit: AdminUnit,
    valid_from: date,
    valid_to: date | None = None,
    name: str,
    level: str,
    parent: AdminUnit | None = None,
    basis: LegalBasis | None = None,
    **figures,
) -> AdminUnitVersion:
    """Adds a dated version to a unit after checking dates, overlap, parent, level and cycles."""
    require(actor, "edit", parent.scope_target() if parent else Target(unit_path="/"))
    new = Version(unit.pk or 0, valid_from, valid_to, name, level, parent.pk if parent else None)
    existing = [as_version(v) for v in unit.versions.all()] if not _fresh(unit) else []
    check_no_overlap([*existing, new])
    parent_version = _parent_version(parent, valid_from, name)
    parent_level = parent_version.level if parent_version else None
    check_level(level, parent_level, name, valid_from, valid_to)
    # Only a unit that already has children can become its own ancestor.
    if parent and not _fresh(unit) and AdminUnitVersion.objects.filter(parent=unit).exists():
        check_no_cycle(_parents_on(valid_from), unit.pk, parent.pk)
    version = AdminUnitVersion.objects.create(
        unit=unit,
        valid_from=valid_from,
        valid_to=valid_to,
        name=name,
        level=level,
        parent=parent,
        basis=basis,
        **{k: v for k, v in figures.items() if k in FIGURES},
    )
    if not _fresh(unit):  # a new identity was written with its first version's values
        _refresh_identity(unit)
    bump("units")
    record_change(actor, "create", version, after=snapshot(version))
    return version


@transaction.atomic
def unit_create(
    *,
    actor: Actor,
    code: str,
    name: str,
    level: str,
    parent: AdminUnit | None = None,
    valid_from: date = EARLIEST,
    valid_to: date | None = None,
    basis: LegalBasis | None = None,
    **figures,
) -> AdminUnit:
    """A new unit identity with its first version."""
    code = code.strip()
    if not code:
        raise DomainError("code.empty", _("Mã không được để trống."))
    if AdminUnit.objects.filter(code=code).exists():
        raise DomainError("code.exists", _("Mã %(code)s đã có.") % {"code": code})
    unit = AdminUnit.objects.create(code=code, name=name, level=level, parent=parent)
    unit.path = unit.build_path()
    unit.save(update_fields=["path"])
    unit._fresh = True  # no versions yet: unit_version_add may skip what cannot apply
    unit_version_add(
        actor=actor,
        unit=unit,
        valid_from=valid_from,
        valid_to=valid_to,
        name=name,
        level=level,
        parent=parent,
        basis=basis,
        **figures,
    )
    del unit._fresh
    record_change(actor, "create", unit, after=snapshot(unit))
    return unit


def _fresh(unit: AdminUnit) -> bool:
    return getattr(unit, "_fresh", False)


@transaction.atomic
def unit_close(*, actor: Actor, unit: AdminUnit, last_day: date) -> AdminUnitVersion:
    """Ends the unit's open version on `last_day` (the day before a reorganization)."""
    require(actor, "edit", unit.scope_target())
    version = unit.versions.filter(valid_to__isnull=True).first()
    if version is None or version.valid_from > last_day:
        raise DomainError(
            "unit.not_open",
            _("%(name)s không có phiên bản còn hiệu lực đến ngày %(day)s.")
            % {"name": unit.name, "day": format_date_short(last_day)},
        )
    before = snapshot(version)
    version.valid_to = last_day
    version.save(update_fields=["valid_to"])
    bump("units")
    record_change(actor, "update", version, before=before, after=snapshot(version))
    return version


# How many predecessors and successors each kind of event takes: (min from, max from, min to,
# max to); None is "any number".
EVENT_SHAPE = {
    "merge": (1, None, 1, 1),
    "split": (1, 1, 2, None),
    "rename": (1, 1, 1, 1),
    "establish": (0, 0, 1, None),
    "dissolve": (1, None, 0, 0),
    "move": (1, 1, 1, 1),
    "rearrange": (1, None, 1, None),
}


def _check_shape(kind: str, sources: list, targets: list) -> None:
    if kind not in EVENT_SHAPE:
        raise DomainError("event.kind", _("Loại sắp xếp không hợp lệ: %(v)s.") % {"v": kind})
    low_from, high_from, low_to, high_to = EVENT_SHAPE[kind]
    if not (low_from <= len(sources) <= (high_from or 10**6)) or not (
        low_to <= len(targets) <= (high_to or 10**6)
    ):
        raise DomainError(
            "event.shape",
            _("Sự kiện %(kind)s không hợp với %(n_from)d đơn vị cũ và %(n_to)d đơn vị mới.")
            % {"kind": UnitEvent.Kind(kind).label, "n_from": len(sources), "n_to": len(targets)},
        )


def _check_alive(unit: AdminUnit, day: date, code: str) -> AdminUnitVersion:
    version = version_on(unit, day)
    if version is None:
        raise DomainError(
            code,
            _("Đơn vị %(unit)s không tồn tại vào ngày %(day)s.")
            % {"unit": unit.code, "day": format_date_short(day)},
        )
    return version


def _alive_on(units, day: date) -> set[int]:
    rows = AdminUnitVersion.objects.filter(unit__in=units, valid_from__lte=day)
    return set(rows.exclude(valid_to__lt=day).values_list("unit_id", flat=True))


def _check_event_dates(sources, targets, effective_on: date) -> None:
    """Old units existed the day before; new ones exist from the day; the ones that do not
    continue have ended the day before. (Two queries, whatever the number of units.)"""
    eve = day_before(effective_on)
    existed, exists = _alive_on(sources, eve), _alive_on([*sources, *targets], effective_on)
    for unit in sources:
        if unit.pk not in existed:
            _check_alive(unit, eve, "event.source_gone")
    for unit in targets:
        if unit.pk not in exists:
            _check_alive(unit, effective_on, "event.target_missing")
    for unit in sources:
        if unit not in targets and unit.pk in exists:
            raise DomainError(
                "event.source_continues",
                _("Đơn vị %(unit)s vẫn còn hiệu lực từ ngày %(day)s; hãy kết thúc nó trước.")
                % {"unit": unit.code, "day": format_date_short(effective_on)},
            )


@transaction.atomic
def unit_event_basis_set(
    *, actor: Actor, event: UnitEvent, units: list[AdminUnit], basis: str
) -> UnitEvent:
    """Replaces the legal basis of a recorded reorganization (a corrected citation), for an
    actor who may edit every unit it touches (`units`, as unit_event_record takes them)."""
    for unit in units:
        require(actor, "edit", unit.scope_target())
    before = snapshot(event)
    event.basis = basis_for(basis)
    event.save(update_fields=["basis"])
    record_change(actor, "update", event, before=before, after=snapshot(event))
    return event


@transaction.atomic
def unit_event_record(
    *,
    actor: Actor,
    kind: str,
    effective_on: date,
    sources: list[AdminUnit],
    targets: list[AdminUnit],
    basis: LegalBasis,
    note: str = "",
    whole: bool | None = None,
) -> UnitEvent:
    """Records a reorganization and its lineage edges, after checking it fits the versions.

    Recording the same event again (same kind, day, old and new codes) changes nothing.
    """
    _check_shape(kind, sources, targets)
    for unit in [*sources, *targets]:
        require(actor, "edit", unit.scope_target())
    key = "|".join(
        [
            kind,
            effective_on.isoformat(),
            ";".join(sorted(u.code for u in sources)),
            ";".join(sorted(u.code for u in targets)),
        ]
    )
    if found := UnitEvent.objects.filter(key=key).first():
        return found
    _check_event_dates(sources, targets, effective_on)
    event = UnitEvent.objects.create(
        kind=kind, effective_on=effective_on, basis=basis, note=note, key=key
    )
    is_whole = kind not in ("split", "rearrange") if whole is None else whole
    for old in sources:
        for new in targets:
            if old != new:  # a unit that absorbs others continues; it is not its own successor
                UnitLineage.objects.create(
                    event=event, predecessor=old, successor=new, whole=is_whole
                )
    record_change(actor, "create", event, after={"key": key, "basis": basis.text})
    return event


@transaction.atomic
def children_follow(*, actor: Actor, event: UnitEvent) -> int:
    """Moves the children of every old unit that ended with `event` under its first successor,
    from the event's day (a ward's neighbourhoods follow the ward they were merged into).

    Returns how many children moved.
    """
    eve, day = day_before(event.effective_on), event.effective_on
    first: dict[int, AdminUnit] = {}
    for edge in event.edges.select_related("successor").order_by("id"):
        first.setdefault(edge.predecessor_id, edge.successor)
    moved = 0
    for old_id, successor in first.items():
        children = AdminUnitVersion.objects.filter(parent_id=old_id, valid_from__lte=eve).exclude(
            valid_to__lt=day
        )
        for version in children.select_related("unit"):
            _reparent(actor, version, successor, eve)
            moved += 1
    return moved


def _reparent(actor: Actor, version: AdminUnitVersion, parent: AdminUnit, eve: date) -> None:
    end = version.valid_to
    before = snapshot(version)
    version.valid_to = eve
    version.save(update_fields=["valid_to"])
    bump("units")
    record_change(actor, "update", version, before=before, after=snapshot(version))
    unit_version_add(
        actor=actor,
        unit=version.unit,
        valid_from=day_after(eve),
        valid_to=end,
        name=version.name,
        level=version.level,
        parent=parent,
        basis=version.basis,
        **{k: getattr(version, k) for k in FIGURES},
    )


@transaction.atomic
def unit_version_update(
    *,
    actor: Actor,
    version: AdminUnitVersion,
    changes: dict,
    expected_version: int | None = None,
) -> None:
    """Changes a stored version in place, with the checks of unit_version_add (scope,
    overlap, parent on the date, level, cycle) and an audit row with before and after.
    With `expected_version` (the version the edit was opened on) a change saved in between is
    refused (optimistic locking, core.locking)."""
    unit = version.unit
    require(actor, "edit", unit.scope_target())
    claim(version, expected_version)
    before = snapshot(version)
    for name, value in changes.items():
        if name != "parent_code":
            setattr(version, name, value)
    parent = version.parent
    require(actor, "edit", parent.scope_target() if parent else Target(unit_path="/"))
    others = [as_version(v) for v in unit.versions.exclude(pk=version.pk)]
    check_no_overlap([*others, as_version(version)])
    parent_version = _parent_version(parent, version.valid_from, version.name)
    check_level(
        version.level,
        parent_version.level if parent_version else None,
        version.name,
        version.valid_from,
        version.valid_to,
    )
    if parent is not None:
        check_no_cycle(_parents_on(version.valid_from), unit.pk, parent.pk)
    version.save()
    _refresh_identity(unit)
    bump("units")
    record_change(actor, "update", version, before=before, after=snapshot(version))
