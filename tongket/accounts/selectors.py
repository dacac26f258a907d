"""Reads about accounts: a user's grants as the permission rules see them, token lookup."""

from __future__ import annotations

import hashlib

from django.utils import timezone

from tongket.accounts.models import ApiToken, Grant, User
from tongket.core.actor import Actor
from tongket.core.permissions import restrict
from tongket.domain.permissions import GrantScope, Role


def grant_scopes_for(user: User) -> list[GrantScope]:
    """The user's grants with the paths of their scope roots (one query).

    A grant over an organization also covers the area the organization is attached to (its
    unit and the units under it, with the same role): the office of a ward committee keeps the
    ward's neighbourhoods too.
    """
    scopes = []
    for g in Grant.objects.filter(user=user).select_related("org__unit", "unit"):
        dates = {"role": Role(g.role), "valid_from": g.valid_from, "valid_to": g.valid_to}
        if g.unit_id:
            scopes.append(GrantScope(kind="unit", path=g.unit.path, **dates))
            continue
        scopes.append(GrantScope(kind="org", path=g.org.path, **dates))
        if g.org.unit_id:
            scopes.append(GrantScope(kind="unit", path=g.org.unit.path, **dates))
    return scopes


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def user_for_token(raw: str) -> User | None:
    """The active user owning a live token, or None for unknown, revoked or expired tokens."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None or (token.expires_at and token.expires_at <= timezone.now()):
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


def tokens_of(user: User) -> list[ApiToken]:
    return list(ApiToken.objects.filter(user=user))


def grants_visible(actor: Actor):
    """Grants inside the scopes the actor administers (for the grants page and API)."""
    return restrict(Grant.objects.select_related("user", "org", "unit"), actor, "grant")
