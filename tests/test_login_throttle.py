"""Login throttling (django-axes): after AXES_FAILURE_LIMIT failed logins for one user name from
one address the pair is locked with a Vietnamese message, for existing and unknown user names
alike; a successful login resets the count; the lock ends after the cool-off.

The API has no password login (scripts use personal tokens created from a signed-in session),
so the web form is the only place a password is tried."""

from __future__ import annotations

import re

import pytest
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client, override_settings

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
LOCKED = "Đăng nhập sai quá nhiều lần"


def attempt(client: Client, username: str, password: str = "sai-mat-khau"):
    return client.post("/login/", {"username": username, "password": password})


def fail_times(client: Client, username: str, times: int) -> list:
    return [attempt(client, username) for _ in range(times)]


def text_of(response) -> str:
    """The page without what differs from one request to the next (the CSRF tokens)."""
    return re.sub(r"[A-Za-z0-9]{32,}", "CSRF", response.content.decode())


def age_attempts(by) -> None:
    """Moves the recorded failures back in time, as if `by` had passed (instead of sleeping)."""
    for row in AccessAttempt.objects.all():
        row.attempt_time -= by
        row.save(update_fields=["attempt_time"])


def test_the_limit_locks_the_account_with_a_vietnamese_message(client, cast):
    limit = settings.AXES_FAILURE_LIMIT
    before = fail_times(client, "alice", limit - 1)
    assert all(r.status_code == 200 and LOCKED not in r.content.decode() for r in before)
    locked = attempt(client, "alice")
    assert locked.status_code == 429
    assert LOCKED in locked.content.decode() and "15 phút" in locked.content.decode()
    # Once locked, even the right password is refused, and nobody is signed in.
    right = attempt(client, "alice", PASSWORD)
    assert right.status_code == 429 and LOCKED in right.content.decode()
    assert "_auth_user_id" not in client.session


@override_settings(AXES_FAILURE_LIMIT=3)
def test_the_limit_is_a_setting(client, cast):
    assert [r.status_code for r in fail_times(client, "alice", 3)] == [200, 200, 429]


def test_the_lock_does_not_reveal_whether_the_user_exists(cast):
    limit = settings.AXES_FAILURE_LIMIT
    known, unknown = Client(), Client()
    known_pages = fail_times(known, "alice", limit + 1)
    unknown_pages = fail_times(unknown, "khong-ton-tai", limit + 1)
    for mine, theirs in zip(known_pages, unknown_pages, strict=True):
        assert mine.status_code == theirs.status_code
        assert text_of(mine).replace("alice", "X") == text_of(theirs).replace("khong-ton-tai", "X")
    assert known_pages[-1].status_code == 429


def test_the_lock_is_per_user_name(client, cast):
    """Another user at the same address is not locked out by someone guessing alice's."""
    fail_times(client, "alice", settings.AXES_FAILURE_LIMIT)
    response = attempt(Client(), "bob", PASSWORD)
    assert response.status_code == 302


def test_a_successful_login_resets_the_count(client, cast):
    limit = settings.AXES_FAILURE_LIMIT
    fail_times(client, "alice", limit - 1)
    assert attempt(client, "alice", PASSWORD).status_code == 302
    client.logout()
    assert not AccessAttempt.objects.filter(username="alice").exists()
    # A full run of failures less one again is allowed, and the right password still works.
    assert all(r.status_code == 200 for r in fail_times(client, "alice", limit - 1))
    assert attempt(client, "alice", PASSWORD).status_code == 302


def test_the_lock_ends_after_the_cool_off(client, cast):
    cool_off = get_cool_off()
    assert cool_off.total_seconds() == 15 * 60  # the "15 phút" the message promises
    fail_times(client, "alice", settings.AXES_FAILURE_LIMIT)
    age_attempts(cool_off * 0.9)
    assert attempt(client, "alice", PASSWORD).status_code == 429  # not yet
    # Trying during the lock starts the cool-off again (axes' default): a full one from now.
    age_attempts(cool_off * 0.9)
    assert attempt(client, "alice", PASSWORD).status_code == 429
    age_attempts(cool_off * 1.01)
    response = attempt(client, "alice", PASSWORD)
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(cast.alice.pk)


@override_settings(AXES_COOLOFF_TIME=0.5)
def test_the_cool_off_is_a_setting(cast):
    first, second = Client(), Client()
    fail_times(first, "alice", settings.AXES_FAILURE_LIMIT)
    fail_times(second, "bob", settings.AXES_FAILURE_LIMIT)
    age_attempts(get_cool_off() * 0.6)  # 18 minutes: past the usual 15, short of these 30
    assert attempt(first, "alice", PASSWORD).status_code == 429
    age_attempts(get_cool_off() * 0.5)  # 33 minutes for bob, who has not tried since
    assert attempt(second, "bob", PASSWORD).status_code == 302
