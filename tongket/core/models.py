"""The change log: one row per write, and per read of a member's personal data."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ChangeLog(models.Model):
    """An audit row written by a service in the same transaction as the change it records.

    The user's name is copied so that the row still says who acted after the account is gone;
    the scope paths are copied so that admins of a scope can list the history of their scope
    without joining to objects that may have been deleted.
    """

    class Action(models.TextChoices):
        CREATE = "create", _("Tạo mới")
        UPDATE = "update", _("Cập nhật")
        DELETE = "delete", _("Xóa")
        READ = "read", _("Xem dữ liệu cá nhân")
        LIST = "list", _("Xem danh sách")
        EXPORT = "export", _("Xuất dữ liệu")
        LOGIN = "login", _("Đăng nhập")
        LOGOUT = "logout", _("Đăng xuất")
        LOGIN_FAILED = "login_failed", _("Đăng nhập sai")
        PASSWORD = "password", _("Đổi mật khẩu")

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user_name = models.CharField(max_length=150)
    operation_id = models.CharField(max_length=64, db_index=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=300, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    purpose = models.CharField(max_length=200, blank=True)
    scope_org_path = models.CharField(max_length=255, blank=True, db_index=True)
    scope_unit_path = models.CharField(max_length=255, blank=True, db_index=True)

    # restrict() reads these to keep each admin inside their own scope.
    scope_fields = {"org": "scope_org_path", "unit": "scope_unit_path"}

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            # The latest write, without walking past the read events logged after it: the data
            # revision that keys the report cache (tongket/reports/cache.py).
            models.Index(
                fields=["id"],
                condition=models.Q(action__in=["create", "update", "delete"]),
                name="core_changelog_writes",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_name} {self.action} {self.object_repr}"


class TreeRevision(models.Model):
    """A revision token per tree ("units", "orgs"), changed by every service that changes
    versions.

    Snapshots of a tree on a day are cached per process and reused while the counter stands
    still, so that "members of X on D" does not rebuild the whole tree on every request.
    """

    name = models.CharField(max_length=20, primary_key=True)
    revision = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}@{self.revision}"
