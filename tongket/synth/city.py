"""The organization tree and the members of a synthetic city, written with bulk inserts.

Deterministic: the same scale and seed give the same rows (one random.Random drives it all,
in a fixed order). One top committee, the ward committees under it, grassroots organizations
spread over the wards (lognormal sizes), sub-branches under the grassroots committees, and
members each with one official membership from their admission day; a share of them with an
earlier membership elsewhere ended by a transfer; a few grassroots organizations that move
from one ward committee to another on 1/1/2024 (two versions each). Then the "orgs" tree
revision is bumped, as the services do after a structural change.
"""

from __future__ import annotations

import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from tongket.synth.scales import Scale

ORGS_FROM = date(2000, 1, 1)
MOVE_DAY = date(2024, 1, 1)
ADMITTED_FROM, ADMITTED_TO = date(1965, 1, 1), date(2026, 6, 30)
CHUNK = 50_000
BATCH = 2_000

FAMILY = "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý"
MIDDLE = "Văn Thị Hữu Đức Minh Ngọc Thanh Quốc Xuân Thu Kim Gia"
GIVEN = (
    "An Anh Ánh Bảo Bình Chi Cường Dũng Duy Đạt Giang Hà Hải Hạnh Hiếu Hòa Hùng Hương Huy "
    "Khang Khánh Khoa Lan Linh Long Mai Minh My Nam Nga Ngân Nhi Nhung Phong Phúc Phương "
    "Quân Quang Quyên Sơn Tâm Tân Thảo Thắng Thành Thu Thúy Tiến Trang Trí Trung Tú Tuấn "
    "Tùng Uyên Vân Việt Vy Yến"
)


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


@dataclass
class City:
    """What was written, kept in memory for the checks and the evaluations that follow."""

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
    spans: list[Span] = field(default_factory=list)
    seconds: float = 0.0

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
        return sum(1 for s in self.spans if s.earlier is not None)

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
        return Counter(org for s in self.spans if (org := s.org_on(day)) is not None)


def _days(rng: random.Random, first: date, last: date) -> date:
    return date.fromordinal(rng.randint(first.toordinal(), last.toordinal()))


def _weights(rng: random.Random, n: int, sigma: float = 0.6) -> list[float]:
    return [rng.lognormvariate(0, sigma) for _ in range(n)]


def plan_tree(scale: Scale, rng: random.Random, prefix: str) -> City:
    """The tree, drawn but not written: identities, their dated parents, kinds and names."""
    from tongket.party.models import PartyOrg

    kinds = PartyOrg.Kind
    ids = iter(range(1, 10**9))
    top = next(ids)
    wards = [next(ids) for _ in range(scale.wards)]
    grassroots = [next(ids) for _ in range(scale.grassroots)]
    committees = grassroots[: scale.committees]
    branches = grassroots[len(committees) :]
    subs = [next(ids) for _ in range(scale.sub_branches)]

    parent: dict[int, list[tuple[date, date | None, int | None]]] = {}
    parent[top] = [(ORGS_FROM, None, None)]
    ward_weights = _weights(rng, len(wards))
    placed = rng.choices(wards, ward_weights, k=len(grassroots))
    for org, ward in zip(grassroots, placed, strict=True):
        parent[org] = [(ORGS_FROM, None, ward)]
    for ward in wards:
        parent[ward] = [(ORGS_FROM, None, top)]
    extra = rng.choices(committees, _weights(rng, len(committees)), k=len(subs) - len(committees))
    for org, committee in zip(subs, committees + extra, strict=True):  # one each at least
        parent[org] = [(ORGS_FROM, None, committee)]
    moved = rng.sample(grassroots, scale.moved) if len(wards) > 1 else []
    for org in moved:
        old = parent[org][0][2]
        new = rng.choice([w for w in wards if w != old])
        parent[org] = [(ORGS_FROM, MOVE_DAY - timedelta(days=1), old), (MOVE_DAY, None, new)]

    kind = {top: kinds.PARTY_COMMITTEE.value}
    kind |= dict.fromkeys(wards, kinds.PARTY_COMMITTEE.value)
    kind |= dict.fromkeys(committees, kinds.GRASSROOTS_COMMITTEE.value)
    kind |= dict.fromkeys(branches, kinds.GRASSROOTS_BRANCH.value)
    kind |= dict.fromkeys(subs, kinds.SUB_BRANCH.value)
    names = {top: "Đảng bộ Thành phố (dữ liệu tổng hợp)"}
    names |= {w: f"Đảng bộ Phường {i}" for i, w in enumerate(wards, start=1)}
    names |= {o: f"Đảng bộ cơ sở số {i}" for i, o in enumerate(committees, start=1)}
    names |= {o: f"Chi bộ cơ sở số {i}" for i, o in enumerate(branches, start=1)}
    names |= {o: f"Chi bộ Khu phố {i}" for i, o in enumerate(subs, start=1)}
    return City(
        scale, 0, prefix, top, wards, committees, branches, subs, parent, kind, names, moved
    )


def generate_city(scale: Scale, seed: int, prefix: str = "SYN") -> City:
    """Writes the tree and the members in one transaction; returns what it wrote."""
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from tongket.core.revisions import bump
    from tongket.party.models import PartyOrg, PartyOrgVersion

    rng = random.Random(seed)
    city = plan_tree(scale, rng, prefix)
    city.seed = seed
    path: dict[int, str] = {}
    for org in [city.top, *city.wards, *city.grassroots, *city.subs]:  # parents first
        above = city.parent[org][-1][2]
        path[org] = f"{path[above] if above else '/'}{org}/"
    started = time.perf_counter()
    with transaction.atomic():
        PartyOrg.objects.bulk_create(
            (
                PartyOrg(
                    pk=org,
                    code=city.code(org),
                    name=city.names[org],
                    path=path[org],
                    kind=city.kind[org],
                    parent_id=city.parent[org][-1][2],
                )
                for org in path
            ),
            batch_size=BATCH,
        )
        PartyOrgVersion.objects.bulk_create(
            (
                PartyOrgVersion(
                    org_id=org,
                    valid_from=start,
                    valid_to=end,
                    name=city.names[org],
                    kind=city.kind[org],
                    parent_id=above,
                )
                for org in path
                for start, end, above in city.parent[org]
            ),
            batch_size=BATCH,
        )
        _members(city, rng)
        with connection.cursor() as cursor:  # explicit keys: move PostgreSQL's sequences on
            from tongket.party.models import Member

            for sql in connection.ops.sequence_reset_sql(no_style(), [PartyOrg, Member]):
                cursor.execute(sql)
        bump("orgs")
    city.seconds = time.perf_counter() - started
    return city


def _members(city: City, rng: random.Random) -> None:
    """Members and their memberships, written in chunks; their spans are kept on `city`."""
    from tongket.domain.text import fold, vi_sort_string
    from tongket.party.models import Member, Membership

    family, middle, given = FAMILY.split(), MIDDLE.split(), GIVEN.split()
    leaves = city.branches + city.subs
    leaf_weights = _weights(rng, len(leaves))
    names: dict[str, tuple[str, str]] = {}
    total = city.scale.members
    for first in range(1, total + 1, CHUNK):
        people, rows = [], []
        count = min(CHUNK, total + 1 - first)
        homes = rng.choices(leaves, leaf_weights, k=count)
        for pk, home in zip(range(first, first + count), homes, strict=True):
            full_name = f"{rng.choice(family)} {rng.choice(middle)} {rng.choice(given)}"
            if full_name not in names:
                names[full_name] = (fold(full_name), vi_sort_string(full_name))
            admitted = _days(rng, ADMITTED_FROM, ADMITTED_TO)
            people.append(
                Member(
                    pk=pk,
                    card_number=f"79{pk:08d}",
                    full_name=full_name,
                    name_folded=names[full_name][0],
                    name_sort=names[full_name][1],
                    birth_date=admitted - timedelta(days=rng.randint(18 * 365, 40 * 365)),
                    gender=rng.choice(("male", "female")),
                    org_id=home,
                    admitted_on=admitted,
                    decided_on=admitted - timedelta(days=rng.randint(0, 30)),
                    confirmed_on=admitted + timedelta(days=365),
                )
            )
            span = Span(pk, admitted, home, admitted)
            if rng.random() < city.scale.transfer_share:  # an earlier membership elsewhere
                since = admitted + timedelta(days=rng.randint(1, 20 * 365))
                since = min(since, ADMITTED_TO + timedelta(days=120))
                earlier = rng.choice(leaves)
                while earlier == home:
                    earlier = rng.choice(leaves)
                end = since - timedelta(days=1)
                rows.append(
                    Membership(
                        member_id=pk,
                        org_id=earlier,
                        valid_from=admitted,
                        valid_to=end,
                        note="chuyển sinh hoạt",
                    )
                )
                span = Span(pk, admitted, home, since, earlier, end)
            rows.append(Membership(member_id=pk, org_id=home, valid_from=span.since))
            city.spans.append(span)
        Member.objects.bulk_create(people, batch_size=BATCH)
        Membership.objects.bulk_create(rows, batch_size=BATCH)
