"""Who may do what where: grants are roles over a subtree, checked by one pure function.

A grant gives a role within the subtree of a party organization or of an administrative unit,
for a span of dates. Trees are addressed by materialized paths ("/1/5/17/"): a target lies in a
grant's scope when its path starts with the grant's path. A target may carry both an
organization path and a unit path (an organization is attached to a unit), so that the staff of
a ward, granted on the ward, see the party organizations attached to it too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import IntEnum


class Role(IntEnum):
    """Roles are ordered: each one can do everything the ones below it can."""

    VIEWER = 1
    EDITOR = 2
    APPROVER = 3
    ADMIN = 4


# The least role each action needs.
ACTION_ROLE: dict[str, Role] = {
    "view": Role.VIEWER,
    "edit": Role.EDITOR,
    "approve": Role.APPROVER,
    "audit": Role.ADMIN,  # read the change log of a scope
    "export_personal": Role.ADMIN,  # bulk export of members' personal data
    "read_sensitive": Role.ADMIN,  # national ID and other fields only admins see
    "grant": Role.ADMIN,  # give or take grants inside the scope
}


@dataclass(frozen=True)
class GrantScope:
    """One grant as the rules see it: role, the path of its scope root, and its dates."""

    role: Role
    kind: str  # "org" or "unit"
    path: str
    valid_from: date | None = None
    valid_to: date | None = None

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    def covers(self, target: Target) -> bool:
        path = target.org_path if self.kind == "org" else target.unit_path
        return bool(path) and path.startswith(self.path)


@dataclass(frozen=True)
class Target:
    """What an action touches, located in the organization tree and/or the unit tree."""

    org_path: str = ""
    unit_path: str = ""


def role_for(action: str) -> Role:
    try:
        return ACTION_ROLE[action]
    except KeyError:
        raise ValueError(f"unknown action {action!r}") from None  # a programming error


def usable_grants(grants: list[GrantScope], action: str, day: date) -> list[GrantScope]:
    """The grants valid on `day` whose role is enough for `action`."""
    need = role_for(action)
    return [g for g in grants if g.role >= need and g.valid_on(day)]


def allowed(grants: list[GrantScope], action: str, target: Target, day: date) -> bool:
    """True when one grant valid on `day` has the role for `action` over `target`."""
    return any(g.covers(target) for g in usable_grants(grants, action, day))


def topmost(paths: dict[int, str]) -> list[int]:
    """The keys whose path lies under no other path of `paths`, in path order: the roots of a
    user's visible trees. Each path's ancestors are its own prefixes ("/1/5/17/" has "/1/" and
    "/1/5/"), so this is linear in the paths × their depth, not quadratic in the paths: a
    city-wide user sees 30,000 organizations on every page's switcher."""
    present = set(paths.values())

    def under_another(path: str) -> bool:
        parts = path.strip("/").split("/")
        return any("/" + "/".join(parts[:i]) + "/" in present for i in range(1, len(parts)))

    return [
        key for key, path in sorted(paths.items(), key=lambda kv: kv[1]) if not under_another(path)
    ]
