"""The replica check's own process (run by tests/test_replica.py): Django set up on a primary
(TONGKET_DATABASE_URL) and its streaming replica (TONGKET_REPLICA_URL), independent of the
database the test suite runs on.

It migrates the primary, writes through the services, reads the review figures through the
router and prints what it saw as one JSON object; the test makes the assertions. Every count
it prints is read from the databases, none is typed in here.

    python -m tests.replica_probe
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
from contextlib import contextmanager

import django

REPLAY_TIMEOUT = 20  # seconds for the replica to replay the primary's latest WAL


class QueryLog:
    """Every statement each database alias ran while active (Django's execute_wrapper)."""

    def __init__(self):
        self.by_alias: dict[str, list[str]] = {"default": [], "replica": []}

    @contextmanager
    def recording(self):
        from django.db import connections

        with (
            connections["default"].execute_wrapper(self._wrapper("default")),
            connections["replica"].execute_wrapper(self._wrapper("replica")),
        ):
            yield self

    def _wrapper(self, alias):
        def wrapper(execute, sql, params, many, context):
            self.by_alias[alias].append(sql)
            return execute(sql, params, many, context)

        return wrapper


def scalar(alias: str, sql: str, params=()):
    from django.db import connections

    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def wait_replayed() -> float:
    """Waits until the replica has replayed the primary's current WAL position; the wait."""
    target = scalar("default", "SELECT pg_current_wal_lsn()::text")
    start = time.monotonic()
    while not scalar("replica", "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target]):
        if time.monotonic() - start > REPLAY_TIMEOUT:
            raise SystemExit(f"the replica did not replay {target} in {REPLAY_TIMEOUT} s")
        time.sleep(0.05)
    return round(time.monotonic() - start, 3)


def pause_replay() -> None:
    """Pauses the replica's replay, and waits until it is paused (not only requested)."""
    scalar("replica", "SELECT pg_wal_replay_pause()::text")
    start = time.monotonic()
    while scalar("replica", "SELECT pg_get_wal_replay_pause_state()") != "paused":
        if time.monotonic() - start > REPLAY_TIMEOUT:
            raise SystemExit(f"the replica's replay did not pause in {REPLAY_TIMEOUT} s")
        time.sleep(0.05)


def build_cast(actor):
    """A city, one ward, a committee and a grassroots branch, through the services."""
    from tongket.party.services import org_create
    from tongket.registry.services import unit_create

    city = unit_create(actor=actor, code="HCM", name="Thành phố Hồ Chí Minh", level="province")
    ward = unit_create(actor=actor, code="W1", name="Phường An", level="ward", parent=city)
    committee = org_create(
        actor=actor, code="DB-W1", name="Đảng bộ phường An", kind="party_committee", unit=ward
    )
    branch = org_create(
        actor=actor,
        code="CB-W1",
        name="Chi bộ Khu phố 1",
        kind="grassroots_branch",
        parent=committee,
    )
    return committee, branch


def add_members(actor, branch, first: int, count: int) -> list:
    from tongket.party.services import member_create

    return [
        member_create(
            actor=actor,
            org=branch,
            card_number=f"R-{n:04d}",
            full_name=f"Nguyễn Văn Thử {n}",
            gender="male",
            birth_date=dt.date(1980, 1, 1),
            admitted_on=dt.date(2010, 3, 2),
            confirmed_on=dt.date(2011, 3, 2),
        )
        for n in range(first, first + count)
    ]


def primary_count(actor, committee) -> int:
    """The members the primary holds for the review's last day, read outside any report."""
    from tongket.party.selectors import members_on

    return members_on(actor, committee, dt.date(2024, 12, 31)).using("default").count()


def figures_through_router(actor, committee) -> tuple[int, QueryLog]:
    from tongket.reports.figures import review_figures

    with QueryLog().recording() as log:
        figures = review_figures(actor, committee, "2024")
    return figures.members.at_end, log


def export_and_read_log(actor, committee, member) -> dict:
    """A JSON export and a member-record read, both inside report context: their audit rows
    must land on the primary."""
    from tongket.core.models import ChangeLog
    from tongket.core.routers import reading_replica
    from tongket.party.selectors import member_get
    from tongket.reports.exports import report_file

    rows = ChangeLog.objects.using("default")
    before = {a: rows.filter(action=a).count() for a in ("export", "read")}
    with QueryLog().recording() as log:
        exported = report_file(actor, committee, "2024", "json")
        with reading_replica():
            member_get(actor, member.pk, purpose="kiểm tra bản sao")
    inserts = {
        alias: sum(sql.lstrip().upper().startswith("INSERT") for sql in sqls)
        for alias, sqls in log.by_alias.items()
    }
    return {
        "export_rows_added": rows.filter(action="export").count() - before["export"],
        "read_rows_added": rows.filter(action="read").count() - before["read"],
        "inserts": inserts,
        "export_members": json.loads(exported.data)["members"]["at_end"],
    }


def write_on_replica(member) -> dict:
    """A write sent straight to the replica: PostgreSQL must refuse it."""
    from django.db import DatabaseError

    from tongket.party.models import Member

    try:
        Member.objects.using("replica").filter(pk=member.pk).update(full_name="Không được ghi")
    except DatabaseError as error:
        return {"refused": True, "error": str(error).splitlines()[0]}
    return {"refused": False, "error": ""}


def replica_gone(actor, committee) -> dict:
    """The replica's address now leads nowhere: the report must still come, from the primary."""
    import socket

    from django.db import connections

    with socket.socket() as s:  # a loopback port nobody listens on
        s.bind(("127.0.0.1", 0))
        dead = s.getsockname()[1]
    connections["replica"].close()
    connections["replica"].settings_dict["PORT"] = dead
    count, log = figures_through_router(actor, committee)
    return {"figures": count, "queries": {alias: len(sqls) for alias, sqls in log.by_alias.items()}}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.core.management import call_command

    from tongket.core.actor import Actor
    from tongket.core.routers import reading_replica

    started = time.monotonic()
    call_command("migrate", verbosity=0, interactive=False)
    migrated = time.monotonic() - started
    actor = Actor.cli("replica-probe")
    committee, branch = build_cast(actor)
    members = add_members(actor, branch, 1, 3)
    out: dict = {"migrate_seconds": round(migrated, 1)}
    out["in_recovery"] = {
        alias: scalar(alias, "SELECT pg_is_in_recovery()") for alias in ("default", "replica")
    }
    out["first_wait"] = wait_replayed()
    out["first"] = {"primary": primary_count(actor, committee)}
    out["first"]["figures"], log = figures_through_router(actor, committee)
    out["first"]["queries"] = {alias: len(sqls) for alias, sqls in log.by_alias.items()}
    out["first"]["replica_read_memberships"] = any(
        "party_membership" in sql for sql in log.by_alias["replica"]
    )

    # Replay paused: a write on the primary is not in the report until the replica catches up.
    pause_replay()
    with reading_replica():  # a write inside report context still goes to the primary
        members += add_members(actor, branch, 4, 2)
    out["paused"] = {"primary": primary_count(actor, committee)}
    out["paused"]["figures"], _log = figures_through_router(actor, committee)
    scalar("replica", "SELECT pg_wal_replay_resume()::text")
    out["resumed_wait"] = wait_replayed()
    out["resumed"] = {"primary": primary_count(actor, committee)}
    out["resumed"]["figures"], _log = figures_through_router(actor, committee)

    out["audit"] = export_and_read_log(actor, committee, members[0])
    out["replica_write"] = write_on_replica(members[0])
    out["replica_gone"] = replica_gone(actor, committee)
    json.dump(out, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
