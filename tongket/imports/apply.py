"""Planning and applying an import: all or nothing, through the registry services.

`plan_import` reads and maps the file and compares each record with the database on its natural
key (create / update / unchanged), without writing. `apply_import` then runs every write in one
transaction through the services, which check the actor's scope, validate against the rules and
write the audit rows. A DomainError from a service (a PermissionDeniedError too) becomes a
RowError for its row; at the end, any error, or a dry run, rolls everything back, so a dry run
reports the same counts and the same errors as the real run would.

Re-importing a file changes nothing: a row whose values equal the stored ones is "unchanged" and
is not written. Rows only add or update: a version or event missing from the file is kept.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from tongket.core.actor import Actor
from tongket.core.audit import record_change, snapshot
from tongket.core.permissions import require
from tongket.domain.errors import DomainError
from tongket.domain.legal import parse_legal_basis
from tongket.domain.vnformat import format_int
from tongket.imports.kinds import (
    MAX_ERRORS,
    UNIT_FIGURES,
    EventRow,
    Mapped,
    RowError,
    UnitRow,
    display,
    get_kind,
    header_of,
    map_table,
    too_many_errors,
    unit_order,
)
from tongket.imports.readers import MAX_ROWS, read_table
from tongket.registry.models import AdminUnit, AdminUnitVersion, UnitEvent
from tongket.registry.services import (
    basis_for,
    unit_close,
    unit_create,
    unit_event_record,
    unit_version_add,
    unit_version_update,
)

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"
_CHUNK = 500  # SQLite allows a limited number of parameters per query

Progress = Callable[[Iterable, int], Iterable]


@dataclass
class ImportPlan:
    """What an import would do: an action per record, and every problem found so far."""

    kind: str
    path: Path
    mapped: Mapped
    actions: dict[int, str] = field(default_factory=dict)  # row number → create/update/unchanged
    errors: list[RowError] = field(default_factory=list)

    @property
    def records(self) -> list:
        return self.mapped.records

    @property
    def warnings(self) -> list[str]:
        return self.mapped.warnings

    @property
    def truncated(self) -> bool:
        return self.mapped.truncated

    @property
    def counts(self) -> dict[str, int]:
        found = Counter(self.actions.values())
        return {action: found[action] for action in (CREATE, UPDATE, UNCHANGED)}


@dataclass
class ImportResult:
    counts: dict[str, int]
    errors: list[RowError]
    warnings: list[str]
    dry_run: bool
    written: bool
    truncated: bool = False
    notes: list[str] = field(default_factory=list)


def plan_import(kind: str, path: Path | str, actor: Actor, *, max_rows: int = MAX_ROWS):
    """Reads `path` as `kind` and says, per record, what applying it would do. Writes nothing.

    Raises DomainError when the file cannot be read at all (missing, empty, not a spreadsheet,
    wrong encoding, too many rows, no header); row problems are returned in `errors`.
    """
    spec = get_kind(kind)
    table = read_table(path, sheets=spec.sheets, max_rows=max_rows)
    mapped = map_table(spec, table)
    plan = ImportPlan(kind=kind, path=Path(path), mapped=mapped, errors=list(mapped.errors))
    if not mapped.truncated:
        PLANNERS[kind](plan, actor)
    return plan


def apply_import(
    plan: ImportPlan, actor: Actor, dry_run: bool = False, progress: Progress | None = None
) -> ImportResult:
    """Applies the plan in one transaction; any error or a dry run writes nothing."""
    errors = list(plan.errors)
    result = ImportResult(
        counts=dict.fromkeys((CREATE, UPDATE, UNCHANGED), 0),
        errors=errors,
        warnings=list(plan.warnings),
        dry_run=dry_run,
        written=False,
        truncated=plan.truncated,
    )
    if plan.truncated:
        result.notes.append(too_many_errors(plan.mapped))
        return result
    counts: Counter = Counter()
    with transaction.atomic():
        APPLIERS[plan.kind](plan, actor, _Sink(plan, errors, counts), progress)
        result.written = not errors and not dry_run
        if not result.written:
            transaction.set_rollback(True)
    result.counts = {action: counts[action] for action in (CREATE, UPDATE, UNCHANGED)}
    errors.sort(key=lambda e: e.row)
    if len(errors) >= MAX_ERRORS:
        result.truncated = True
        result.notes.append(
            _("Dừng sau %(n)s lỗi; các dòng còn lại chưa được kiểm tra.")
            % {"n": format_int(len(errors))}
        )
    return result


class _Sink:
    """Collects the outcome of each record while applying."""

    def __init__(self, plan: ImportPlan, errors: list[RowError], counts: Counter):
        self.plan, self.errors, self.counts = plan, errors, counts
        self.spec = get_kind(plan.kind)

    def error(self, record, column: str, message: str) -> None:
        value = display(getattr(record, column, "")) if column else ""
        header = header_of(self.spec, self.plan.mapped, column)
        self.errors.append(RowError(self.plan.mapped.sheet, record.row, header, value, message))

    def full(self) -> bool:
        return len(self.errors) >= MAX_ERRORS


def _each(records: list, progress: Progress | None) -> Iterable:
    return progress(records, len(records)) if progress else records


def _in_chunks(values: Iterable[str]) -> Iterable[list[str]]:
    values = sorted(set(values))
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def _units_by_code(codes: Iterable[str]) -> dict[str, AdminUnit]:
    found: dict[str, AdminUnit] = {}
    for chunk in _in_chunks(codes):
        found.update((u.code, u) for u in AdminUnit.objects.filter(code__in=chunk))
    return found


def _versions_by_key(codes: Iterable[str]) -> dict[tuple, AdminUnitVersion]:
    found: dict[tuple, AdminUnitVersion] = {}
    for chunk in _in_chunks(codes):
        rows = AdminUnitVersion.objects.filter(unit__code__in=chunk).select_related(
            "unit", "parent"
        )
        found.update(((v.unit.code, v.valid_from), v) for v in rows)
    return found


# --- units ----------------------------------------------------------------------------------
# Which column a service's refusal is about, so the user sees it on the right cell.
UNIT_COLUMNS = {
    "version.overlap": "valid_from",
    "version.dates": "valid_to",
    "unit.level": "level",
    "unit.district_ended": "valid_to",
    "unit.parent_missing": "parent_code",
    "unit.not_open": "valid_to",
    "import.parent_unknown": "parent_code",
    "tree.cycle": "parent_code",
}


def _unit_changes(version: AdminUnitVersion, r: UnitRow, present: frozenset[str]) -> dict:
    """The fields of a stored version that the file's row would change (absent columns and
    the key are left alone)."""
    wanted = {"name": r.name, "level": r.level}
    if "parent_code" in present:
        wanted["parent_code"] = r.parent_code
    for name in ("valid_to", *UNIT_FIGURES):
        if name in present:
            wanted[name] = getattr(r, name)
    stored = {
        "name": version.name,
        "level": version.level,
        "parent_code": version.parent.code if version.parent else "",
        "valid_to": version.valid_to,
        **{name: getattr(version, name) for name in UNIT_FIGURES},
    }
    return {k: v for k, v in wanted.items() if stored[k] != v}


def _plan_units(plan: ImportPlan, actor: Actor) -> None:
    records: list[UnitRow] = plan.records
    in_file = {r.code for r in records} | plan.mapped.failed_codes
    outside = {r.parent_code for r in records if r.parent_code and r.parent_code not in in_file}
    known = set(_units_by_code(outside))
    sink = _Sink(plan, plan.errors, Counter())
    kept = []
    for r in records:
        if r.parent_code in outside and r.parent_code not in known:
            sink.error(r, "parent_code", _unknown_parent(r.parent_code).message)
            plan.mapped.failed_codes.add(r.code)
        else:
            kept.append(r)
    plan.mapped.records = kept
    versions = _versions_by_key(r.code for r in kept)
    for r in kept:
        version = versions.get(r.key)
        if version is None:
            plan.actions[r.row] = CREATE
        else:
            changed = _unit_changes(version, r, plan.mapped.present)
            plan.actions[r.row] = UPDATE if changed else UNCHANGED


def _unknown_parent(code: str) -> DomainError:
    return DomainError(
        "import.parent_unknown",
        _("Không tìm thấy đơn vị cấp trên mã %(code)s, cả trong tệp lẫn trong cơ sở dữ liệu.")
        % {"code": code},
    )


def _apply_units(plan: ImportPlan, actor: Actor, sink: _Sink, progress) -> None:
    records = sorted(plan.records, key=unit_order)
    units = _units_by_code({r.code for r in records} | {r.parent_code for r in records} - {""})
    # Read once: each row touches only the version with its own key, which no other row has.
    versions = _versions_by_key({r.code for r in records})
    skipped = set(plan.mapped.failed_codes)
    for r in _each(records, progress):
        if sink.full():
            return
        if r.code in skipped or r.parent_code in skipped:
            skipped.add(r.code)  # its cause is reported already; its children follow it
            continue
        version = versions.get(r.key)
        if version is not None and not _unit_changes(version, r, plan.mapped.present):
            sink.counts[UNCHANGED] += 1
            continue
        try:
            with transaction.atomic():  # a savepoint: a refused row leaves nothing behind
                sink.counts[_apply_unit(r, version, plan.mapped.present, actor, units)] += 1
        except DomainError as exc:
            sink.error(r, UNIT_COLUMNS.get(exc.code, "code"), exc.message)
            skipped.add(r.code)


def _apply_unit(
    r: UnitRow, version: AdminUnitVersion | None, present, actor: Actor, units: dict
) -> str:
    """Creates or updates the version of one row (unchanged rows never come here)."""
    parent = None
    if r.parent_code:
        parent = units.get(r.parent_code)
        if parent is None:
            raise _unknown_parent(r.parent_code)
    figures = {name: getattr(r, name) for name in UNIT_FIGURES}
    fields = dict(
        name=r.name,
        level=r.level,
        parent=parent,
        valid_from=r.valid_from,
        valid_to=r.valid_to,
        **figures,
    )
    unit = units.get(r.code)
    if unit is None:
        units[r.code] = unit_create(actor=actor, code=r.code, **fields)
        return CREATE
    unit.refresh_from_db()  # an earlier row may have moved it (its path is used for scope)
    if version is None:
        unit_version_add(actor=actor, unit=unit, **fields)
        return CREATE
    changes = _unit_changes(version, r, present)
    if set(changes) == {"valid_to"} and version.valid_to is None:
        unit_close(actor=actor, unit=unit, last_day=r.valid_to)  # the open version ends
    else:
        if "parent_code" in changes:
            changes["parent"] = parent
        version.unit = unit
        unit_version_update(actor=actor, version=version, changes=changes)
    return UPDATE


# --- unit events ----------------------------------------------------------------------------
EVENT_COLUMNS = {
    "event.shape": "kind",
    "event.kind": "kind",
    "event.source_gone": "from_codes",
    "event.source_continues": "from_codes",
    "event.target_missing": "to_codes",
    "basis.empty": "legal_basis",
    "basis.date": "legal_basis",
}


def _missing_codes(r: EventRow, units: dict[str, AdminUnit]) -> DomainError | None:
    for column in ("from_codes", "to_codes"):
        missing = [c for c in getattr(r, column) if c not in units]
        if missing:
            return DomainError(
                "import.unit_unknown",
                _("Không có đơn vị mã %(codes)s trong cơ sở dữ liệu (hãy nhập đơn vị trước).")
                % {"codes": ", ".join(missing)},
                {"column": column},
            )
    return None


def _event_codes(records: list[EventRow]) -> set[str]:
    return {c for r in records for c in (*r.from_codes, *r.to_codes)}


def _plan_events(plan: ImportPlan, actor: Actor) -> None:
    records: list[EventRow] = plan.records
    units = _units_by_code(_event_codes(records))
    sink = _Sink(plan, plan.errors, Counter())
    kept = []
    for r in records:
        if problem := _missing_codes(r, units):
            sink.error(r, problem.details["column"], problem.message)
        else:
            kept.append(r)
    plan.mapped.records = kept
    stored = {}
    for chunk in _in_chunks(r.key for r in kept):
        stored.update(
            (e.key, e.basis.text)
            for e in UnitEvent.objects.filter(key__in=chunk).select_related("basis")
        )
    for r in kept:
        if r.key not in stored:
            plan.actions[r.row] = CREATE
        else:
            same = stored[r.key] == parse_legal_basis(r.legal_basis).text
            plan.actions[r.row] = UNCHANGED if same else UPDATE


def _apply_events(plan: ImportPlan, actor: Actor, sink: _Sink, progress) -> None:
    records = sorted(plan.records, key=lambda r: (r.effective_on, r.row))
    units = _units_by_code(_event_codes(records))
    for r in _each(records, progress):
        if sink.full():
            return
        try:
            with transaction.atomic():
                sink.counts[_apply_event(r, actor, units)] += 1
        except DomainError as exc:
            column = (exc.details or {}).get("column") or EVENT_COLUMNS.get(exc.code, "from_codes")
            sink.error(r, column, exc.message)


def _apply_event(r: EventRow, actor: Actor, units: dict[str, AdminUnit]) -> str:
    if problem := _missing_codes(r, units):
        raise problem
    sources = [units[c] for c in r.from_codes]
    targets = [units[c] for c in r.to_codes]
    found = UnitEvent.objects.filter(key=r.key).select_related("basis").first()
    if found is None:
        unit_event_record(
            actor=actor,
            kind=r.kind,
            effective_on=r.effective_on,
            sources=sources,
            targets=targets,
            basis=basis_for(r.legal_basis),
        )
        return CREATE
    if found.basis.text == parse_legal_basis(r.legal_basis).text:
        return UNCHANGED
    for unit in [*sources, *targets]:
        require(actor, "edit", unit.scope_target())
    before = snapshot(found)
    found.basis = basis_for(r.legal_basis)
    found.save(update_fields=["basis"])
    record_change(actor, "update", found, before=before, after=snapshot(found))
    return UPDATE


# Each kind of kinds.KINDS has a planner and an applier here.
PLANNERS: dict[str, Callable[[ImportPlan, Actor], None]] = {
    "units": _plan_units,
    "unit_events": _plan_events,
}
APPLIERS: dict[str, Callable] = {"units": _apply_units, "unit_events": _apply_events}
