"""The organization tree and the members of a synthetic data set, written in bulk.

Deterministic: the same scale and seed give the same rows (one random.Random drives the tree
and the members, in a fixed order; the units have a stream of their own). One top committee;
province committees under it when the scale has them; the ward and commune committees (real
names: Ho Chi Minh City's for a city, each province's own for the country); grassroots
organizations spread over the wards (lognormal sizes), sub-branches under the grassroots
committees, and members each with one official membership from their admission day; a share
of them with an earlier membership elsewhere ended by a transfer; a few grassroots
organizations that move to another ward committee (of the same province) on 1/1/2024 (two
versions each). The top, the provinces and the wards are attached to the administrative units
tongket.synth.units writes. Then the "orgs" tree revision is bumped, as the services do after
a structural change.

Members are kept as arrays (`Spans`), not objects: the country has 5.9 million of them.
"""

from __future__ import annotations

import random
import time
from array import array
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import count

from tongket.synth import places
from tongket.synth.progress import Steps
from tongket.synth.scales import Scale

ORGS_FROM = date(2000, 1, 1)
MOVE_DAY = date(2024, 1, 1)
ADMITTED_FROM, ADMITTED_TO = date(1965, 1, 1), date(2026, 6, 30)
CHUNK = 50_000

# Common names, by gender; family names weighted roughly as the country's are.
FAMILY = (
    ("Nguyễn", 38),
    ("Trần", 11),
    ("Lê", 9),
    ("Phạm", 7),
    ("Hoàng", 5),
    ("Huỳnh", 5),
    ("Phan", 4),
    ("Vũ", 4),
    ("Võ", 4),
    ("Đặng", 2),
    ("Bùi", 2),
    ("Đỗ", 2),
    ("Hồ", 2),
    ("Ngô", 2),
    ("Dương", 1),
    ("Lý", 1),
    ("Trương", 1),
    ("Đinh", 1),
)
MALE_MIDDLE = "Văn Hữu Đức Minh Quốc Công Trọng Thanh Gia Xuân"
FEMALE_MIDDLE = "Thị Ngọc Thu Kim Mỹ Phương Hồng Thanh Xuân Bảo"
MALE_GIVEN = (
    "An Bảo Bình Cường Dũng Duy Đạt Hải Hiếu Hòa Hùng Huy Khang Khánh Khoa Long Minh Nam "
    "Phong Phúc Quân Quang Sơn Tâm Tân Thắng Thành Tiến Trí Trung Tú Tuấn Tùng Việt Vinh"
)
FEMALE_GIVEN = (
    "Anh Ánh Chi Giang Hà Hạnh Hằng Hương Lan Linh Mai My Nga Ngân Nhi Nhung Oanh Phương "
    "Quyên Thảo Thu Thúy Trang Tuyết Uyên Vân Vy Yến"
)
MIDDLE = {"male": MALE_MIDDLE.split(), "female": FEMALE_MIDDLE.split()}
GIVEN = {"male": MALE_GIVEN.split(), "female": FEMALE_GIVEN.split()}
# How grassroots organizations and sub-branches are named: "Chi bộ Khu phố 3".
COMMITTEE_KINDS = (
    "Khu phố",
    "Cơ quan Ủy ban nhân dân",
    "Công an",
    "Quân sự",
    "Công ty Cổ phần",
    "Bệnh viện",
    "Trường Trung học phổ thông",
)
BRANCH_KINDS = (
    "Khu phố",
    "Ấp",
    "Trường Tiểu học",
    "Trường Trung học cơ sở",
    "Trạm Y tế",
    "Hợp tác xã",
    "Công ty TNHH",
)
SUB_KINDS = ("Tổ dân phố", "Khu dân cư", "Phòng", "Tổ", "Khoa")


@dataclass(frozen=True)
class Span:
    """One member's official memberships: `home` from `since`, and, for a transferred member,
    `earlier` from the admission day to `until`."""

    member: int
    admitted: date
    home: int
    since: date
    earlier: int | None = None
    until: date | None = None

    def org_on(self, day: date) -> int | None:
        if self.since <= day:
            return self.home
        if self.earlier is not None and self.admitted <= day <= self.until:
            return self.earlier
        return None


class Spans:
    """The members' spans as arrays of day ordinals and keys (0 for none): a few bytes a
    member where Span objects would take gigabytes; reads as a sequence of Span."""

    def __init__(self):
        self.member, self.admitted, self.home = array("i"), array("i"), array("i")
        self.since, self.earlier, self.until = array("i"), array("i"), array("i")

    def append(self, s: Span) -> None:
        self.member.append(s.member)
        self.admitted.append(s.admitted.toordinal())
        self.home.append(s.home)
        self.since.append(s.since.toordinal())
        self.earlier.append(s.earlier or 0)
        self.until.append(s.until.toordinal() if s.until else 0)

    def __len__(self) -> int:
        return len(self.member)

    def __getitem__(self, i: int) -> Span:
        earlier, until = self.earlier[i], self.until[i]
        return Span(
            self.member[i],
            date.fromordinal(self.admitted[i]),
            self.home[i],
            date.fromordinal(self.since[i]),
            earlier or None,
            date.fromordinal(until) if until else None,
        )

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    @property
    def transfers(self) -> int:
        return len(self) - self.earlier.count(0)

    def orgs_on(self, day: date):
        """Each member's official organization on the day, 0 where none, in member order."""
        d = day.toordinal()
        for home, since, earlier, admitted, until in zip(
            self.home, self.since, self.earlier, self.admitted, self.until, strict=True
        ):
            if since <= d:
                yield home
            elif earlier and admitted <= d <= until:
                yield earlier
            else:
                yield 0


@dataclass
class City:
    """What was written, kept in memory for the checks and the steps that follow."""

    scale: Scale
    seed: int
    prefix: str
    top: int
    wards: list[int]
    committees: list[int]
    branches: list[int]
    subs: list[int]
    # parent[org] = [(valid_from, valid_to, parent)]; the identity's parent is the last one.
    parent: dict[int, list[tuple[date, date | None, int | None]]]
    kind: dict[int, str]
    names: dict[int, str]
    moved: list[int]
    spans: Spans = field(default_factory=Spans)
    seconds: float = 0.0
    provinces: list[int] = field(default_factory=list)
    # The administrative unit each of the top, the provinces and the wards is attached to.
    units: dict[int, int] = field(default_factory=dict)
    # Each ward committee's neighbourhoods (khu phố, ấp): [(unit id, name)].
    neighbourhoods: dict[int, list[tuple[int, str]]] = field(default_factory=dict)
    # The official code of the province of each organization (79 for Ho Chi Minh City): the
    # first two digits of its members' card numbers.
    region: dict[int, int] = field(default_factory=dict)
    # The place each of the top, the provinces and the wards stands for ("Phường Sài Gòn").
    place: dict[int, str] = field(default_factory=dict)

    @property
    def grassroots(self) -> list[int]:
        return self.committees + self.branches

    @property
    def versions(self) -> int:
        return sum(len(spans) for spans in self.parent.values())

    @property
    def memberships(self) -> int:
        return len(self.spans) + self.transfers

    @property
    def transfers(self) -> int:
        return self.spans.transfers

    def code(self, org: int) -> str:
        return f"{self.prefix}-{org:06d}"

    def parent_on(self, org: int, day: date) -> int | None:
        for start, end, above in self.parent[org]:
            if start <= day and (end is None or day <= end):
                return above
        return None

    def under(self, root: int, day: date) -> set[int]:
        """The root and every organization under it on the day, walked in memory."""
        children = defaultdict(list)
        for org, spans in self.parent.items():
            for start, end, above in spans:
                if start <= day and (end is None or day <= end):
                    children[above].append(org)
        found, todo = set(), [root]
        while todo:
            found.add(node := todo.pop())
            todo += children[node]
        return found

    def members_by_org(self, day: date) -> Counter:
        """Official memberships valid on the day, per organization."""
        found = Counter(self.spans.orgs_on(day))
        found.pop(0, None)
        return found


def _days(rng: random.Random, first: date, last: date) -> date:
    return date.fromordinal(rng.randint(first.toordinal(), last.toordinal()))


def _weights(rng: random.Random, n: int, sigma: float = 0.6) -> list[float]:
    return [rng.lognormvariate(0, sigma) for _ in range(n)]


def _ward_places(scale: Scale) -> tuple[list[places.Province], list[int], list[str]]:
    """The provinces used, how many wards each gets, and the wards' names in order."""
    if not scale.provinces:
        return [], [], places.ward_names(places.city(), scale.wards)
    chosen = list(places.provinces()[: scale.provinces])
    counts = places.spread(scale.wards, [len(p.wards) for p in chosen])
    names = [n for p, k in zip(chosen, counts, strict=True) for n in places.ward_names(p, k)]
    return chosen, counts, names


def _names(city: City, chosen, ward_names: list[str]) -> None:
    """Committees by their places; grassroots organizations and sub-branches numbered by
    kind within their ward or committee ("Chi bộ Khu phố 3")."""
    if chosen:
        city.names[city.top] = "Đảng Cộng sản Việt Nam (dữ liệu tổng hợp)"
    else:
        city.place[city.top] = places.city().name
        city.names[city.top] = f"Đảng bộ {places.city().name} (dữ liệu tổng hợp)"
    city.place |= {org: p.name for org, p in zip(city.provinces, chosen, strict=True)}
    city.place |= dict(zip(city.wards, ward_names, strict=True))
    for org in [*city.provinces, *city.wards]:
        city.names[org] = f"Đảng bộ {places.lower_level(city.place[org])}"
    seen: Counter = Counter()
    committees = set(city.committees)
    for i, org in enumerate(city.grassroots):
        kinds, word = (
            (COMMITTEE_KINDS, "Đảng bộ") if org in committees else (BRANCH_KINDS, "Chi bộ")
        )
        kind = kinds[i % len(kinds)]
        seen[(city.parent[org][0][2], kind)] += 1
        city.names[org] = f"{word} {kind} {seen[(city.parent[org][0][2], kind)]}"
    for i, org in enumerate(city.subs):
        kind = SUB_KINDS[i % len(SUB_KINDS)]
        seen[(city.parent[org][0][2], kind)] += 1
        city.names[org] = f"Chi bộ {kind} {seen[(city.parent[org][0][2], kind)]}"


def _regions(city: City, chosen, counts: list[int]) -> dict[int, int]:
    codes = [p.code for p, k in zip(chosen, counts, strict=True) for _ in range(k)]
    region = dict(zip(city.wards, codes or [places.CITY_CODE] * len(city.wards), strict=True))
    for org in city.grassroots + city.subs:  # parents come before their children
        region[org] = region[city.parent[org][0][2]]
    return region


def plan_tree(scale: Scale, rng: random.Random, prefix: str) -> City:
    """The tree, drawn but not written: identities, their dated parents, kinds and names."""
    from tongket.party.models import PartyOrg

    kinds = PartyOrg.Kind
    ids = count(1)
    top = next(ids)
    provinces = [next(ids) for _ in range(scale.provinces)]
    wards = [next(ids) for _ in range(scale.wards)]
    grassroots = [next(ids) for _ in range(scale.grassroots)]
    committees = grassroots[: scale.committees]
    branches = grassroots[len(committees) :]
    subs = [next(ids) for _ in range(scale.sub_branches)]
    chosen, counts, ward_names = _ward_places(scale)

    parent: dict[int, list[tuple[date, date | None, int | None]]] = {}
    parent[top] = [(ORGS_FROM, None, None)]
    province_of = {}
    above_wards = [p for p, k in zip(provinces, counts, strict=True) for _ in range(k)]
    for ward, above in zip(wards, above_wards or [top] * len(wards), strict=True):
        province_of[ward] = above
    for province in provinces:
        parent[province] = [(ORGS_FROM, None, top)]
    ward_weights = _weights(rng, len(wards))
    placed = rng.choices(wards, ward_weights, k=len(grassroots))
    for org, ward in zip(grassroots, placed, strict=True):
        parent[org] = [(ORGS_FROM, None, ward)]
    for ward in wards:
        parent[ward] = [(ORGS_FROM, None, province_of[ward])]
    extra = rng.choices(committees, _weights(rng, len(committees)), k=len(subs) - len(committees))
    for org, committee in zip(subs, committees + extra, strict=True):  # one each at least
        parent[org] = [(ORGS_FROM, None, committee)]
    moved = rng.sample(grassroots, scale.moved) if len(wards) > 1 else []
    siblings = defaultdict(list)  # wards of the same province: a move stays inside it
    for ward in wards:
        siblings[province_of[ward]].append(ward)
    for org in moved:
        old = parent[org][0][2]
        choices = [w for w in siblings[province_of[old]] if w != old] or [
            w for w in wards if w != old
        ]
        new = rng.choice(choices)
        parent[org] = [(ORGS_FROM, MOVE_DAY - timedelta(days=1), old), (MOVE_DAY, None, new)]

    kind = {top: kinds.PARTY_COMMITTEE.value}
    kind |= dict.fromkeys(provinces, kinds.PARTY_COMMITTEE.value)
    kind |= dict.fromkeys(wards, kinds.PARTY_COMMITTEE.value)
    kind |= dict.fromkeys(committees, kinds.GRASSROOTS_COMMITTEE.value)
    kind |= dict.fromkeys(branches, kinds.GRASSROOTS_BRANCH.value)
    kind |= dict.fromkeys(subs, kinds.SUB_BRANCH.value)
    city = City(scale, 0, prefix, top, wards, committees, branches, subs, parent, kind, {}, moved)
    city.provinces = provinces
    _names(city, chosen, ward_names)
    city.region = _regions(city, chosen, counts)
    return city


def generate_city(scale: Scale, seed: int, prefix: str = "SYN", steps: Steps | None = None):
    """Writes the units, the tree and the members in one transaction; returns the City."""
    from django.db import transaction

    from tongket.core.revisions import bump
    from tongket.party.models import Member, PartyOrg
    from tongket.synth.bulk import reset_sequences
    from tongket.synth.units import write_units

    steps = steps or Steps()
    rng = random.Random(seed)
    city = plan_tree(scale, rng, prefix)
    city.seed = seed
    started = time.perf_counter()
    with transaction.atomic():
        write_units(city, steps)
        _orgs(city, steps)
        _members(city, rng, steps)
        reset_sequences([PartyOrg, Member])  # explicit keys: move PostgreSQL's sequences on
        bump("orgs")
    city.seconds = time.perf_counter() - started
    return city


def _orgs(city: City, steps: Steps) -> None:
    """The identities (parents first, with their paths) and their dated versions."""
    from tongket.party.models import PartyOrg, PartyOrgVersion
    from tongket.synth.bulk import write_rows

    started = time.perf_counter()
    path: dict[int, str] = {}
    for org in [city.top, *city.provinces, *city.wards, *city.grassroots, *city.subs]:
        above = city.parent[org][-1][2]
        path[org] = f"{path[above] if above else '/'}{org}/"
    write_rows(
        PartyOrg,
        ("id", "code", "name", "path", "kind", "parent_id", "unit_id"),
        (
            (o, city.code(o), city.names[o], path[o], city.kind[o], city.parent[o][-1][2])
            + (city.units.get(o),)
            for o in path
        ),
    )
    versions = write_rows(
        PartyOrgVersion,
        ("org_id", "valid_from", "valid_to", "name", "kind", "parent_id", "unit_id"),
        (
            (o, start, end, city.names[o], city.kind[o], above, city.units.get(o))
            for o in path
            for start, end, above in city.parent[o]
        ),
    )
    steps.done("orgs", len(path), time.perf_counter() - started, versions=versions)


def _person(rng: random.Random, family, weights) -> tuple[str, str]:
    gender = "female" if rng.random() < 0.35 else "male"
    family_name = rng.choices(family, cum_weights=weights)[0]
    return gender, f"{family_name} {rng.choice(MIDDLE[gender])} {rng.choice(GIVEN[gender])}"


def _members(city: City, rng: random.Random, steps: Steps) -> None:
    """Members and their memberships, streamed in chunks; their spans are kept on `city`."""
    from tongket.party.models import Member, Membership
    from tongket.synth.bulk import write_rows

    started = time.perf_counter()
    leaves = city.branches + city.subs
    leaf_weights = _weights(rng, len(leaves))
    family = [f for f, _ in FAMILY]
    cum, total_weight = [], 0
    for _, w in FAMILY:
        total_weight += w
        cum.append(total_weight)
    total = city.scale.members
    people_cols = (
        "id",
        "card_number",
        "full_name",
        "name_folded",
        "name_sort",
        "birth_date",
        "gender",
        "org_id",
        "admitted_on",
        "decided_on",
        "confirmed_on",
        "national_id",
        "status",
    )
    membership_cols = ("member_id", "org_id", "kind", "valid_from", "valid_to", "note")
    names: dict[str, tuple[str, str]] = {}
    with steps.bar("members", total) as bar:
        for first in range(1, total + 1, CHUNK):
            n = min(CHUNK, total + 1 - first)
            homes = rng.choices(leaves, leaf_weights, k=n)
            people, rows = [], []
            for pk, home in zip(range(first, first + n), homes, strict=True):
                person, span = _member(city, rng, pk, home, leaves, (family, cum), names)
                people.append(person)
                if span.earlier is not None:
                    rows.append(
                        (pk, span.earlier, "official", span.admitted, span.until)
                        + ("chuyển sinh hoạt",)
                    )
                rows.append((pk, home, "official", span.since, None, ""))
                city.spans.append(span)
            write_rows(Member, people_cols, people)
            write_rows(Membership, membership_cols, rows)
            bar.update(n)
    steps.done(
        "members",
        total,
        time.perf_counter() - started,
        memberships=city.memberships,
        transfers=city.transfers,
    )


def _member(city: City, rng: random.Random, pk: int, home: int, leaves, family, names):
    """One member's row and span (with an earlier membership elsewhere for a transfer)."""
    from tongket.domain.text import fold, vi_sort_string

    gender, full_name = _person(rng, *family)
    if full_name not in names:
        names[full_name] = (fold(full_name), vi_sort_string(full_name))
    admitted = _days(rng, ADMITTED_FROM, ADMITTED_TO)
    person = (
        pk,
        f"{city.region[home]:02d}{pk:08d}",
        full_name,
        *names[full_name],
        admitted - timedelta(days=rng.randint(18 * 365, 40 * 365)),
        gender,
        home,
        admitted,
        admitted - timedelta(days=rng.randint(0, 30)),
        admitted + timedelta(days=365),
        "",
        "active",
    )
    span = Span(pk, admitted, home, admitted)
    if rng.random() < city.scale.transfer_share:  # an earlier membership elsewhere
        since = admitted + timedelta(days=rng.randint(1, 20 * 365))
        since = min(since, ADMITTED_TO + timedelta(days=120))
        earlier = rng.choice(leaves)
        while earlier == home:
            earlier = rng.choice(leaves)
        span = Span(pk, admitted, home, since, earlier, since - timedelta(days=1))
    return person, span
