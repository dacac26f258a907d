"""Builds the demo database from the scenario files, through the services.

The scenario files hold records (units, organizations, accounts) and the parameters of the
generated members. Nothing here computes a figure of a review: the reports count whatever
records exist.
"""

from __future__ import annotations

import datetime as dt
import random
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from django.db import connection, transaction
from django.utils.translation import gettext as _

from tongket.cli.base import CliError, progress
from tongket.core.actor import Actor
from tongket.demo.names import person_name
from tongket.demo.targets import load as load_targets
from tongket.demo.work import build_work
from tongket.domain.permissions import Role

BRANCH_KINDS = ("sub_branch", "grassroots_branch")


@dataclass
class Summary:
    scenarios: list[str] = field(default_factory=list)
    units: int = 0
    orgs: int = 0
    members: int = 0
    results: int = 0
    users: list[tuple[str, str, str]] = field(default_factory=list)
    reports: list[tuple[str, str, str]] = field(default_factory=list)  # scenario, org, period

    def lines(self) -> list[str]:
        head = _(
            "Đã dựng dữ liệu mẫu: %(s)s — %(u)d đơn vị, %(o)d tổ chức, %(m)d đảng viên, "
            "%(r)d kết quả đánh giá."
        ) % {
            "r": self.results,
            "s": ", ".join(self.scenarios),
            "u": self.units,
            "o": self.orgs,
            "m": self.members,
        }
        logins = [
            _("  Đăng nhập: %(user)s / %(pw)s  (%(who)s)") % {"user": u, "pw": p, "who": w}
            for u, p, w in self.users
        ]
        return [head, *logins]


def scenario_files() -> list[Path]:
    folder = resources.files("tongket.demo") / "scenarios"
    return sorted(Path(str(p)) for p in folder.iterdir() if p.name.endswith(".toml"))


def reset_database() -> None:
    """Deletes the demo's SQLite file so that every demo starts from the scenarios alone.

    Any other database must be empty: the demo never wipes a database it did not create.
    """
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        connection.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{settings['NAME']}{suffix}").unlink(missing_ok=True)
        return
    if "party_partyorg" in connection.introspection.table_names():
        from tongket.party.models import PartyOrg

        if PartyOrg.objects.exists():
            raise CliError(
                _("Cơ sở dữ liệu đã có dữ liệu; bản chạy thử cần một cơ sở dữ liệu trống.")
            )


def build_demo() -> Summary:
    summary = Summary()
    actor = Actor.cli("demo")
    with transaction.atomic():
        for path in scenario_files():
            data = tomllib.loads(path.read_text(encoding="utf-8"))
            summary.scenarios.append(data["scenario"]["code"])
            if report := data["scenario"].get("report"):
                summary.reports.append((data["scenario"]["code"], report["org"], report["period"]))
            _load(actor, data, summary)
    return summary


def _load(actor: Actor, data: dict, summary: Summary) -> None:
    from tongket.party.models import PartyOrg
    from tongket.registry.models import AdminUnit

    units = {u.code: u for u in AdminUnit.objects.all()}
    for row in data.get("units", []):
        if row["code"] not in units:
            units[row["code"]] = _unit(actor, row, units)
            summary.units += 1
    summary.units += _neighbourhoods(actor, data.get("neighbourhoods"), units)
    for row in sorted(data.get("events", []), key=lambda r: r["effective_on"]):
        _event(actor, row, units)
    orgs = {o.code: o for o in PartyOrg.objects.all()}
    for row in data.get("orgs", []):
        if row["code"] not in orgs:
            orgs[row["code"]] = _org(actor, row, orgs, units)
            summary.orgs += 1
    summary.members += _members(actor, data.get("generate", {}), data.get("orgs", []), orgs)
    if party := data.get("party"):
        created, members = _party(actor, party, data.get("neighbourhoods", {}), units, orgs)
        summary.orgs += created
        summary.members += members
    for row in data.get("terms", []):
        _term(actor, row, orgs)
    for row in data.get("positions", []):
        _position(actor, row, orgs, units)
    if spec := data.get("evaluation"):
        summary.results += _evaluations(actor, spec, orgs)
        _awards(actor, data.get("awards", []), orgs[spec["committee"]])
    load_targets(actor, data)  # indicators, targets and actuals (tongket/demo/targets.py)
    build_work(actor, data.get("work"), orgs, units)  # meetings, tasks, outreach
    for row in data.get("users", []):
        _user(actor, row, orgs)
        summary.users.append((row["username"], row["password"], row["full_name"]))


def _unit(actor, row, units):
    from tongket.registry.services import EARLIEST, unit_create

    parent = units.get(row["parent"]) if row.get("parent") else None
    return unit_create(
        actor=actor,
        code=row["code"],
        name=row["name"],
        level=row["level"],
        parent=parent,
        valid_from=row.get("valid_from", EARLIEST),
        valid_to=row.get("valid_to"),
    )


def _neighbourhoods(actor, spec: dict | None, units) -> int:
    """Khu phố and tổ dân phố of each ward before the reorganization day, the new khu phố
    after it, and one event per ward recording the change with its legal basis."""
    from tongket.registry.services import basis_for, unit_create, unit_event_record
    from tongket.registry.services import day_before as eve_of

    if not spec:
        return 0
    if "reorganized_on" not in spec:  # khu phố as they stand, without a reorganization
        return _plain_neighbourhoods(actor, spec, units)
    day, basis, created = spec["reorganized_on"], basis_for(spec["basis"]), 0
    for row in progress(spec["wards"], desc=_("Tạo khu phố")):
        ward = units[row["ward"]]
        old, groups = [], []
        for i in range(1, row["old_neighbourhoods"] + 1):
            kp = unit_create(
                actor=actor,
                code=f"{ward.code}-KP{i:02d}",
                name=f"Khu phố {i}",
                level="neighbourhood",
                parent=ward,
                valid_to=eve_of(day),
            )
            old.append(kp)
        for i in range(row["resident_groups"]):
            kp = old[i % len(old)]
            groups.append(
                unit_create(
                    actor=actor,
                    code=f"{kp.code}-T{i // len(old) + 1:02d}",
                    name=f"Tổ dân phố {i + 1}",
                    level="resident_group",
                    parent=kp,
                    valid_to=eve_of(day),
                )
            )
        new = [
            unit_create(
                actor=actor,
                code=f"{ward.code}-KPM{i:02d}",
                name=f"Khu phố {i}",
                level="neighbourhood",
                parent=ward,
                valid_from=day,
            )
            for i in range(1, row["new_neighbourhoods"] + 1)
        ]
        unit_event_record(
            actor=actor, kind="rearrange", effective_on=day, sources=old, targets=new, basis=basis
        )
        unit_event_record(
            actor=actor, kind="dissolve", effective_on=day, sources=groups, targets=[], basis=basis
        )
        created += len(old) + len(groups) + len(new)
    return created


def _plain_neighbourhoods(actor, spec: dict, units) -> int:
    from tongket.registry.services import unit_create

    created = 0
    for row in spec["wards"]:
        ward = units[row["ward"]]
        last = ward.versions.order_by("-valid_from").first().valid_to
        for i in range(1, row["neighbourhoods"] + 1):
            unit_create(
                actor=actor,
                code=f"{ward.code}-KP{i:02d}",
                name=f"Khu phố {i}",
                level="neighbourhood",
                parent=ward,
                valid_to=last,
            )
            created += 1
    return created


def _event(actor, row, units) -> None:
    from tongket.registry.services import basis_for, children_follow, unit_event_record

    event = unit_event_record(
        actor=actor,
        kind=row["kind"],
        effective_on=row["effective_on"],
        sources=[units[c] for c in row["from"]],
        targets=[units[c] for c in row["to"]],
        basis=basis_for(row["basis"]),
    )
    children_follow(actor=actor, event=event)


def _org(actor, row, orgs, units):
    from tongket.party.services import org_create

    return org_create(
        actor=actor,
        code=row["code"],
        name=row["name"],
        kind=row["kind"],
        parent=orgs.get(row.get("parent", "")),
        unit=units.get(row.get("unit", "")),
    )


def _members(actor, gen: dict, rows: list[dict], orgs) -> int:
    """Generated members: a fixed seed gives the same people on every build."""
    from tongket.party.services import member_create

    rng, count = random.Random(gen.get("seed", 0)), 0
    branches = [orgs[r["code"]] for r in rows if r["kind"] in BRANCH_KINDS]
    per_branch = gen.get("members_per_branch", 0)
    for branch in progress(branches, desc=_("Tạo đảng viên")):
        for _i in range(per_branch):
            count += 1
            gender = rng.choice(["male", "female"])
            birth = dt.date(rng.randint(1950, 2000), rng.randint(1, 12), rng.randint(1, 28))
            admitted = birth + dt.timedelta(days=rng.randint(19 * 365, 40 * 365))
            admitted = min(admitted, dt.date(2023, 12, 31))
            member_create(
                actor=actor,
                org=branch,
                card_number=f"{gen['card_prefix']}{count:06d}",
                full_name=person_name(rng, gender),
                birth_date=birth,
                gender=gender,
                admitted_on=admitted,
                confirmed_on=admitted + dt.timedelta(days=365),
            )
    return count


def _user(actor, row, orgs) -> None:
    from tongket.accounts.models import User
    from tongket.accounts.services import grant_create, user_create

    if User.objects.filter(username=row["username"]).exists():
        return
    user = user_create(
        actor=actor, username=row["username"], password=row["password"], full_name=row["full_name"]
    )
    grant_create(actor=actor, user=user, role=Role[row["role"].upper()], scope=orgs[row["org"]])


def _party(actor, spec: dict, neighbourhoods: dict, units, orgs) -> tuple[int, int]:
    """The grassroots organizations of a committee, their sub-branches and members."""
    from tongket.party.services import org_create

    top = orgs[spec["committee"]]
    rng = random.Random(spec["seed"])
    new_kp = {w["ward"]: w["new_neighbourhoods"] for w in neighbourhoods.get("wards", [])}
    branches: list = []  # (organization, size range)
    created = 0

    def make(code, name, kind, parent, unit=None):
        nonlocal created
        created += 1
        orgs[code] = org_create(
            actor=actor, code=code, name=name, kind=kind, parent=parent, unit=unit
        )
        return orgs[code]

    for ward_code in spec["wards"]:
        ward = units[ward_code]
        committee = make(
            f"{top.code}-{ward_code}", f"Đảng bộ {ward.name}", "grassroots_committee", top, ward
        )
        names = [f"Chi bộ Khu phố {i}" for i in range(1, new_kp.get(ward_code, 0) + 1)]
        for i, name in enumerate([*names, *spec["ward_extra_branches"]], start=1):
            branches.append(
                (
                    make(f"{committee.code}-CB{i:02d}", name, "sub_branch", committee),
                    spec["members_per_sub_branch"],
                )
            )
    for n, row in enumerate(spec["committees"], start=1):
        committee = make(f"{top.code}-DBCS{n:02d}", row["name"], "grassroots_committee", top)
        for i in range(1, row["sub_branches"] + 1):
            branches.append(
                (
                    make(f"{committee.code}-CB{i:02d}", f"Chi bộ {i}", "sub_branch", committee),
                    spec["members_per_sub_branch"],
                )
            )
    for n, name in enumerate(spec["grassroots_branches"], start=1):
        branches.append(
            (
                make(f"{top.code}-CBCS{n:02d}", name, "grassroots_branch", top),
                spec["members_per_grassroots_branch"],
            )
        )
    return created, _party_members(actor, spec, rng, branches)


def _party_members(actor, spec, rng, branches) -> int:
    from tongket.party.services import NewMember, members_register_bulk

    rows, count = [], 0
    for org, (low, high) in branches:
        for _i in range(rng.randint(low, high)):
            count += 1
            gender = rng.choice(["male", "female"])
            birth = dt.date(rng.randint(1945, 2000), rng.randint(1, 12), rng.randint(1, 28))
            if rng.random() < spec["probationary_share"]:
                admitted = dt.date(2024, rng.randint(1, 6), rng.randint(1, 28))
                confirmed = None
            else:
                admitted = min(
                    birth + dt.timedelta(days=rng.randint(19 * 365, 45 * 365)), dt.date(2023, 6, 30)
                )
                confirmed = admitted + dt.timedelta(days=365)
            rows.append(
                NewMember(
                    org=org,
                    card_number=f"{spec['card_prefix']}{count:06d}",
                    full_name=person_name(rng, gender),
                    birth_date=birth,
                    gender=gender,
                    admitted_on=admitted,
                    decided_on=admitted - dt.timedelta(days=rng.randint(5, 25)),
                    confirmed_on=confirmed,
                )
            )
    members_register_bulk(actor=actor, rows=rows)
    return count


def _term(actor, row, orgs) -> None:
    from tongket.party.services import term_create

    term_create(
        actor=actor,
        org=orgs[row["org"]],
        number=row["number"],
        start_year=row["start_year"],
        end_year=row["end_year"],
    )


def _position(actor, row, orgs, units) -> None:
    from tongket.party.models import Term
    from tongket.party.services import position_create

    org = orgs.get(row.get("org", ""))
    term = Term.objects.get(org=org, number=row["term"]) if row.get("term") else None
    position_create(
        actor=actor,
        holder_name=row["holder"],
        title=row["title"],
        body=row["body"],
        org=org,
        term=term,
        unit=units.get(row.get("unit", "")),
        valid_from=row["valid_from"],
        valid_to=row.get("valid_to"),
    )


# --- evaluations and awards ----------------------------------------------------------------
def _evaluations(actor, spec: dict, orgs) -> int:
    """Rounds of each year with a result for every organization and member of the committee's
    tree at the year's end, through the same services as entered results."""
    from tongket.evaluation.selectors import org_groups
    from tongket.evaluation.services import round_lock, round_open, year_end
    from tongket.party.selectors import members_on

    committee = orgs[spec["committee"]]
    rng = random.Random(spec["seed"])
    last = spec["years"][-1]
    groups = {y: org_groups(committee, year_end(y)) for y in spec["years"]}
    people = {
        y: list(members_on(actor, committee, year_end(y)).order_by("pk")) for y in spec["years"]
    }
    exempted = _exempt_oldest(actor, people[last], spec["exempted_in_last_year"], last)
    picks = _picks(rng, spec, groups, people, exempted)
    written = 0
    for year in progress(spec["years"], desc=_("Tạo kết quả đánh giá")):
        rnd = round_open(actor=actor, committee=committee, year=year, quota=spec["quota"])
        written += _record_year(
            actor,
            rnd,
            spec,
            groups[year],
            people[year],
            picks[year],
            exempted if year == last else set(),
        )
        round_lock(actor=actor, rnd=rnd)
    return written


def _exempt_oldest(actor, members, count: int, year: int) -> set[int]:
    from tongket.party.services import member_status_set

    start = dt.date(year, 1, 1)
    candidates = [m for m in members if m.admitted_on < start]
    oldest = sorted(candidates, key=lambda m: (m.birth_date, m.pk))[:count]
    for m in oldest:
        member_status_set(
            actor=actor,
            member=m,
            status="exempted",
            on=dt.date(year, 1, 1),
            note="Miễn sinh hoạt do tuổi cao",
        )
    return {m.pk for m in oldest}


def _picks(rng, spec, groups, people, exempted) -> dict[int, tuple[set, set]]:
    """Who is excellent each year, as (member ids, organization ids): the published totals in
    the last year, the streak holders in every year, and everyone else excellent in the last
    year missing at least one earlier year, so that the streaks are exactly the published."""
    years, last, target = spec["years"], spec["years"][-1], spec["last_year"]
    share = spec["excellent_share"]
    in_all = set.intersection(*({m.pk for m in people[y] if _eligible(m, y)} for y in years))
    streak_m = _sample(rng, in_all - exempted, target["streak_members"])
    gr_all = set.intersection(*(set(groups[y].grassroots) for y in years))
    streak_o = _sample(rng, gr_all, target["streak_orgs"])
    last_m = streak_m | _sample(
        rng,
        {m.pk for m in people[last]} - exempted - streak_m,
        target["members_excellent"] - len(streak_m),
    )
    last_o = streak_o | _sample(
        rng, set(groups[last].grassroots) - streak_o, target["grassroots_excellent"] - len(streak_o)
    )
    last_o |= _sample(rng, set(groups[last].sub_branches), target["sub_branches_excellent"])
    gap_m = {s: rng.choice(years[:-1]) for s in last_m - streak_m}
    gap_o = {s: rng.choice(years[:-1]) for s in last_o - streak_o}
    picks = {last: (last_m, last_o)}
    for year in years[:-1]:
        pool_m = {m.pk for m in people[year] if _eligible(m, year)} - streak_m
        pool_m -= {s for s, y in gap_m.items() if y == year}
        orgs = set(groups[year].grassroots + groups[year].sub_branches)
        pool_o = orgs - streak_o - {s for s, y in gap_o.items() if y == year}
        picks[year] = (
            streak_m | _sample(rng, pool_m, int(share * len(people[year])) - len(streak_m)),
            streak_o | _sample(rng, pool_o, int(share * len(orgs)) - len(streak_o)),
        )
    return picks


def _sample(rng, pool: set, count: int) -> set:
    return set(rng.sample(sorted(pool), count))


def _exclusion(member, year: int) -> str | None:
    """Why the rules leave a member unclassified in the year (admitted under 6 months…)."""
    from tongket.domain.evaluation import Subject, exclusion_reason

    subject = Subject(id=member.pk, admitted_on=member.admitted_on)
    reason = exclusion_reason(subject, dt.date(year, 12, 31))
    return reason.value if reason else None


def _eligible(member, year: int) -> bool:
    return _exclusion(member, year) is None


def _record_year(actor, rnd, spec, groups, members, picks, exempted) -> int:
    from tongket.evaluation.services import ResultRow, results_record
    from tongket.party.models import PartyOrg

    reviewed = dt.date(rnd.year, 12, 15)
    decided = dt.date(rnd.year + 1, 1, 10)
    flags_top = {"tasks_on_time": True, "share_exceeded": "0.6"}
    flags = {"tasks_on_time": True}
    excellent_members, excellent_orgs = picks
    rows = []
    for org in PartyOrg.objects.filter(pk__in=groups.grassroots + groups.sub_branches):
        top = org.pk in excellent_orgs
        rows.append(
            ResultRow(
                level="excellent" if top else "good",
                org=org,
                flags=flags_top if top else flags,
                reviewed_on=reviewed,
                deciding_body=spec["deciding_body_orgs"],
                decision_date=decided,
            )
        )
    for m in members:
        reason = "exempted" if m.pk in exempted else _exclusion(m, rnd.year)
        if reason:
            rows.append(
                ResultRow(
                    level=None,
                    member=m,
                    unclassified=reason,
                    deciding_body=spec["deciding_body_members"],
                )
            )
            continue
        top = m.pk in excellent_members
        rows.append(
            ResultRow(
                level="excellent" if top else "good",
                member=m,
                flags=flags_top if top else flags,
                reviewed_on=reviewed,
                deciding_body=spec["deciding_body_members"],
                decision_date=decided,
            )
        )
    return results_record(actor=actor, rnd=rnd, rows=rows)


def _awards(actor, rows: list[dict], committee) -> None:
    from tongket.evaluation.models import Evaluation
    from tongket.evaluation.selectors import org_groups, streaks
    from tongket.evaluation.services import award_decide, year_end
    from tongket.party.models import Member, PartyOrg

    rng = random.Random(2025)
    for row in rows:
        year = row["year"]
        grassroots = org_groups(committee, year_end(year)).grassroots
        orgs, members = [], []
        if row.get("from_streak"):
            found = streaks(actor, committee, year, row["from_streak"])
            orgs = list(PartyOrg.objects.filter(pk__in=[pk for pk, _n in found.orgs]))
            members = list(Member.objects.filter(pk__in=[r[0] for r in found.members]))
        elif row.get("excellent_grassroots"):
            top = sorted(
                Evaluation.objects.filter(
                    year=year, org_id__in=grassroots, level="excellent"
                ).values_list("org_id", flat=True)
            )
            orgs = list(
                PartyOrg.objects.filter(pk__in=rng.sample(top, row["excellent_grassroots"]))
            )
        else:
            orgs = list(
                PartyOrg.objects.filter(pk__in=rng.sample(sorted(grassroots), row["grassroots"]))
            )
        award_decide(
            actor=actor,
            committee=committee,
            category_code=row["category"],
            year=year,
            number=row["number"],
            decided_on=row["decided_on"],
            orgs=orgs,
            members=members,
            issuing_body=row.get("issuing_body", ""),
        )
