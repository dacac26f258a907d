"""Edited versions of a review report.

The generated narrative is a draft; the office edits it before issuing. Each save is a new
version: the paragraphs of the edited sections with `{key}` placeholders where figures stand
(keys of `tongket.reports.facts.facts_of`), so an edited report still prints the figures of the
records, recomputed when it is rendered, and a figure can never be typed into it by hand.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tongket.domain.permissions import Target as ScopeTarget
from tongket.party.models import PartyOrg


class ReportDraft(models.Model):
    """One saved version of the office's edits to the report of an organization for a period."""

    org = models.ForeignKey(PartyOrg, on_delete=models.PROTECT, related_name="report_drafts")
    period = models.CharField(_("kỳ"), max_length=10)
    version = models.PositiveIntegerField(_("phiên bản"))
    number = models.PositiveIntegerField(_("số văn bản"), null=True, blank=True)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    # {section key: [paragraph source with {key} placeholders, ...]}; sections not named keep
    # the generated text.
    sections = models.JSONField(_("nội dung"), default=dict)
    note = models.CharField(_("ghi chú"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by_name = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_fields = {"org": "org__path", "unit": "org__unit__path"}

    class Meta:
        ordering = ["org_id", "period", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "period", "version"], name="report_draft_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.org.code} {self.period} v{self.version}"

    def scope_target(self) -> ScopeTarget:
        return self.org.scope_target()
