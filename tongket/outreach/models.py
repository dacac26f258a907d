"""Mass mobilization: programmes, the activities carried out under them, the projects they
accompany, and the citizens' cases followed until resolved.

Everything belongs to the party organization that carries it out: grants on that organization
(or on its unit) cover it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tongket.domain.permissions import Target
from tongket.party.models import PartyOrg, Position

ORG_SCOPE = {"org": "org__path", "unit": "org__unit__path"}


class Programme(models.Model):
    """A mobilization programme or movement: "Mỗi tuần một khu phố", "Dân vận khéo"."""

    org = models.ForeignKey(PartyOrg, on_delete=models.PROTECT, related_name="programmes")
    code = models.CharField(_("mã"), max_length=40)
    name = models.CharField(_("tên"), max_length=200)
    started_on = models.DateField(_("bắt đầu từ"), null=True, blank=True)
    description = models.TextField(_("mô tả"), blank=True)

    scope_fields = ORG_SCOPE

    class Meta:
        ordering = ["org_id", "code"]
        constraints = [models.UniqueConstraint(fields=["org", "code"], name="programme_once")]

    def __str__(self) -> str:
        return self.name

    def scope_target(self) -> Target:
        return self.org.scope_target()


class Project(models.Model):
    """A public project mobilization work accompanies (the Xuyên Tâm canal, a road widening),
    with the units it touches."""

    org = models.ForeignKey(PartyOrg, on_delete=models.PROTECT, related_name="projects")
    code = models.CharField(_("mã"), max_length=40)
    name = models.CharField(_("tên dự án"), max_length=300)
    units = models.ManyToManyField("registry.AdminUnit", blank=True, related_name="+")
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)

    scope_fields = ORG_SCOPE

    class Meta:
        ordering = ["org_id", "code"]
        constraints = [models.UniqueConstraint(fields=["org", "code"], name="project_once")]

    def __str__(self) -> str:
        return self.name

    def scope_target(self) -> Target:
        return self.org.scope_target()


class Activity(models.Model):
    """One piece of mobilization work on a day: a visit, a meeting with residents, or support
    (scholarships, house repairs, livelihood means, loans), with the units it touched, the
    leaders present (their positions on that day) and what it reached."""

    class Kind(models.TextChoices):
        VISIT = "visit", _("Thăm, làm việc")
        RESIDENTS_MEETING = "residents_meeting", _("Tiếp xúc, đối thoại với Nhân dân")
        SCHOLARSHIP = "scholarship", _("Trao học bổng")
        HOUSE_REPAIR = "house_repair", _("Sửa chữa, xây nhà")
        LIVELIHOOD = "livelihood", _("Trao phương tiện sinh kế")
        LOAN = "loan", _("Hỗ trợ vay vốn")

    org = models.ForeignKey(PartyOrg, on_delete=models.PROTECT, related_name="activities")
    programme = models.ForeignKey(
        Programme, null=True, blank=True, on_delete=models.PROTECT, related_name="activities"
    )
    kind = models.CharField(_("hình thức"), max_length=20, choices=Kind.choices)
    held_on = models.DateField(_("ngày"), db_index=True)
    title = models.CharField(_("nội dung"), max_length=300, blank=True)
    # Which body of the organization went ("Thường trực Quận ủy"), when a body rather than
    # named persons is what the review counts (F19).
    body = models.CharField(_("cơ quan thực hiện"), max_length=20, blank=True)
    units = models.ManyToManyField("registry.AdminUnit", related_name="+")
    leaders = models.ManyToManyField(Position, blank=True, related_name="+")
    projects = models.ManyToManyField(Project, blank=True, related_name="activities")
    households = models.PositiveIntegerField(_("số hộ"), null=True, blank=True)
    people = models.PositiveIntegerField(_("số người"), null=True, blank=True)
    items = models.PositiveIntegerField(_("số suất, căn, phương tiện"), null=True, blank=True)
    amount = models.DecimalField(
        _("số tiền (đồng)"), max_digits=18, decimal_places=0, null=True, blank=True
    )
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)

    scope_fields = ORG_SCOPE

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("hoạt động dân vận")

    def __str__(self) -> str:
        return f"{self.held_on:%d/%m/%Y} {self.get_kind_display()} {self.title}".strip()

    def scope_target(self) -> Target:
        return self.org.scope_target()


class Case(models.Model):
    """A citizens' petition or a pending case (kiến nghị, vụ việc tồn đọng), followed from the
    day it was received to the day it was resolved."""

    class Kind(models.TextChoices):
        PETITION = "petition", _("Kiến nghị, phản ánh")
        PENDING = "pending", _("Vụ việc tồn đọng")

    class Status(models.TextChoices):
        OPEN = "open", _("Đang giải quyết")
        RESOLVED = "resolved", _("Đã giải quyết")

    org = models.ForeignKey(PartyOrg, on_delete=models.PROTECT, related_name="cases")
    unit = models.ForeignKey(
        "registry.AdminUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("nội dung"), max_length=300)
    opened_on = models.DateField(_("ngày tiếp nhận"))
    resolved_on = models.DateField(_("ngày giải quyết xong"), null=True, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)

    scope_fields = ORG_SCOPE

    class Meta:
        ordering = ["opened_on", "id"]
        constraints = [
            models.CheckConstraint(
                name="case_resolved_after_opened",
                condition=models.Q(resolved_on__isnull=True)
                | models.Q(resolved_on__gte=models.F("opened_on")),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def scope_target(self) -> Target:
        return self.org.scope_target()
