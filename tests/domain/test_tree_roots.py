"""topmost(): the roots of the trees a user sees, from materialized paths alone."""

import pytest

from tongket.domain.permissions import topmost


@pytest.mark.parametrize(
    ("paths", "roots"),
    [
        # One grant over a subtree: its root alone, whatever lies under it.
        ({5: "/1/5/", 17: "/1/5/17/", 18: "/1/5/17/18/"}, [5]),
        # Two sibling subtrees (two grants): both roots, in path order.
        ({9: "/1/9/", 5: "/1/5/", 90: "/1/9/90/"}, [5, 9]),
        # A prefix of the text that is not an ancestor ("/1/5/" is not above "/1/50/").
        ({5: "/1/5/", 50: "/1/50/"}, [5, 50]),
        # A node whose parent is not visible, under a visible grandparent, is not a root.
        ({1: "/1/", 17: "/1/5/17/"}, [1]),
        ({}, []),
    ],
)
def test_topmost(paths, roots):
    assert topmost(paths) == roots


def test_topmost_is_linear_for_a_city():
    """30,000 organizations under one root: the old pairwise check did 900 million tests."""
    wards = {w: f"/1/{w}/" for w in range(2, 302)}
    orgs = {n: f"{wards[2 + n % 300]}{n}/" for n in range(1_000, 31_000)}
    assert topmost({1: "/1/"} | wards | orgs) == [1]
    assert topmost(wards | orgs) == sorted(wards, key=wards.get)  # path order
