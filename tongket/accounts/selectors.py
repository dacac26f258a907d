"""Reads about accounts: a user's grants as the permission rules see them, token lookup."""

from __future__ import annotations

import hashlib

from django.utils import timezone

from tongket.accounts.models import ApiToken, Grant, User
from tongket.core.actor import Actor
from tongket.core.permissions import restrict
from tongket.domain.permissions import GrantScope, Role


def grant_scopes_for(user: User) -> list[GrantScope]:
    """The user's grants with the paths of their scope roots (one query)."""
    rows = Grant.objects.filter(user=user).select_related("org", "unit")
    return [
        GrantScope(
            role=Role(g.role),
            kind="org" if g.org_id else "unit",
            path=g.org.path if g.org_id else g.unit.path,
            valid_from=g.valid_from,
            valid_to=g.valid_to,
        )
        for g in rows
    ]


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
