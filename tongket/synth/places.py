"""Real place names for the synthetic trees: the 34 provinces and 3,321 communes and wards of
Vietnam after 1/7/2025, read from the `vietnam-provinces` package (as `units load-national`
does), and how many ward committees each province gets at a given scale.

A city-sized data set is Ho Chi Minh City with its 168 wards and communes; a national one
spreads its ward committees over the provinces in proportion to their real numbers (3,321
gives each province exactly its own).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

CITY_CODE = 79  # Ho Chi Minh City
LEVEL_WORDS = ("Thành phố", "Tỉnh", "Phường", "Xã", "Đặc khu")


@dataclass(frozen=True)
class Province:
    code: int
    name: str  # "Thành phố Hồ Chí Minh", "Tỉnh Cao Bằng"
    wards: tuple[str, ...]  # "Phường Sài Gòn", "Xã Bình Chánh", "Đặc khu Côn Đảo"


@cache
def provinces() -> tuple[Province, ...]:
    """The provinces in the order of their official codes, each with its wards in theirs."""
    import vietnam_provinces as vp

    wards: dict[int, list[tuple[int, str]]] = {}
    for w in vp.Ward.iter_all():
        wards.setdefault(int(w.province_code), []).append((int(w.code), w.name))
    return tuple(
        Province(int(p.code), p.name, tuple(name for _, name in sorted(wards[int(p.code)])))
        for p in sorted(vp.Province.iter_all(), key=lambda p: int(p.code))
    )


def city() -> Province:
    return next(p for p in provinces() if p.code == CITY_CODE)


def spread(total: int, weights: list[int]) -> list[int]:
    """`total` split in proportion to `weights`, at least one each (largest remainders)."""
    n = len(weights)
    if total < n:
        raise ValueError(f"{total} cannot give {n} parts at least one each")
    whole = sum(weights)
    shares = [max(1, total * w // whole) for w in weights]
    order = sorted(range(n), key=lambda i: (-(total * weights[i] % whole), i))
    step = 1 if sum(shares) < total else -1
    while sum(shares) != total:
        for i in order:
            if sum(shares) == total:
                break
            if step == 1 or shares[i] > 1:
                shares[i] += step
    return shares


def ward_names(province: Province, count: int) -> list[str]:
    """The province's first `count` ward names; numbered wards where it has fewer."""
    names = list(province.wards[:count])
    return names + [f"Phường {i}" for i in range(len(names) + 1, count + 1)]


def lower_level(name: str) -> str:
    """ "Phường Sài Gòn" → "phường Sài Gòn", as it is written after "Đảng bộ"; "Thành phố"
    keeps its capital (a centrally-run city is written so)."""
    for word in LEVEL_WORDS:
        if name.startswith(word + " ") and word != "Thành phố":
            return word.lower() + name[len(word) :]
    return name
