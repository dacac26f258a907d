"""An import started from the web: the uploaded file, its plan, and what applying it did."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportJob(models.Model):
    """One uploaded file going through plan → (confirm) → apply, in the background.

    Only its owner sees it. Progress while applying lives in a small file beside the upload
    (the apply transaction holds the database, and other workers must still read progress).
    """

    class Status(models.TextChoices):
        PLANNING = "planning", _("Đang kiểm tra")
        PLANNED = "planned", _("Đã kiểm tra")
        APPLYING = "applying", _("Đang nhập")
        DONE = "done", _("Đã nhập")
        FAILED = "failed", _("Không nhập được")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    kind = models.CharField(_("loại dữ liệu"), max_length=30)
    original_name = models.CharField(_("tệp"), max_length=200)
    stored_path = models.CharField(max_length=400)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNING)
    counts = models.JSONField(default=dict)
    warnings = models.JSONField(default=list)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list)  # the first rows of the error table, for the page
    errors_path = models.CharField(max_length=400, blank=True)
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.original_name} ({self.status})"

    @property
    def running(self) -> bool:
        return self.status in (self.Status.PLANNING, self.Status.APPLYING)
