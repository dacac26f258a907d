"""Per-process caches of tree snapshots, invalidated by the tree's revision counter."""

from __future__ import annotations

import secrets
from collections import OrderedDict
from collections.abc import Callable
from datetime import date

from tongket.core.models import TreeRevision

CACHE_SIZE = 64  # days kept per tree; reports ask for a handful of period ends
_cache: dict[str, OrderedDict] = {}


def bump(name: str) -> None:
    """Marks the tree as changed (call inside the writing service's transaction).

    The new revision is random, not the next number: a transaction that rolls back must not
    leave behind a cached snapshot under a number that a later commit would reuse.
    """
    token = secrets.randbits(62)
    if not TreeRevision.objects.filter(name=name).update(revision=token):
        TreeRevision.objects.update_or_create(name=name, defaults={"revision": token})


def current(name: str) -> int:
    return TreeRevision.objects.filter(name=name).values_list("revision", flat=True).first() or 0


def cached(name: str, day: date, build: Callable):
    """`build()` for (tree, day), reused until the tree's revision changes."""
    key = (day, current(name))
    store = _cache.setdefault(name, OrderedDict())
    if key in store:
        store.move_to_end(key)
        return store[key]
    value = store[key] = build()
    while len(store) > CACHE_SIZE:
        store.popitem(last=False)
    return value
