"""Report and analytics reads on the read replica; everything else on the primary.

With TONGKET_REPLICA_URL set, the settings add a "replica" database (a PostgreSQL hot standby
streaming from the primary) and install PrimaryReplicaRouter. A read goes to the replica only
when the code says it is a report or analytics read, by running inside `reading_replica()`
(the report entry points and the analytics selectors are decorated with it): the router never
guesses from the model, because the same tables serve edits, whose reads must see the latest
commit. Even inside `reading_replica()` these stay on the primary:

- every write (and its audit row: an export event, a member-record read log);
- reads inside a transaction on the primary: a service checking a rule before it writes (an
  award decision checks the streaks) must see its own writes and the latest commits;
- accounts, sessions, login throttling and the audit log: a revoked grant or a locked login
  takes effect at once, not after the replication lag;
- report drafts: the text an office has just edited is the text it downloads.

Raw SQL must pick its connection the same way: `read_connection(Model)`.
"""

from __future__ import annotations

import contextlib
import logging
import time
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, router

REPLICA = "replica"
# Apps (or app.model labels) whose reads never leave the primary, whatever the context.
PRIMARY_ONLY = frozenset(
    {
        "accounts",
        "auth",
        "sessions",
        "axes",
        "contenttypes",
        "core.changelog",
        "reports.reportdraft",
    }
)

# None outside a report; inside one, the alias its reads may use: REPLICA, or the primary
# when the replica did not answer.
_replica_reads: ContextVar[str | None] = ContextVar("tongket_replica_reads", default=None)
RETRY_AFTER = 30.0  # seconds before trying an unreachable replica again
_replica_down_since: float | None = None
log = logging.getLogger(__name__)


@contextlib.contextmanager
def reading_replica():
    """Marks the reads inside as report/analytics reads, which the router serves from the
    replica. Usable as `with reading_replica():` and as the decorator `@reading_replica()`;
    a context variable, so each thread and each asyncio task has its own. When the replica
    does not answer, the report reads from the primary instead of failing (and says so in
    the log); a nested block keeps the outer block's choice."""
    current = _replica_reads.get()
    token = _replica_reads.set(current or (REPLICA if _replica_usable() else DEFAULT_DB_ALIAS))
    try:
        yield
    finally:
        _replica_reads.reset(token)


def in_replica_context() -> bool:
    """Whether the code runs inside reading_replica() (whichever database then serves it)."""
    return _replica_reads.get() is not None


def _replica_usable() -> bool:
    """A replica is configured and answers; after a failure, not tried again for RETRY_AFTER
    seconds, so that reports do not each wait for a connection timeout."""
    global _replica_down_since
    if not replica_configured():
        return False
    if _replica_down_since is not None and time.monotonic() - _replica_down_since < RETRY_AFTER:
        return False
    try:
        connections[REPLICA].ensure_connection()
    except DatabaseError as error:
        _replica_down_since = time.monotonic()
        log.warning("read replica unreachable, reports read from the primary: %s", error)
        return False
    _replica_down_since = None
    return True


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def choose_read_db(
    label: str, *, replica_context: bool, replica_exists: bool, primary_in_transaction: bool
) -> str:
    """The alias a read of the model `label` ("app.model") goes to: pure, so that every rule
    above is tested without a database."""
    app = label.split(".", 1)[0]
    if (
        replica_context
        and replica_exists
        and not primary_in_transaction
        and app not in PRIMARY_ONLY
        and label not in PRIMARY_ONLY
    ):
        return REPLICA
    return DEFAULT_DB_ALIAS


class PrimaryReplicaRouter:
    """Django database router (settings.DATABASE_ROUTERS) for the primary and its replica."""

    def db_for_read(self, model, **hints) -> str:
        return choose_read_db(
            model._meta.label_lower,
            replica_context=_replica_reads.get() == REPLICA,
            replica_exists=replica_configured(),
            primary_in_transaction=connections[DEFAULT_DB_ALIAS].in_atomic_block,
        )

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        # The replica is a copy of the primary: an object read from one may point at the other's.
        pair = {DEFAULT_DB_ALIAS, REPLICA}
        return True if {obj1._state.db, obj2._state.db} <= pair else None

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        # The replica replays the primary's WAL, schema included; it is never migrated itself.
        return db == DEFAULT_DB_ALIAS


def read_connection(model):
    """The connection a raw SQL read about `model` should use (the router's choice)."""
    return connections[router.db_for_read(model)]


class RoutedConnection:
    """Stands in for `django.db.connection` in a module of raw SQL reads about `model`: each
    use goes to the connection the router picks at that moment (the replica inside
    `reading_replica()`, the primary otherwise), so `connection.cursor()` keeps working."""

    def __init__(self, model):
        self._model = model

    def __getattr__(self, name):
        return getattr(read_connection(self._model), name)
