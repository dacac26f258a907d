"""Accounts: a user, the grants that scope what they see, and their API tokens."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tongket.domain.permissions import Role


class User(AbstractUser):
    """A person who signs in. What they may see and do comes only from their grants."""

    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    language = models.CharField(
        _("ngôn ngữ"), max_length=8, choices=settings.LANGUAGES, default="vi"
    )

    def __str__(self) -> str:
        return self.full_name or self.username


class Grant(models.Model):
    """A role given to a user within the subtree of one organization or one unit, for dates."""

    class RoleChoice(models.IntegerChoices):
        VIEWER = Role.VIEWER, _("Xem")
        EDITOR = Role.EDITOR, _("Nhập liệu")
        APPROVER = Role.APPROVER, _("Phê duyệt")
        ADMIN = Role.ADMIN, _("Quản trị")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="grants")
    role = models.PositiveSmallIntegerField(_("vai trò"), choices=RoleChoice.choices)
    org = models.ForeignKey(
        "party.PartyOrg", null=True, blank=True, on_delete=models.CASCADE, related_name="grants"
    )
    unit = models.ForeignKey(
        "registry.AdminUnit", null=True, blank=True, on_delete=models.CASCADE, related_name="grants"
    )
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_fields = {"org": "org__path", "unit": "unit__path"}

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="grant_exactly_one_scope",
                condition=(Q(org__isnull=False, unit__isnull=True))
                | (Q(org__isnull=True, unit__isnull=False)),
            ),
            models.CheckConstraint(
                name="grant_dates_ordered",
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_from__lte=models.F("valid_to")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.org or self.unit}"

    @property
    def scope(self):
        return self.org or self.unit

    def scope_target(self):
        return self.scope.scope_target()


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 digest is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("tên"), max_length=100)
    prefix = models.CharField(max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("hết hạn"), null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
