"""Planning and applying an import: all or nothing, through the registry and party services.

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
from datetime import date
from functools import partial
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongket.core.actor import Actor
from tongket.core.errors import PermissionDeniedError
from tongket.domain.errors import DomainError
from tongket.domain.legal import parse_legal_basis
from tongket.domain.vnformat import format_date_short, format_int
from tongket.imports.kinds import (
    LEAVING,
    MAX_ERRORS,
    PERSON_FIELDS,
    STATUS_WORDS,
    UNIT_FIGURES,
    EventRow,
    Mapped,
    MemberRow,
    OrgRow,
    RowError,
    UnitRow,
    accepts_header,
    display,
    get_kind,
    header_of,
    map_table,
    map_tables,
    member_history,
    org_code_on,
    org_depths,
    status_on,
    too_many_errors,
    unit_order,
)
from tongket.imports.readers import MAX_ROWS, read_table, read_tables
from tongket.party.models import Member, Membership, MemberStatusPeriod, PartyOrg, PartyOrgVersion
from tongket.party.services import (
    NewMember,
    existing_cards,
    member_rename,
    member_status_set,
    member_transfer,
    members_register_bulk,
    new_member_problem,
    org_create,
    org_version_add,
    org_version_update,
    since_problem,
    status_date_problem,
    transfer_date_problem,
)
from tongket.registry.models import AdminUnit, AdminUnitVersion, UnitEvent
from tongket.registry.services import (
    basis_for,
    unit_close,
    unit_create,
    unit_event_basis_set,
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
    work: object = None  # what a kind's planner worked out for its applier (members)

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
    if spec.all_sheets:
        accept = partial(accepts_header, spec)
        mapped = map_tables(spec, *read_tables(path, accept, max_rows=max_rows))
    else:
        mapped = map_table(spec, read_table(path, sheets=spec.sheets, max_rows=max_rows))
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


class Refused(Exception):
    """A row a kind's planner refuses, with the column the problem is about."""

    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column, self.message = column, message


class _Sink:
    """Collects the outcome of each record while applying."""

    def __init__(self, plan: ImportPlan, errors: list[RowError], counts: Counter):
        self.plan, self.errors, self.counts = plan, errors, counts
        self.spec = get_kind(plan.kind)

    def error(self, record, column: str, message: str) -> None:
        value = display(getattr(record, column, "")) if column else ""
        header = header_of(self.spec, self.plan.mapped, column)
        sheet = getattr(record, "sheet", "") or self.plan.mapped.sheet
        self.errors.append(RowError(sheet, record.row, header, value, message))

    def full(self) -> bool:
        return len(self.errors) >= MAX_ERRORS


def _plan_versions(plan: ImportPlan, kept: list, versions: dict, changes: Callable) -> None:
    """Create, update or leave each kept version row, by its natural key (code, valid from)."""
    plan.mapped.records = kept
    for r in kept:
        version = versions.get(r.key)
        if version is None:
            plan.actions[r.row] = CREATE
        else:
            changed = changes(version, r, plan.mapped.present)
            plan.actions[r.row] = UPDATE if changed else UNCHANGED


def _apply_versions(plan, sink, progress, records, versions, changes, columns, apply_one):
    """Writes the versioned rows in order; a refused row becomes an error on its column, and
    the rows under it are skipped (their cause is reported once)."""
    skipped = set(plan.mapped.failed_codes)
    for r in _each(records, progress):
        if sink.full():
            return
        if r.code in skipped or r.parent_code in skipped:
            skipped.add(r.code)
            continue
        version = versions.get(r.key)
        if version is not None and not changes(version, r, plan.mapped.present):
            sink.counts[UNCHANGED] += 1
            continue
        try:
            with transaction.atomic():  # a savepoint: a refused row leaves nothing behind
                sink.counts[apply_one(r, version)] += 1
        except DomainError as exc:
            sink.error(r, columns.get(exc.code, "code"), exc.message)
            skipped.add(r.code)


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
    _plan_versions(plan, kept, _versions_by_key(r.code for r in kept), _unit_changes)


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
    _apply_versions(
        plan,
        sink,
        progress,
        records,
        versions,
        _unit_changes,
        UNIT_COLUMNS,
        lambda r, v: _apply_unit(r, v, plan.mapped.present, actor, units),
    )


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
    unit_event_basis_set(actor=actor, event=found, units=[*sources, *targets], basis=r.legal_basis)
    return UPDATE


# --- party organizations --------------------------------------------------------------------
ORG_COLUMNS = {
    "version.overlap": "valid_from",
    "version.dates": "valid_to",
    "org.kind": "kind",
    "org.parent_kind": "kind",
    "org.missing_on": "parent_code",
    "import.parent_unknown": "parent_code",
    "import.unit_unknown": "unit_code",
    "tree.cycle": "parent_code",
    "code.exists": "code",
}


def _orgs_by_code(codes: Iterable[str]) -> dict[str, PartyOrg]:
    found: dict[str, PartyOrg] = {}
    for chunk in _in_chunks(codes):
        rows = PartyOrg.objects.filter(code__in=chunk).select_related("unit")
        found.update((o.code, o) for o in rows)
    return found


def _org_versions_by_key(codes: Iterable[str]) -> dict[tuple, PartyOrgVersion]:
    found: dict[tuple, PartyOrgVersion] = {}
    for chunk in _in_chunks(codes):
        rows = PartyOrgVersion.objects.filter(org__code__in=chunk).select_related(
            "org", "parent", "unit"
        )
        found.update(((v.org.code, v.valid_from), v) for v in rows)
    return found


def _org_changes(version: PartyOrgVersion, r: OrgRow, present: frozenset[str]) -> dict:
    """The fields of a stored version that the file's row would change (absent columns and
    the key are left alone)."""
    wanted = {"name": r.name, "kind": r.kind}
    for name in ("parent_code", "unit_code", "valid_to"):
        if name in present:
            wanted[name] = getattr(r, name)
    stored = {
        "name": version.name,
        "kind": version.kind,
        "parent_code": version.parent.code if version.parent_id else "",
        "unit_code": version.unit.code if version.unit_id else "",
        "valid_to": version.valid_to,
    }
    return {k: v for k, v in wanted.items() if stored[k] != v}


def _unknown_org_parent(code: str) -> DomainError:
    return DomainError(
        "import.parent_unknown",
        _("Không tìm thấy tổ chức cấp trên mã %(code)s, cả trong tệp lẫn trong cơ sở dữ liệu.")
        % {"code": code},
    )


def _unknown_unit(code: str) -> DomainError:
    return DomainError(
        "import.unit_unknown",
        _("Không tìm thấy đơn vị hành chính mã %(code)s (hãy nhập đơn vị trước).") % {"code": code},
    )


def _plan_orgs(plan: ImportPlan, actor: Actor) -> None:
    records: list[OrgRow] = plan.records
    in_file = {r.code for r in records} | plan.mapped.failed_codes
    outside = {r.parent_code for r in records if r.parent_code and r.parent_code not in in_file}
    known = set(_orgs_by_code(outside))
    units = set(_units_by_code({r.unit_code for r in records} - {""}))
    sink = _Sink(plan, plan.errors, Counter())
    kept = []
    for r in records:
        if r.parent_code in outside and r.parent_code not in known:
            sink.error(r, "parent_code", _unknown_org_parent(r.parent_code).message)
            plan.mapped.failed_codes.add(r.code)
        elif r.unit_code and r.unit_code not in units:
            sink.error(r, "unit_code", _unknown_unit(r.unit_code).message)
            plan.mapped.failed_codes.add(r.code)
        else:
            kept.append(r)
    _plan_versions(plan, kept, _org_versions_by_key(r.code for r in kept), _org_changes)


def _apply_orgs(plan: ImportPlan, actor: Actor, sink: _Sink, progress) -> None:
    depths = org_depths(plan.records)
    records = sorted(plan.records, key=lambda r: (depths[r.code], r.valid_from, r.code))
    codes = {r.code for r in records}
    orgs = _orgs_by_code(codes | {r.parent_code for r in records} - {""})
    units = _units_by_code({r.unit_code for r in records} - {""})
    # Read once: each row touches only the version with its own key, which no other row has.
    versions = _org_versions_by_key(codes)
    _apply_versions(
        plan,
        sink,
        progress,
        records,
        versions,
        _org_changes,
        ORG_COLUMNS,
        lambda r, v: _apply_org(r, v, plan.mapped.present, actor, orgs, units),
    )


def _apply_org(
    r: OrgRow, version: PartyOrgVersion | None, present, actor: Actor, orgs: dict, units: dict
) -> str:
    """Creates or updates the version of one row (unchanged rows never come here)."""
    parent = unit = None
    if r.parent_code:
        parent = orgs.get(r.parent_code)
        if parent is None:
            raise _unknown_org_parent(r.parent_code)
        parent.refresh_from_db()  # an earlier row may have moved it (its path is copied)
    if r.unit_code:
        unit = units.get(r.unit_code)
        if unit is None:
            raise _unknown_unit(r.unit_code)
    fields = dict(
        name=r.name,
        kind=r.kind,
        parent=parent,
        unit=unit,
        valid_from=r.valid_from,
        valid_to=r.valid_to,
    )
    org = orgs.get(r.code)
    if org is None:
        orgs[r.code] = org_create(actor=actor, code=r.code, **fields)
        return CREATE
    org.refresh_from_db()  # an earlier row may have moved it (its path is used for scope)
    if version is None:
        org_version_add(actor=actor, org=org, **fields)
        return CREATE
    names = {"parent_code": "parent", "unit_code": "unit"}
    changes = {
        names.get(k, k): fields[names[k]] if k in names else v
        for k, v in _org_changes(version, r, present).items()
    }
    version.org = org
    org_version_update(actor=actor, version=version, changes=changes)
    return UPDATE


# --- party members --------------------------------------------------------------------------
# Which column a service's refusal is about.
MEMBER_COLUMNS = {
    "member.invalid": "full_name",
    "member.gender": "gender",
    "member.since": "since",
    "member.duplicate": "card_number",
    "member.two_places": "org_code",
    "member.status": "status",
    "member.status_date": "since",
    "transfer.before_admission": "since",
    "transfer.no_current": "since",
    "transfer.same": "org_code",
    "transfer.hosted_twice": "org_code",
    "org.missing_on": "org_code",
    "permission.denied": "org_code",
}


@dataclass
class _MemberWork:
    """What the planner of a members file worked out, for the applier."""

    orgs: dict[str, PartyOrg] = field(default_factory=dict)
    stored: dict[str, Member] = field(default_factory=dict)  # card → member already stored
    new: list[tuple[MemberRow, NewMember]] = field(default_factory=list)  # for the bulk
    steps: list[tuple[MemberRow, str, object]] = field(default_factory=list)  # in order


@dataclass
class _Walk:
    """A member's state while their rows are read in order of their days."""

    org_code: str
    status: str
    open: bool  # an official membership runs (no leaving status yet)
    since: date  # the day of the last change


class _RowProblem(Exception):
    """A refused row of a members file: where, and the message of the rule it breaks."""

    def __init__(self, row: MemberRow, column: str, message: str):
        super().__init__(message)
        self.row, self.column, self.message = row, column, message


def _members_by_card(cards: Iterable[str]) -> dict[str, Member]:
    """The stored members among `cards`: a cheap look-up of the card numbers first (a file of
    new members finds none), then the records of those found."""
    found: dict[str, Member] = {}
    for chunk in _in_chunks(existing_cards(list(cards))):
        rows = Member.objects.filter(card_number__in=chunk).select_related("org", "org__unit")
        rows = rows.order_by()
        found.update((m.card_number, m) for m in rows)
    return found


def _histories(members: Iterable[Member]) -> dict[int, tuple[list, list]]:
    """Each stored member's official memberships (from, to, org code) and statuses (status,
    from, to), in order."""
    ids = [m.pk for m in members]
    found: dict[int, tuple[list, list]] = {pk: ([], []) for pk in ids}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        spans = Membership.objects.filter(member_id__in=chunk, kind="official").order_by(
            "valid_from"
        )
        for pk, *span in spans.values_list("member_id", "valid_from", "valid_to", "org__code"):
            found[pk][0].append(tuple(span))
        periods = MemberStatusPeriod.objects.filter(member_id__in=chunk).order_by("valid_from")
        for pk, *period in periods.values_list("member_id", "status", "valid_from", "valid_to"):
            found[pk][1].append(tuple(period))
    return found


def _org_spans(orgs: Iterable[PartyOrg]) -> dict[str, list[tuple[date, date | None]]]:
    """The days each organization existed (its versions), by code."""
    codes = {o.pk: o.code for o in orgs}
    spans: dict[str, list[tuple[date, date | None]]] = {code: [] for code in codes.values()}
    versions = PartyOrgVersion.objects.filter(org_id__in=list(codes))
    for org_id, start, end in versions.values_list("org_id", "valid_from", "valid_to"):
        spans[codes[org_id]].append((start, end))
    return spans


class _MemberPlanner:
    """Reads the rows of each card number in order of their days and turns them into the
    service calls that apply them, refusing here what the services would refuse, so that the
    preview lists every problem before anything is written."""

    def __init__(self, plan: ImportPlan, actor: Actor):
        self.plan, self.actor = plan, actor
        self.today = timezone.localdate()
        self.has_status = "status" in plan.mapped.present
        self.has_confirmed = "confirmed_on" in plan.mapped.present
        records: list[MemberRow] = plan.records
        self.work = _MemberWork()
        self.work.orgs = _orgs_by_code({r.org_code for r in records})
        self.spans = _org_spans(self.work.orgs.values())
        self.work.stored = _members_by_card({r.card_number for r in records})
        self.histories = _histories(self.work.stored.values())
        self._can_edit: dict[str, bool] = {}

    # --- checks that place their problem on a row ---------------------------------------------
    def org(self, r: MemberRow) -> PartyOrg:
        org = self.work.orgs.get(r.org_code)
        if org is None:
            raise _RowProblem(
                r,
                "org_code",
                _("Không tìm thấy tổ chức mã %(code)s (hãy nhập tổ chức trước).")
                % {"code": r.org_code},
            )
        return org

    def may_edit(self, r: MemberRow, code: str) -> None:
        allowed = self._can_edit.get(code)
        if allowed is None:
            target = self.work.orgs[code].scope_target()
            allowed = self._can_edit[code] = self.actor.can("edit", target)
        if not allowed:
            raise _RowProblem(r, "org_code", PermissionDeniedError().message)

    def alive(self, r: MemberRow) -> None:
        day = r.start
        for start, end in self.spans.get(r.org_code, ()):
            if start <= day and (end is None or day <= end):
                return
        raise _RowProblem(
            r,
            "org_code",
            _("Tổ chức %(org)s không tồn tại vào ngày %(day)s.")
            % {"org": r.org_code, "day": format_date_short(day)},
        )

    def date_column(self, exc: DomainError, r: MemberRow) -> str:
        """The cell a date rule is about (check_member_dates names it in words only)."""
        if exc.code == "date.future":
            if r.birth_date > self.today:
                return "birth_date"
            return "admitted_on" if r.admitted_on > self.today else "since"
        if exc.code == "member.dates":
            if r.confirmed_on and r.confirmed_on < r.admitted_on:
                return "confirmed_on"
            return "admitted_on"
        return MEMBER_COLUMNS.get(exc.code, "card_number")

    # --- one card number ----------------------------------------------------------------------
    def plan_card(self, rows: list[MemberRow]) -> None:
        """Plans the rows of one card number. The first refused row stops the card: the rows
        after it would be read against a state that is not there."""
        first_in_file = rows[0]
        if len(rows) > 1:
            rows = sorted(rows, key=lambda r: (r.start, r.row))
        member = self.work.stored.get(rows[0].card_number)
        # A new member in one row (most rows of a large file) is planned straight into the
        # plan: it has nothing to take back if refused, as every check comes before.
        single = member is None and len(rows) == 1
        steps: list[tuple[MemberRow, str, object]] = self.work.steps if single else []
        actions: dict[int, str] = self.plan.actions if single else {}
        try:
            for r in rows:
                if r.start < r.admitted_on:
                    problem = (
                        since_problem(r.start, r.admitted_on, self.today)
                        if member is None and r is first_in_file
                        else transfer_date_problem(r.admitted_on, r.start, self.today)
                    )
                    raise _RowProblem(r, "since", problem.message)
                self.org(r)
            if member is None:
                self.plan_new(rows, steps, actions)
            else:
                self.plan_stored(member, rows, steps, actions)
        except _RowProblem as problem:
            sink = _Sink(self.plan, self.plan.errors, Counter())
            sink.error(problem.row, problem.column, problem.message)
            self.plan.mapped.failed_codes.add(problem.row.card_number)
            return
        if not single:
            self.plan.actions.update(actions)
            self.work.steps += steps

    def plan_new(self, rows: list[MemberRow], steps: list, actions: dict) -> None:
        first = rows[0]
        row = NewMember(
            org=self.org(first),
            card_number=first.card_number,
            full_name=first.full_name,
            birth_date=first.birth_date,
            gender=first.gender,
            admitted_on=first.admitted_on,
            confirmed_on=first.confirmed_on,
            since=first.start,
        )
        if problem := new_member_problem(row, self.today):
            raise _RowProblem(first, self.date_column(problem, first), problem.message)
        self.may_edit(first, first.org_code)
        self.alive(first)
        if first.status in LEAVING:
            raise _RowProblem(
                first,
                "status",
                _(
                    "Dòng đầu tiên của số thẻ %(card)s phải là nơi đảng viên bắt đầu sinh "
                    "hoạt; trạng thái “%(status)s” cần một dòng sau, ghi ngày đổi trạng thái."
                )
                % {"card": first.card_number, "status": _status_word(first.status)},
            )
        self.work.new.append((first, row))
        actions[first.row] = CREATE
        if first.status != "active":
            steps.append((first, "status", first.status))
        if len(rows) > 1:
            walk = _Walk(first.org_code, first.status, True, first.start)
            self.walk(rows[1:], walk, steps, actions, CREATE)

    def plan_stored(self, member: Member, rows: list[MemberRow], steps: list, actions) -> None:
        first = rows[0]
        for name, label in PERSON_FIELDS.items():
            if name == "full_name" or (name == "confirmed_on" and not self.has_confirmed):
                continue
            stored = getattr(member, name)
            if stored != getattr(first, name):
                raise _RowProblem(
                    first,
                    name,
                    _(
                        "Khác với hồ sơ đã lưu của số thẻ %(card)s (%(what)s: %(v)s); tệp nhập "
                        "không sửa được %(what)s của đảng viên đã có."
                    )
                    % {
                        "card": member.card_number,
                        "what": label,
                        "v": display(stored) or _("trống"),
                    },
                )
        if first.full_name != member.full_name:
            steps.append((first, "rename", first.full_name))
            actions[first.row] = UPDATE
        spans, periods = self.histories[member.pk]
        history = member_history(spans, periods)
        last = history[-1].since if history else None
        later = []
        for r in rows:
            if last is None or r.start > last:
                later.append(r)
                continue
            org_then, status_then = org_code_on(spans, r.start), status_on(periods, r.start)
            if r.org_code == org_then and (not self.has_status or r.status == status_then):
                actions.setdefault(r.row, UNCHANGED)
                continue
            raise _RowProblem(
                r,
                "org_code" if r.org_code != org_then else "status",
                _(
                    "Khác với quá trình sinh hoạt đã lưu: ngày %(day)s đảng viên %(name)s "
                    "sinh hoạt ở %(org)s, trạng thái “%(status)s”; tệp nhập chỉ thêm được "
                    "những thay đổi sau ngày %(last)s."
                )
                % {
                    "day": format_date_short(r.start),
                    "name": member.full_name,
                    "org": org_then or "—",
                    "status": _status_word(status_then),
                    "last": format_date_short(last),
                },
            )
        open_now = any(end is None for _start, end, _org in spans)
        walk = _Walk(member.org.code, member.status, open_now, last or member.admitted_on)
        self.walk(later, walk, steps, actions, UPDATE)

    def walk(self, rows, walk: _Walk, steps: list, actions: dict, action: str) -> None:
        """Rows after the stored history (or after the first row): transfers, then status
        changes, each on its row's day."""
        for r in rows:
            changed = False
            status = r.status if self.has_status else walk.status
            if r.org_code != walk.org_code:
                if not walk.open:
                    raise self.after_leaving(r, walk)
                if status in LEAVING and status != walk.status:
                    raise _RowProblem(
                        r,
                        "status",
                        _(
                            "Dòng này vừa chuyển sinh hoạt sang %(org)s vừa đổi trạng thái "
                            "“%(status)s”; hãy ghi hai dòng, mỗi dòng một ngày."
                        )
                        % {"org": r.org_code, "status": _status_word(status)},
                    )
                if problem := transfer_date_problem(r.admitted_on, r.start, self.today):
                    raise _RowProblem(r, "since", problem.message)
                self.may_edit(r, walk.org_code)
                self.may_edit(r, r.org_code)
                self.alive(r)
                steps.append((r, "transfer", r.org_code))
                walk.org_code, changed = r.org_code, True
            if status != walk.status:
                if not walk.open and status not in LEAVING:
                    raise self.after_leaving(r, walk)
                if problem := status_date_problem(r.admitted_on, r.start, self.today):
                    raise _RowProblem(r, "since", problem.message)
                self.may_edit(r, walk.org_code)
                steps.append((r, "status", status))
                walk.status, changed = status, True
                walk.open = walk.open and status not in LEAVING
            if changed:
                walk.since = r.start
                if actions.get(r.row) != UPDATE:
                    actions[r.row] = action
            else:
                actions.setdefault(r.row, UNCHANGED)

    def after_leaving(self, r: MemberRow, walk: _Walk) -> _RowProblem:
        return _RowProblem(
            r,
            "org_code" if r.org_code != walk.org_code else "status",
            _(
                "Đảng viên %(name)s có trạng thái “%(status)s” từ ngày %(day)s; tệp nhập không "
                "ghi được việc sinh hoạt lại sau đó."
            )
            % {
                "name": r.full_name,
                "status": _status_word(walk.status),
                "day": format_date_short(walk.since),
            },
        )


def _status_word(status: str) -> str:
    return STATUS_WORDS[status][0] if status in STATUS_WORDS else status


def _plan_members(plan: ImportPlan, actor: Actor) -> None:
    planner = _MemberPlanner(plan, actor)
    by_card: dict[str, list[MemberRow]] = {}
    for r in plan.records:
        by_card.setdefault(r.card_number, []).append(r)
    for card, rows in by_card.items():
        if card not in plan.mapped.failed_codes:  # a row of the card is refused already
            planner.plan_card(rows)
    plan.errors.sort(key=lambda e: e.row)
    plan.work = planner.work


def _apply_members(plan: ImportPlan, actor: Actor, sink: _Sink, progress) -> None:
    """New members in one bulk registration, then every transfer, status change and new name
    through the services, in the order of their days."""
    work: _MemberWork = plan.work
    if work is None:
        return
    members = dict(work.stored)
    failed: set[str] = set(plan.mapped.failed_codes)
    if work.new:
        try:
            with transaction.atomic():
                members_register_bulk(
                    actor=actor, rows=[row for _r, row in work.new], returning=False
                )
        except DomainError as exc:
            _bulk_refused(exc, work, sink)
            failed |= {r.card_number for r, _row in work.new}
        else:
            # The new members that have transfers or statuses after their first row.
            later = {r.card_number for r, _op, _arg in work.steps} - set(members)
            members.update(_members_by_card(later))
    for r, op, arg in _each(work.steps, progress):
        if sink.full():
            break
        if r.card_number in failed:
            continue
        member = members[r.card_number]
        try:
            with transaction.atomic():
                if op == "rename":
                    member_rename(actor=actor, member=member, full_name=arg)
                elif op == "transfer":
                    member_transfer(actor=actor, member=member, to_org=work.orgs[arg], on=r.start)
                else:
                    member_status_set(actor=actor, member=member, status=arg, on=r.start)
        except DomainError as exc:
            column = MEMBER_COLUMNS.get(exc.code, "since")
            sink.error(r, column, exc.message)
            failed.add(r.card_number)
    cards = {r.row: r.card_number for r in plan.records}
    for row, action in plan.actions.items():
        if cards.get(row) not in failed:
            sink.counts[action] += 1


def _bulk_refused(exc: DomainError, work: _MemberWork, sink: _Sink) -> None:
    """Places a refusal of members_register_bulk on the row it is about (the planner checks
    the same rules, so this is rare: data changed between the plan and the apply)."""
    details = exc.details or {}
    rows = [r for r, _row in work.new]
    if index := details.get("index"):
        r = rows[index - 1]
        column = MEMBER_COLUMNS.get(exc.code, "card_number")
        if exc.code in ("date.future", "member.dates"):
            column = "admitted_on"
        sink.error(r, column, details.get("reason", exc.message))
        return
    cards = set(details.get("cards", ()))
    for r in [r for r in rows if r.card_number in cards] or rows[:1]:
        sink.error(r, "card_number", exc.message)


# Each kind of kinds.KINDS has a planner and an applier here.
PLANNERS: dict[str, Callable[[ImportPlan, Actor], None]] = {
    "units": _plan_units,
    "unit_events": _plan_events,
    "orgs": _plan_orgs,
    "members": _plan_members,
}
APPLIERS: dict[str, Callable] = {
    "units": _apply_units,
    "unit_events": _apply_events,
    "orgs": _apply_orgs,
    "members": _apply_members,
}


# Kinds planned and applied in their own modules register themselves here on import.
from tongket.imports import evaluation_apply, target_apply, work_apply  # noqa: E402,F401
