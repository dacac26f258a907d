"""Vietnam's administrative units before and after 1/7/2025, loaded in bulk from the
`vietnam-provinces` package (GPL-3.0-or-later; read at run time, never copied into the repo).

What is loaded, in our temporal model:

- legacy provinces (63), districts (level "district") and wards/communes (level "ward"), all
  valid from EARLIEST ("since before our records") to 30/6/2025; a province whose code goes on
  after the reform keeps one identity and gets a second version from 1/7/2025 when its name or
  area changed;
- new provinces (34) and their wards, communes and special zones directly under the province
  (level "ward"), valid from 1/7/2025;
- events effective 1/7/2025: provinces merged, wards merged or rearranged per the official
  old → new ward table (edges whole=False where the table marks a source as split or partly
  merged), districts dissolved, island districts that became special zones.

Codes keep old and new apart and cannot meet the office's own codes: VN-P79 (a province that
exists after the reform, also for its legacy version), VN-OLD-P74, VN-OLD-D765, VN-OLD-W26734,
VN-W26734. The official number, zero-padded to its official width (2, 3 or 5 digits, as the
GSO list writes it), is stored in AdminUnitVersion.official_code.

The load only adds what is missing (identities by code, versions by unit and start day, events
by key, edges by event and ends); rows already present are left as they are, so a second run
writes nothing. Everything is validated in memory with the rules of tongket.domain.timeline
before one transaction writes it, with one audit row.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db import connection, transaction
from django.utils.translation import gettext as _

from tongket.core.actor import Actor
from tongket.core.audit import record_event
from tongket.core.permissions import require
from tongket.core.revisions import bump
from tongket.domain.errors import DomainError
from tongket.domain.permissions import Target
from tongket.domain.timeline import Version, check_level, check_no_overlap, day_after, day_before
from tongket.domain.vnformat import format_date_short
from tongket.registry.models import AdminUnit, AdminUnitVersion, UnitEvent, UnitLineage
from tongket.registry.services import EARLIEST, _check_shape, basis_for

REFORM_DAY = date(2025, 7, 1)  # two-tier local government (NQ 203/2025/QH15)
LAST_DAY = day_before(REFORM_DAY)
PREFIX = "VN-"

# The legal bases written on the versions and events. The package names no resolution, so:
# - provinces: the National Assembly's resolution on arranging provinces (DOMAIN_RULES §3.2);
PROVINCE_BASIS = (
    "Nghị quyết 202/2025/QH15 ngày 12/6/2025 của Quốc hội về việc sắp xếp đơn vị hành chính "
    "cấp tỉnh"
)
# - districts: the constitutional amendment that ends the district level on 1/7/2025 (Điều 2
#   khoản 2: đơn vị hành chính cấp huyện kết thúc hoạt động từ ngày 01/7/2025);
DISTRICT_BASIS = (
    "Nghị quyết 203/2025/QH15 ngày 16/6/2025 của Quốc hội sửa đổi, bổ sung một số điều của "
    "Hiến pháp (đơn vị hành chính cấp huyện kết thúc hoạt động)"
)
# - wards: each province's ward arrangement has its own resolution of the Standing Committee
#   (e.g. 1685/NQ-UBTVQH15 for Ho Chi Minh City), but the package's conversion table carries
#   no resolution number per province, so one generic text is used for every province.
WARD_BASIS = (
    "Các nghị quyết năm 2025 của Ủy ban Thường vụ Quốc hội về việc sắp xếp các đơn vị hành "
    "chính cấp xã của từng tỉnh, thành phố"
)

LEVELS = ("province", "district", "ward")


def province_code(n: int, legacy: bool = False) -> str:
    return f"{PREFIX}{'OLD-' if legacy else ''}P{n:02d}"


def district_code(n: int) -> str:
    return f"{PREFIX}OLD-D{n:03d}"


def ward_code(n: int, legacy: bool = False) -> str:
    return f"{PREFIX}{'OLD-' if legacy else ''}W{n:05d}"


# --- the plan: what the package says, as plain rows keyed by our codes --------------------
@dataclass(frozen=True)
class PlannedVersion:
    code: str
    valid_from: date
    valid_to: date | None
    name: str
    level: str
    parent: str | None
    official_code: str
    basis: str | None = None

    def as_version(self) -> Version:
        return Version(
            self.code, self.valid_from, self.valid_to, self.name, self.level, self.parent
        )


@dataclass(frozen=True)
class PlannedEvent:
    kind: str
    sources: tuple[str, ...]
    targets: tuple[str, ...]
    basis: str
    note: str = ""
    # (predecessor, successor, whole); an absorbing unit is not its own successor.
    edges: tuple[tuple[str, str, bool], ...] = ()

    @property
    def key(self) -> str:
        """The same key unit_event_record writes, so either path finds the other's event."""
        return "|".join(
            [
                self.kind,
                REFORM_DAY.isoformat(),
                ";".join(sorted(self.sources)),
                ";".join(sorted(self.targets)),
            ]
        )


@dataclass
class Plan:
    versions: list[PlannedVersion] = field(default_factory=list)
    events: list[PlannedEvent] = field(default_factory=list)
    # Where the package's tables disagree; kept in the summary and the audit row.
    unknown_sources: list[int] = field(default_factory=list)  # old ward codes not listed
    unmapped_wards: list[int] = field(default_factory=list)  # legacy wards with no successor
    ignored_province_links: list[tuple[int, int]] = field(default_factory=list)


def _bare(name: str) -> str:
    for prefix in ("Thành phố ", "Tỉnh ", "Huyện ", "Quận ", "Thị xã ", "Đặc khu "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def read_package() -> Plan:
    """Reads the package into a plan; no database access."""
    import vietnam_provinces as vp
    from vietnam_provinces import _province_conversion_2025 as pconv
    from vietnam_provinces import _ward_conversion_2025 as wconv
    from vietnam_provinces import legacy

    plan = Plan()
    new_provinces = {int(p.code): p for p in vp.Province.iter_all()}
    old_provinces = {int(p.code): p for p in legacy.Province.iter_all()}
    districts = {int(d.code): d for d in legacy.District.iter_all()}
    old_wards = {int(w.code): w for w in legacy.Ward.iter_all()}
    new_wards = {int(w.code): w for w in vp.Ward.iter_all()}

    # Province sources. The package derives them from ward rows, and one mislabelled ward row
    # makes a province that goes on under its own code a source of another province too
    # (old 82 under new 80); such a link is ignored and reported.
    sources_of: dict[int, list[int]] = {}
    for new, entry in sorted(pconv.NEW_TO_OLD.items()):
        kept = []
        for ref in entry.old_provinces:
            if ref.code in new_provinces and ref.code != new:
                plan.ignored_province_links.append((ref.code, new))
            else:
                kept.append(ref.code)
        sources_of[new] = kept
    successors_of: dict[int, list[int]] = defaultdict(list)
    for new, olds in sources_of.items():
        for old in olds:
            successors_of[old].append(new)

    # Provinces: one identity per old code, the same identity when the code goes on.
    for n, p in sorted(old_provinces.items()):
        goes_on = n in new_provinces
        code = province_code(n, legacy=not goes_on)
        unchanged = goes_on and sources_of.get(n) == [n] and new_provinces[n].name == p.name
        plan.versions.append(
            PlannedVersion(
                code,
                EARLIEST,
                None if unchanged else LAST_DAY,
                p.name,
                "province",
                None,
                f"{n:02d}",
            )
        )
        if goes_on and not unchanged:
            # The package's names are those of its data date (__data_version__), without the
            # day of a later renaming; a province NQ 202 left as it was but whose name changed
            # since (Quảng Ninh) gets the new name from 1/7/2025 and no legal basis.
            arranged = sources_of.get(n) != [n]
            plan.versions.append(
                PlannedVersion(
                    code,
                    REFORM_DAY,
                    None,
                    new_provinces[n].name,
                    "province",
                    None,
                    f"{n:02d}",
                    PROVINCE_BASIS if arranged else None,
                )
            )
    for n, olds in sorted(sources_of.items()):
        if olds == [n]:
            continue  # not arranged (it may have a new version, e.g. a new name)
        target = province_code(n)
        sources = tuple(province_code(o, legacy=o not in new_provinces) for o in olds)
        edges = tuple(
            (province_code(o, legacy=o not in new_provinces), target, len(successors_of[o]) == 1)
            for o in olds
            if o != n
        )
        note = "; ".join(old_provinces[o].name for o in olds) + f" → {new_provinces[n].name}"
        plan.events.append(
            PlannedEvent("merge", sources, (target,), PROVINCE_BASIS, note[:300], edges)
        )

    # Legacy districts and wards, ending the day before the reform.
    for n, d in sorted(districts.items()):
        parent = province_code(
            int(d.province_code), legacy=int(d.province_code) not in new_provinces
        )
        plan.versions.append(
            PlannedVersion(
                district_code(n), EARLIEST, LAST_DAY, d.name, "district", parent, f"{n:03d}"
            )
        )
    for n, w in sorted(old_wards.items()):
        plan.versions.append(
            PlannedVersion(
                ward_code(n, legacy=True),
                EARLIEST,
                LAST_DAY,
                w.name,
                "ward",
                district_code(int(w.district_code)),
                f"{n:05d}",
            )
        )

    # New wards, directly under the new province.
    for n, w in sorted(new_wards.items()):
        plan.versions.append(
            PlannedVersion(
                ward_code(n),
                REFORM_DAY,
                None,
                w.name,
                "ward",
                province_code(int(w.province_code)),
                f"{n:05d}",
                WARD_BASIS,
            )
        )

    # Ward events from the official table: whole sources make a merge; any source split or
    # partly merged makes a rearrangement, and its edges are whole=False.
    split = {
        old: entry.old_ward.is_partly_merged or len(entry.new_wards) > 1
        for old, entry in wconv.OLD_TO_NEW.items()
    }
    for n, entry in sorted(wconv.NEW_TO_OLD.items()):
        target = ward_code(n)
        edges = []
        for ref in entry.old_wards:
            if ref.code not in old_wards:
                plan.unknown_sources.append(ref.code)
                continue
            whole = not (ref.is_partly_merged or split.get(ref.code, False))
            edges.append((ward_code(ref.code, legacy=True), target, whole))
        if not edges:
            continue
        kind = "merge" if all(e[2] for e in edges) else "rearrange"
        sources = tuple(e[0] for e in edges)
        plan.events.append(PlannedEvent(kind, sources, (target,), WARD_BASIS, "", tuple(edges)))
    plan.unmapped_wards = sorted(set(old_wards) - set(wconv.OLD_TO_NEW))
    plan.unknown_sources = sorted(set(plan.unknown_sources))

    # Special zones the table gives no source for were island districts without communes
    # (huyện Côn Đảo → đặc khu Côn Đảo): the district, matched by name within the provinces
    # the new province was formed from, is their source; such a district is not "dissolved".
    with_wards = {int(w.district_code) for w in old_wards.values()}
    absorbed: set[int] = set()
    for n in sorted(set(new_wards) - set(wconv.NEW_TO_OLD)):
        w = new_wards[n]
        olds = sources_of.get(int(w.province_code), [])
        found = [
            c
            for c, d in districts.items()
            if int(d.province_code) in olds
            and c not in with_wards
            and _bare(d.name) == _bare(w.name)
        ]
        if len(found) == 1:
            absorbed.add(found[0])
            source, target = district_code(found[0]), ward_code(n)
            plan.events.append(
                PlannedEvent(
                    "merge",
                    (source,),
                    (target,),
                    WARD_BASIS,
                    f"{districts[found[0]].name} → {w.name}",
                    ((source, target, True),),
                )
            )
    for n in sorted(set(districts) - absorbed):
        plan.events.append(PlannedEvent("dissolve", (district_code(n),), (), DISTRICT_BASIS))
    return plan


# --- validation in memory, with the domain rules ------------------------------------------
def _valid_on(versions: Iterable[Version], day: date) -> Version | None:
    return next((v for v in versions if v.valid_on(day)), None)


def _covers(versions: list[Version], start: date, end: date | None) -> bool:
    """The versions, together, cover every day from start to end (or on without end)."""
    day = start
    for v in sorted(versions, key=lambda v: v.valid_from):
        if v.valid_from > day:
            return False
        if v.valid_to is None:
            return True
        if v.valid_to >= day:
            day = day_after(v.valid_to)
        if end is not None and day > end:
            return True
    return False


def validate(plan: Plan, new: list[PlannedVersion], existing: list[Version]) -> None:
    """Raises DomainError unless the new versions and the events fit the versions (existing
    and new together): no overlap, parents there for the whole span, levels strictly below,
    events on units that existed the day before and the day of."""
    every = [*existing, *(v.as_version() for v in new)]
    check_no_overlap(every)
    by_code: dict[str, list[Version]] = defaultdict(list)
    for v in every:
        by_code[v.node].append(v)
    for v in new:
        if v.parent is None:
            check_level(v.level, None, v.name, v.valid_from, v.valid_to)
            continue
        parent = _valid_on(by_code.get(v.parent, ()), v.valid_from)
        if parent is None or not _covers(by_code[v.parent], v.valid_from, v.valid_to):
            raise DomainError(
                "unit.parent_missing",
                _("Đơn vị cấp trên %(parent)s không tồn tại vào ngày %(day)s (khi đặt %(name)s).")
                % {"parent": v.parent, "day": format_date_short(v.valid_from), "name": v.name},
            )
        check_level(v.level, parent.level, v.name, v.valid_from, v.valid_to)
    eve = LAST_DAY
    for event in plan.events:
        _check_shape(event.kind, list(event.sources), list(event.targets))
        if len(event.key) > UnitEvent._meta.get_field("key").max_length:
            raise DomainError(
                "event.key", _("Sự kiện có quá nhiều đơn vị: %(k)s") % {"k": event.key}
            )
        checks = [(c, eve, "event.source_gone") for c in event.sources]
        checks += [(c, REFORM_DAY, "event.target_missing") for c in event.targets]
        for code, day, error in checks:
            if _valid_on(by_code.get(code, ()), day) is None:
                raise DomainError(
                    error,
                    _("Đơn vị %(unit)s không tồn tại vào ngày %(day)s.")
                    % {"unit": code, "day": format_date_short(day)},
                )
        for code in event.sources:
            if code not in event.targets and _valid_on(by_code[code], REFORM_DAY) is not None:
                raise DomainError(
                    "event.source_continues",
                    _("Đơn vị %(unit)s vẫn còn hiệu lực từ ngày %(day)s; hãy kết thúc nó trước.")
                    % {"unit": code, "day": format_date_short(REFORM_DAY)},
                )


# --- the load -------------------------------------------------------------------------------
@dataclass(frozen=True)
class LoadSummary:
    before: dict[str, int]  # level → units on 30/6/2025, per the package
    after: dict[str, int]  # level → units on 1/7/2025
    events: int  # reorganization events in the package data
    edges: int  # lineage edges in the package data
    created: dict[str, int]  # rows written by this run: units, versions, events, edges
    unknown_sources: tuple[int, ...]
    unmapped_wards: tuple[int, ...]
    ignored_province_links: tuple[tuple[int, int], ...]
    seconds: float

    @property
    def changed(self) -> bool:
        return any(self.created.values())


@dataclass
class _Existing:
    """What the database already holds of the national codes."""

    units: dict[str, dict]  # code → {pk, name, level, parent_id, path}
    versions: list[Version]  # node = code, parent = code
    version_keys: set[tuple[str, date]]
    events: dict[str, int]  # key → pk
    edges: set[tuple[int, int, int]]  # (event, predecessor, successor)


def _read_existing() -> _Existing:
    rows = AdminUnit.objects.filter(code__startswith=PREFIX).values(
        "pk", "code", "name", "level", "parent_id", "path"
    )
    units = {r["code"]: r for r in rows}
    code_of = {r["pk"]: r["code"] for r in units.values()}
    versions = [
        Version(code_of[u], f, t, n, lv, code_of.get(p, f"#{p}") if p else None)
        for u, f, t, n, lv, p in AdminUnitVersion.objects.filter(
            unit__code__startswith=PREFIX
        ).values_list("unit_id", "valid_from", "valid_to", "name", "level", "parent_id")
    ]
    events = dict(
        UnitEvent.objects.filter(effective_on=REFORM_DAY).values_list("key", "pk").iterator()
    )
    edges = set(
        UnitLineage.objects.filter(event__effective_on=REFORM_DAY).values_list(
            "event_id", "predecessor_id", "successor_id"
        )
    )
    return _Existing(units, versions, {(v.node, v.valid_from) for v in versions}, events, edges)


def _latest(versions: Iterable) -> object:
    return max(versions, key=lambda v: v.valid_from)


def _write_identities(new: list[PlannedVersion], existing: _Existing) -> dict[str, int]:
    """Creates the missing identities, parents before children; returns code → pk for all."""
    pk = {code: row["pk"] for code, row in existing.units.items()}
    mirror = {}
    for v in new:
        if v.code not in pk and (v.code not in mirror or v.valid_from > mirror[v.code].valid_from):
            mirror[v.code] = v

    def depth(code: str) -> int:
        d = 0
        while (code := mirror[code].parent if code in mirror else None) is not None:
            d += 1
        return d

    tiers: dict[int, list[str]] = defaultdict(list)
    for code in mirror:
        tiers[depth(code)].append(code)
    for d in sorted(tiers):
        objs = [
            AdminUnit(
                code=code,
                name=mirror[code].name,
                level=mirror[code].level,
                parent_id=pk[mirror[code].parent] if mirror[code].parent else None,
            )
            for code in sorted(tiers[d])
        ]
        for obj in AdminUnit.objects.bulk_create(objs, batch_size=500):
            pk[obj.code] = obj.pk
    return pk


def _write_paths(new: list[PlannedVersion], existing: _Existing, pk: dict[str, int]) -> int:
    """Mirrors the latest version on each identity (name, level, parent) and writes the
    materialized paths parent.path + f"{pk}/"; returns how many existing identities changed."""
    by_code: dict[str, list] = defaultdict(list)
    for v in existing.versions:
        by_code[v.node].append(v)
    for v in new:
        by_code[v.code].append(v)
    parent_of = {code: _latest(vs).parent for code, vs in by_code.items()}
    paths: dict[str, str] = {}

    def path(code: str) -> str:
        if code not in paths:
            parent = parent_of.get(code)
            paths[code] = f"{path(parent) if parent else '/'}{pk[code]}/"
        return paths[code]

    changed, repath, moved, touched = [], [], [], set()
    for code in sorted(by_code):
        latest = _latest(by_code[code])
        row = existing.units.get(code)
        parent_id = pk[latest.parent] if latest.parent else None
        if row is None:  # created just now with the latest name, level and parent
            repath.append((path(code), pk[code]))
            continue
        if (row["name"], row["level"], row["parent_id"]) != (latest.name, latest.level, parent_id):
            changed.append(
                AdminUnit(pk=pk[code], name=latest.name, level=latest.level, parent_id=parent_id)
            )
            touched.add(code)
        if row["path"] != path(code):
            repath.append((path(code), pk[code]))
            touched.add(code)
            if row["path"]:
                moved.append((row["path"], path(code)))
    AdminUnit.objects.bulk_update(changed, ["name", "level", "parent"], batch_size=500)
    # Django's bulk_update builds one CASE branch per row (half a minute for 14,000 rows);
    # one prepared UPDATE run for many parameter rows takes well under a second.
    table = connection.ops.quote_name(AdminUnit._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET path = %s WHERE id = %s", repath)
    for old, new_path in moved:  # units of the office placed under a national unit follow it
        below = [u for u in AdminUnit.objects.filter(path__startswith=old) if u.code not in by_code]
        for unit in below:
            unit.path = new_path + unit.path[len(old) :]
        AdminUnit.objects.bulk_update(below, ["path"], batch_size=500)
    return len(touched)


def _write_versions(new: list[PlannedVersion], pk: dict[str, int], bases: dict) -> int:
    rows = [
        AdminUnitVersion(
            unit_id=pk[v.code],
            valid_from=v.valid_from,
            valid_to=v.valid_to,
            name=v.name,
            level=v.level,
            parent_id=pk[v.parent] if v.parent else None,
            official_code=v.official_code,
            basis=bases[v.basis] if v.basis else None,
        )
        for v in new
    ]
    AdminUnitVersion.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def _write_events(plan: Plan, existing: _Existing, bases: dict) -> dict[str, int]:
    """Creates the missing events; returns key → pk for every planned event."""
    pks = {e.key: existing.events[e.key] for e in plan.events if e.key in existing.events}
    rows = [
        UnitEvent(
            kind=e.kind, effective_on=REFORM_DAY, basis=bases[e.basis], note=e.note, key=e.key
        )
        for e in plan.events
        if e.key not in pks
    ]
    for obj in UnitEvent.objects.bulk_create(rows, batch_size=500):
        pks[obj.key] = obj.pk
    return pks


def _missing_edges(plan: Plan, existing: _Existing, events: dict[str, int], pk: dict[str, int]):
    for e in plan.events:
        for old, new, whole in e.edges:
            if (events[e.key], pk[old], pk[new]) not in existing.edges:
                yield UnitLineage(
                    event_id=events[e.key],
                    predecessor_id=pk[old],
                    successor_id=pk[new],
                    whole=whole,
                )


def _write_edges(plan: Plan, existing: _Existing, events: dict[str, int], pk) -> int:
    rows = list(_missing_edges(plan, existing, events, pk))
    UnitLineage.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def _counts(plan: Plan, day: date) -> dict[str, int]:
    found = Counter(v.level for v in plan.versions if v.as_version().valid_on(day))
    return {level: found.get(level, 0) for level in LEVELS}


Progress = Callable[..., Iterable]


def national_load(*, actor: Actor, progress: Progress | None = None) -> LoadSummary:
    """Loads the national units, their versions, events and lineage; all or nothing.

    `progress` wraps an iterable like tongket.cli.base.progress(iterable, total=, desc=); it
    advances once per step.
    """
    require(actor, "edit", Target(unit_path="/"))
    started = time.perf_counter()
    steps = 7
    ticks = iter(progress(range(steps), total=steps, desc=_("Nạp đơn vị")) if progress else ())

    def tick() -> None:
        next(ticks, None)

    tick()
    plan = read_package()
    with transaction.atomic():
        tick()
        existing = _read_existing()
        new = [v for v in plan.versions if (v.code, v.valid_from) not in existing.version_keys]
        validate(plan, new, existing.versions)
        needed = {v.basis for v in new if v.basis} | {
            e.basis for e in plan.events if e.key not in existing.events
        }
        bases = {text: basis_for(text) for text in sorted(needed)}
        tick()
        pk = _write_identities(new, existing)
        created_units = len(pk) - len(existing.units)
        tick()
        updated_units = _write_paths(new, existing, pk)
        tick()
        versions = _write_versions(new, pk, bases)
        tick()
        events = _write_events(plan, existing, bases)
        created_events = len(events) - sum(1 for e in plan.events if e.key in existing.events)
        tick()
        edges = _write_edges(plan, existing, events, pk)
        created = {
            "units": created_units,
            "units_updated": updated_units,
            "versions": versions,
            "events": created_events,
            "edges": edges,
        }
        summary = LoadSummary(
            before=_counts(plan, LAST_DAY),
            after=_counts(plan, REFORM_DAY),
            events=len(plan.events),
            edges=sum(len(e.edges) for e in plan.events),
            created=created,
            unknown_sources=tuple(plan.unknown_sources),
            unmapped_wards=tuple(plan.unmapped_wards),
            ignored_province_links=tuple(plan.ignored_province_links),
            seconds=time.perf_counter() - started,
        )
        if summary.changed:
            record_event(actor, "create", "registry.adminunit", _audit_text(), _extra(summary))
            bump("units")  # cached snapshots of the unit tree are stale now
    for _rest in ticks:
        pass
    return summary


def _audit_text() -> str:
    import vietnam_provinces as vp

    return f"national load: vietnam-provinces {vp.__version__} (data {vp.__data_version__})"


def _extra(s: LoadSummary) -> dict:
    return {
        **{f"created_{k}": v for k, v in s.created.items()},
        "before": s.before,
        "after": s.after,
        "events": s.events,
        "edges": s.edges,
        "unknown_sources": list(s.unknown_sources),
        "unmapped_wards": list(s.unmapped_wards),
        "ignored_province_links": [list(p) for p in s.ignored_province_links],
    }
