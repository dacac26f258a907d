"""allowed(grants, action, target, day): the permission rule as a table."""

from datetime import date

import pytest

from tongket.domain.permissions import ACTION_ROLE, GrantScope, Role, Target, allowed

DAY = date(2025, 6, 1)
A = "/1/2/"  # organization A under the city /1/
A_CHILD = "/1/2/7/"
B = "/1/3/"
W1 = "/10/11/"  # a ward unit


def g(role, path, kind="org", start=None, end=None):
    return GrantScope(role=role, kind=kind, path=path, valid_from=start, valid_to=end)


@pytest.mark.parametrize(
    "grants, action, target, expected",
    [
        # A grant covers its root and everything under it, never a sibling.
        ([g(Role.VIEWER, A)], "view", Target(org_path=A), True),
        ([g(Role.VIEWER, A)], "view", Target(org_path=A_CHILD), True),
        ([g(Role.VIEWER, A)], "view", Target(org_path=B), False),
        ([g(Role.VIEWER, A_CHILD)], "view", Target(org_path=A), False),  # not upwards
        # A path prefix must end at a node: /1/2/ does not cover /1/23/.
        ([g(Role.VIEWER, A)], "view", Target(org_path="/1/23/"), False),
        # Roles are ordered; each action needs its least role.
        ([g(Role.VIEWER, A)], "edit", Target(org_path=A), False),
        ([g(Role.EDITOR, A)], "edit", Target(org_path=A), True),
        ([g(Role.EDITOR, A)], "approve", Target(org_path=A), False),
        ([g(Role.APPROVER, A)], "approve", Target(org_path=A), True),
        ([g(Role.APPROVER, A)], "audit", Target(org_path=A), False),
        ([g(Role.ADMIN, A)], "audit", Target(org_path=A), True),
        ([g(Role.ADMIN, A)], "read_sensitive", Target(org_path=A_CHILD), True),
        ([g(Role.EDITOR, A)], "export_personal", Target(org_path=A), False),
        # Dates: a grant counts only on the days it is valid, both ends included.
        ([g(Role.VIEWER, A, start=date(2025, 6, 2))], "view", Target(org_path=A), False),
        ([g(Role.VIEWER, A, end=date(2025, 5, 31))], "view", Target(org_path=A), False),
        ([g(Role.VIEWER, A, start=DAY, end=DAY)], "view", Target(org_path=A), True),
        # A unit grant covers targets located in the unit tree (an organization attached there).
        ([g(Role.VIEWER, W1, "unit")], "view", Target(org_path=B, unit_path="/10/11/12/"), True),
        ([g(Role.VIEWER, W1, "unit")], "view", Target(org_path=A), False),
        ([g(Role.VIEWER, A)], "view", Target(unit_path=A), False),  # kinds do not mix
        # Several grants: any one that fits is enough; none is nothing.
        ([g(Role.VIEWER, B), g(Role.ADMIN, A)], "audit", Target(org_path=A), True),
        ([g(Role.ADMIN, B), g(Role.VIEWER, A)], "audit", Target(org_path=A), False),
        ([], "view", Target(org_path=A), False),
        # A target with no location is outside every scope.
        ([g(Role.ADMIN, "/")], "view", Target(), False),
    ],
)
def test_allowed(grants, action, target, expected):
    assert allowed(grants, action, target, DAY) is expected


def test_every_action_has_a_role_and_unknown_actions_are_a_bug():
    assert set(ACTION_ROLE.values()) <= set(Role)
    with pytest.raises(ValueError):
        allowed([g(Role.ADMIN, A)], "fly", Target(org_path=A), DAY)
