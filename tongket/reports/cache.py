"""A cache of computed review figures, keyed so that it can never serve a stale figure.

The figures of a ward committee take about a second to count (five years of evaluation
streaks); a JSON report at 64 clients needs them in a few milliseconds (issue 7). An entry is
keyed by:

- the organization, the period, the kind of result (figures, report document), today's date
  (a running period is counted up to today) and the active language (labels are translated);
- the requesting user's scope: a digest of the grants the actor holds (role, scope path,
  dates) and whether they are a superuser, so two users see the same entry only when the
  rules give them the same rights; the permission check still runs on every request;
- the data revision (`data_revision()`): it changes on every committed write.

Why the data revision is sound. Every write goes through a service that adds a ChangeLog row
with action create/update/delete in the same transaction (tongket/core/audit.py; the tree
revisions of tongket/core/revisions.py are bumped only by services that also record a change,
and the generators and a restore write a "create"/"update" row too). Read events (list, read,
export, login…) change no figure and are left out, or every report download would invalidate
the cache through its own export event. The revision is the id and time of the latest such
row, read *before* the figures are counted: an entry can then hold figures newer than its key,
never older.

- SQLite has one writer at a time (transactions begin IMMEDIATE), so ids are handed out in
  commit order: a write committed after the revision was read has a larger id. The ids are
  AUTOINCREMENT (never reused after a delete); the time guards against a rolled-back id being
  handed out again, or a restore bringing back an older history under the same id.
- PostgreSQL hands out ids when a row is inserted, not when it commits: a transaction holding
  id 101 may commit after the one holding 102. So the revision also carries the transactions
  in progress when it is read (`pg_current_snapshot()`, in the same statement): a write with a
  smaller id that commits later was in progress then (it had its id, and so a transaction id,
  before the latest row was inserted) and is gone from the list afterwards. Between writes the
  list is empty and the key stands still. The revision is read on the database the figures are
  read from (the replica inside `reading_replica()`), so a lagging replica is keyed by what it
  has replayed.

Django's cache framework, LocMemCache (config/settings.py): one cache per gunicorn worker. That
is enough because the key carries the revision: a worker never needs to hear about another's
write, it sees the new revision in the database. A shared cache (Redis, memcached) would only
save each worker's first computation.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.core.cache import caches
from django.db import connections, router
from django.utils import timezone
from django.utils.translation import get_language

from tongket.core.actor import Actor
from tongket.core.models import ChangeLog
from tongket.core.permissions import require
from tongket.party.models import PartyOrg

CACHE = "reports"
TIMEOUT = 6 * 3600  # an entry that is not asked for again is dropped; the key decides freshness
# The latest write. The actions are written into the SQL as constants, as in the partial index
# core_changelog_writes: SQLite uses a partial index only when the query's condition is
# literally the index's (with bound parameters it walks back through every read event logged
# since the last write: one per member list shown).
LATEST = (
    f"SELECT id, at FROM {ChangeLog._meta.db_table} "  # noqa: S608 (constants, no input)
    "WHERE action IN ('create', 'update', 'delete') ORDER BY id DESC LIMIT 1"
)


def scope_digest(actor: Actor) -> str:
    """What decides what the actor may see, as a short digest: their grants and superuser."""
    grants = sorted(
        (
            g.role.value if hasattr(g.role, "value") else g.role,
            g.kind,
            g.path,
            g.valid_from,
            g.valid_to,
        )
        for g in actor.grants
    )
    return hashlib.sha256(repr((actor.system, grants)).encode()).hexdigest()[:24]


def data_revision(alias: str) -> str:
    """A token that changes with every committed write (module docstring: why it is sound)."""
    with connections[alias].cursor() as cursor:
        cursor.execute(LATEST)
        latest = cursor.fetchone()
        token = f"{latest[0]}@{latest[1]}" if latest else "0"
        if connections[alias].vendor == "postgresql":
            # The latest id again and the transactions in progress, in one statement (one
            # snapshot): a write committed between the two statements changes the id here.
            cursor.execute(
                f"SELECT ({LATEST.replace('id, at', 'id')}), "
                "array(SELECT x::text FROM pg_snapshot_xip(pg_current_snapshot()) x ORDER BY 1)"
            )
            again, xip = cursor.fetchone()
            token += f":{again or 0}/{','.join(xip)}"
    return token


def cached(kind: str, actor: Actor, org: PartyOrg, period: str, build: Callable):
    """`build()` for (kind, org, period) as this actor may see it, reused until a write.

    The actor's right to view the organization is checked here on every request, hit or miss.
    """
    require(actor, "view", org.scope_target())
    return remember(("report", kind, str(org.pk), period, scope_digest(actor)), build)


def remember(parts: tuple[str, ...], build: Callable):
    """`build()` under `parts` plus today's date, the language and the data revision.

    `parts` must name everything else the value depends on (the actor's scope when it
    depends on the grants). The revision is read before `build()` runs (module docstring).
    """
    revision = data_revision(router.db_for_read(PartyOrg))
    key = ":".join(
        (
            "tongket",
            *parts,
            timezone.localdate().isoformat(),
            get_language() or "",
            hashlib.sha256(revision.encode()).hexdigest()[:24],
        )
    )
    cache = caches[CACHE]
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, TIMEOUT)
    return value
