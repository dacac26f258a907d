"""restrict() with the byte range SQLite can answer from the path index: the same rows as the
plain prefix test, on both databases, and no neighbour whose path merely begins alike."""

import pytest

from tongket.core.actor import Actor
from tongket.core.models import ChangeLog
from tongket.core.permissions import restrict
from tongket.domain.permissions import GrantScope, Role

PATHS = ["/1/", "/1/4/", "/1/5/", "/1/5/7/", "/1/5/7/9/", "/1/50/", "/1/5a/", "/1/6/", "/2/5/"]


def _actor(*grants: tuple[str, str]) -> Actor:
    scopes = tuple(GrantScope(Role.ADMIN, kind, path) for kind, path in grants)
    return Actor(user=None, name="t", operation_id="t", grants=scopes)


@pytest.fixture
def rows(db):
    for i, path in enumerate(PATHS):
        ChangeLog.objects.create(
            user_name="t",
            operation_id="t",
            action="update",
            object_type="x",
            object_id=str(i),
            scope_org_path=path,
            scope_unit_path=path.replace("/1/", "/8/", 1),
        )


def _seen(actor: Actor) -> list[str]:
    rows = restrict(ChangeLog.objects.all(), actor, "audit")
    return sorted(rows.values_list("scope_org_path", flat=True))


@pytest.mark.parametrize(
    ("grants", "expected"),
    [
        # "/1/50/" and "/1/5a/" start with the text "/1/5" but lie outside "/1/5/".
        ([("org", "/1/5/")], ["/1/5/", "/1/5/7/", "/1/5/7/9/"]),
        ([("org", "/1/5/7/9/")], ["/1/5/7/9/"]),
        ([("org", "/1/4/"), ("org", "/1/6/")], ["/1/4/", "/1/6/"]),
        # A unit grant reads the unit path ("/8/5/…" here), alone or beside an org grant.
        ([("unit", "/8/50/")], ["/1/50/"]),
        ([("unit", "/8/5/"), ("org", "/2/")], ["/1/5/", "/1/5/7/", "/1/5/7/9/", "/2/5/"]),
        ([], []),
    ],
)
def test_restrict_takes_exactly_the_subtree(rows, grants, expected):
    assert _seen(_actor(*grants)) == expected
