"""Writes about accounts. Each one checks the actor's rights and writes an audit row."""

from __future__ import annotations

import secrets
from datetime import date, datetime

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongket.accounts.models import ApiToken, Grant, User
from tongket.accounts.selectors import token_digest
from tongket.core.actor import Actor
from tongket.core.audit import record_change, snapshot
from tongket.core.errors import PermissionDeniedError
from tongket.core.permissions import require
from tongket.domain.errors import DomainError
from tongket.domain.permissions import Role

USER_FIELDS = ["username", "full_name", "email", "is_active", "is_superuser", "language"]
GRANT_FIELDS = ["user_id", "role", "org_id", "unit_id", "valid_from", "valid_to"]


def _check_password(password: str, user: User | None = None) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError("password.weak", " ".join(exc.messages)) from None


@transaction.atomic
def user_create(
    *, actor: Actor, username: str, password: str, full_name: str = "", superuser: bool = False
) -> User:
    """Creates an account. Only the system (the CLI operator) or a superuser may do it."""
    if not actor.system:
        raise PermissionDeniedError()
    username = username.strip()
    if not username:
        raise DomainError("user.invalid", _("Tên đăng nhập không được để trống."))
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError("user.exists", _("Tên đăng nhập %(name)s đã có.") % {"name": username})
    user = User(username=username, full_name=full_name, is_superuser=superuser)
    _check_password(password, user)
    user.set_password(password)
    user.save()
    record_change(actor, "create", user, after=snapshot(user, USER_FIELDS))
    return user


@transaction.atomic
def grant_create(
    *,
    actor: Actor,
    user: User,
    role: Role,
    scope,
    valid_from: date | None = None,
    valid_to: date | None = None,
) -> Grant:
    """Gives `user` the role over the subtree of `scope` (a PartyOrg or an AdminUnit).

    An admin can only give grants inside their own scope, and never a role above their own.
    """
    require(actor, "grant", scope.scope_target())
    if valid_from and valid_to and valid_to < valid_from:
        raise DomainError("grant.dates", _("Ngày hết hiệu lực đứng trước ngày bắt đầu."))
    is_org = scope._meta.model_name == "partyorg"
    grant = Grant.objects.create(
        user=user,
        role=int(role),
        org=scope if is_org else None,
        unit=None if is_org else scope,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    record_change(actor, "create", grant, after=snapshot(grant, GRANT_FIELDS))
    return grant


@transaction.atomic
def grant_revoke(*, actor: Actor, grant: Grant) -> None:
    require(actor, "grant", grant.scope_target())
    before = snapshot(grant, GRANT_FIELDS)
    record_change(actor, "delete", grant, before=before)
    grant.delete()


@transaction.atomic
def password_change(*, actor: Actor, user: User, old: str, new: str) -> None:
    """Changes the actor's own password after checking the old one."""
    if actor.user is None or actor.user.pk != user.pk:
        raise PermissionDeniedError()
    if not user.check_password(old):
        raise DomainError("password.wrong", _("Mật khẩu hiện tại không đúng."))
    _check_password(new, user)
    user.set_password(new)
    user.save(update_fields=["password"])
    record_change(actor, "password", user)


@transaction.atomic
def token_create(
    *, actor: Actor, user: User, name: str, expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """A new API token for the actor's own account. The raw token is returned only here."""
    if actor.user is None or actor.user.pk != user.pk:
        raise PermissionDeniedError()
    name = name.strip()
    if not name:
        raise DomainError("token.invalid", _("Hãy đặt tên cho khóa API."))
    if expires_at and expires_at <= timezone.now():
        raise DomainError("token.invalid", _("Ngày hết hạn phải ở tương lai."))
    raw = "tk_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name[:100], prefix=raw[:10], digest=token_digest(raw), expires_at=expires_at
    )
    record_change(actor, "create", token, after={"name": token.name, "prefix": token.prefix})
    return token, raw


@transaction.atomic
def token_revoke(*, actor: Actor, token: ApiToken) -> None:
    if actor.user is None or actor.user.pk != token.user_id:
        raise PermissionDeniedError()
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_change(actor, "update", token, after={"revoked_at": str(token.revoked_at)})
