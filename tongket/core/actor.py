"""The acting user, their grants and the operation they act in, passed to every service."""

from __future__ import annotations

import getpass
import uuid
from dataclasses import dataclass, field

from django.utils import timezone

from tongket.domain.permissions import GrantScope, Target, allowed, usable_grants


@dataclass(frozen=True)
class Actor:
    """Who is acting. `system` actors (CLI set-up, demo builder) are allowed everything.

    `grants` is loaded once per request or CLI run so that permission checks cost no queries.
    """

    user: object | None
    name: str
    operation_id: str
    grants: tuple[GrantScope, ...] = field(default_factory=tuple)
    system: bool = False

    @classmethod
    def for_user(cls, user, operation_id: str) -> Actor:
        from tongket.accounts.selectors import grant_scopes_for

        return cls(
            user=user,
            name=user.get_username(),
            operation_id=operation_id,
            grants=tuple(grant_scopes_for(user)),
            system=bool(user.is_superuser),
        )

    @classmethod
    def cli(cls, label: str = "cli") -> Actor:
        """The operator at the server's shell: they own the database file anyway."""
        return cls(
            user=None,
            name=f"{label}:{getpass.getuser()}",
            operation_id=f"cli-{uuid.uuid4().hex[:16]}",
            system=True,
        )

    @property
    def is_authenticated(self) -> bool:
        return self.system or self.user is not None

    def can(self, action: str, target: Target) -> bool:
        return self.system or allowed(list(self.grants), action, target, timezone.localdate())

    def usable(self, action: str) -> list[GrantScope]:
        return usable_grants(list(self.grants), action, timezone.localdate())
