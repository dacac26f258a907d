"""The sizes a synthetic data set can be generated at.

Issue 7's `tongket synth --scale ward|city|national --seed N` reads this table; the benchmarks
use "city" (the size issue 3 and issue 4 set their speed targets on), shrunk for trial runs.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Scale:
    """How big a synthetic party organization is.

    One top committee with `wards` ward committees under it (under `provinces` province
    committees in between when there are any, 0 = no such level); `grassroots` grassroots
    organizations spread over the wards (a `committee_share` of them grassroots committees,
    the rest grassroots branches); `sub_branches` under the grassroots committees (at least
    one each); `members` spread over the branches; `moved` grassroots organizations that
    change ward on 1/1/2024.
    """

    name: str
    wards: int
    grassroots: int
    sub_branches: int
    members: int
    committee_share: float = 0.4
    transfer_share: float = 0.02
    moved: int = 0
    provinces: int = 0

    @property
    def committees(self) -> int:
        return round(self.grassroots * self.committee_share)

    @property
    def orgs(self) -> int:
        return 1 + self.provinces + self.wards + self.grassroots + self.sub_branches

    def times(self, factor: float) -> Scale:
        """The same shape with `factor` times the organizations and members (the wards and
        the moves stay: they are the structure the benchmarks time)."""
        if factor == 1:
            return self
        return replace(
            self,
            name=f"{self.name}×{factor:g}",
            grassroots=round(self.grassroots * factor),
            sub_branches=round(self.sub_branches * factor),
            members=round(self.members * factor),
        )


SCALES: dict[str, Scale] = {
    # One ward committee (Đảng bộ phường) after the 2025 reform.
    "ward": Scale("ward", wards=1, grassroots=40, sub_branches=150, members=3_000),
    # A city of 168 ward committees and 500,000 members: the benchmarks' size (issues 3, 4).
    "city": Scale(
        "city", wards=168, grassroots=5_000, sub_branches=25_000, members=500_000, moved=12
    ),
    # The country after 1/7/2025: 34 provinces, 3,321 communes and wards (Ho Chi Minh City
    # 168), about 55,000 grassroots organizations and 5.9 million members.
    "national": Scale(
        "national",
        provinces=34,
        wards=3_321,
        grassroots=55_000,
        sub_branches=270_000,
        members=5_900_000,
        moved=200,
    ),
}
