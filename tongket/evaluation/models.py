"""Evaluation rounds, results, discipline, quota exceptions, awards and party badges."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tongket.domain.permissions import Target
from tongket.party.models import Member, PartyOrg

LEVELS = [
    ("excellent", _("Hoàn thành xuất sắc nhiệm vụ")),
    ("good", _("Hoàn thành tốt nhiệm vụ")),
    ("completed", _("Hoàn thành nhiệm vụ")),
    ("not_completed", _("Không hoàn thành nhiệm vụ")),
]
UNCLASSIFIED = [
    ("exempted", _("Miễn công tác và sinh hoạt")),
    ("suspended", _("Đình chỉ sinh hoạt")),
    ("admitted_under_6_months", _("Kết nạp chưa đủ 6 tháng")),
    ("org_under_6_months", _("Tổ chức thành lập chưa đủ 6 tháng")),
]


class EvaluationRound(models.Model):
    """The evaluation of one committee's organizations and members for a year (or a quarter,
    where the year's rule evaluates leaders quarterly), under one rule version."""

    committee = models.ForeignKey(PartyOrg, on_delete=models.PROTECT, related_name="rounds")
    year = models.PositiveSmallIntegerField(_("năm"))
    quarter = models.PositiveSmallIntegerField(_("quý"), null=True, blank=True)
    rule_version = models.CharField(_("quy định áp dụng"), max_length=20)
    override_note = models.CharField(_("lý do áp dụng quy định khác"), max_length=300, blank=True)
    plan = models.TextField(_("kế hoạch"), blank=True)
    submit_by = models.DateField(_("hạn gửi kết quả"), null=True, blank=True)
    approve_by = models.DateField(_("hạn phê duyệt"), null=True, blank=True)
    quota = models.JSONField(_("tỷ lệ hoàn thành xuất sắc"), default=dict)
    locked = models.BooleanField(default=False)

    scope_fields = {"org": "committee__path", "unit": "committee__unit__path"}

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "year", "quarter"], name="round_once", nulls_distinct=False
            )
        ]

    def __str__(self) -> str:
        part = f" quý {self.quarter}" if self.quarter else ""
        return f"{self.committee.name} — năm {self.year}{part}"

    def scope_target(self) -> Target:
        return self.committee.scope_target()


class RoundState(models.Model):
    """Where one organization's results stand in the round: draft → submitted → approved →
    locked. Reopening needs a reason."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        SUBMITTED = "submitted", _("Đã gửi")
        APPROVED = "approved", _("Đã phê duyệt")
        LOCKED = "locked", _("Đã khóa")

    round = models.ForeignKey(EvaluationRound, on_delete=models.CASCADE, related_name="states")
    org = models.ForeignKey(PartyOrg, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    changed_at = models.DateTimeField(auto_now=True)
    reopen_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "org"], name="state_once")]

    def __str__(self) -> str:
        return f"{self.org} {self.status}"

    def scope_target(self) -> Target:
        return self.org.scope_target()


class Evaluation(models.Model):
    """One result: an organization's or a member's level (or "not classified" with a reason)
    for the round's year, with the flags its rule needs and the decision that set it.

    `archived` results come from the archive as they were decided: rule findings on them are
    warnings, never refusals.
    """

    round = models.ForeignKey(EvaluationRound, on_delete=models.CASCADE, related_name="results")
    year = models.PositiveSmallIntegerField(db_index=True)
    org = models.ForeignKey(
        PartyOrg, null=True, blank=True, on_delete=models.PROTECT, related_name="evaluations"
    )
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.PROTECT, related_name="evaluations"
    )
    # The organization the result belongs to in the tree: the subject itself for an
    # organization, the member's branch at the end of the year for a member.
    unit_org = models.ForeignKey(PartyOrg, on_delete=models.PROTECT, related_name="+")
    level = models.CharField(_("xếp loại"), max_length=15, choices=LEVELS, blank=True)
    unclassified = models.CharField(
        _("lý do không xếp loại"), max_length=30, choices=UNCLASSIFIED, blank=True
    )
    score = models.DecimalField(_("điểm"), max_digits=5, decimal_places=2, null=True, blank=True)
    flags = models.JSONField(default=dict, blank=True)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    deciding_body = models.CharField(_("cấp quyết định"), max_length=200)
    decision_number = models.CharField(_("số quyết định"), max_length=60, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    rule_version = models.CharField(_("quy định áp dụng"), max_length=20)
    # The day of the review (kiểm điểm): no final level without one (§9 item 13).
    reviewed_on = models.DateField(_("ngày kiểm điểm"), null=True, blank=True)
    archived = models.BooleanField(default=False)

    scope_fields = {"org": "unit_org__path", "unit": "unit_org__unit__path"}

    class Meta:
        # Tallies and streaks read a subject's results of a year (member or organization
        # first) or the excellent results of some years (year and level first); the member,
        # the level and the round (annual or quarterly) are in the index, so that the table
        # itself is not read (bench/bench_evaluation.py).
        indexes = [
            models.Index(fields=["year", "level", "member", "round"], name="eval_year_level_mbr"),
            models.Index(fields=["member", "year", "level", "round"], name="eval_mbr_year_level"),
            models.Index(fields=["org", "year", "level", "round"], name="eval_org_year_level"),
            models.Index(fields=["unit_org", "year"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="evaluation_one_subject",
                condition=Q(org__isnull=False, member__isnull=True)
                | Q(org__isnull=True, member__isnull=False),
            ),
            models.CheckConstraint(
                name="evaluation_level_or_reason",
                condition=(~Q(level="") & Q(unclassified="")) | (Q(level="") & ~Q(unclassified="")),
            ),
            models.UniqueConstraint(fields=["round", "org"], name="evaluation_org_once"),
            models.UniqueConstraint(fields=["round", "member"], name="evaluation_member_once"),
        ]

    def __str__(self) -> str:
        return f"{self.member or self.org} {self.year}: {self.level or self.unclassified}"

    def scope_target(self) -> Target:
        return self.unit_org.scope_target()


class Discipline(models.Model):
    """A discipline decision (khiển trách or above): it rates its year "not completed" once."""

    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.CASCADE, related_name="disciplines"
    )
    org = models.ForeignKey(
        PartyOrg, null=True, blank=True, on_delete=models.CASCADE, related_name="disciplines"
    )
    form = models.CharField(_("hình thức"), max_length=60)
    number = models.CharField(_("số quyết định"), max_length=60, blank=True)
    decided_on = models.DateField(_("ngày quyết định"))
    self_discovered = models.BooleanField(_("tự phát hiện, khắc phục"), default=False)

    def __str__(self) -> str:
        return f"{self.form} {self.decided_on}"

    def scope_target(self) -> Target:
        return (self.member or self.org).scope_target()


class QuotaException(models.Model):
    """A decision of the competent level that lets a group exceed the excellence quota."""

    round = models.ForeignKey(EvaluationRound, on_delete=models.CASCADE, related_name="exceptions")
    group = models.CharField(_("nhóm"), max_length=120)
    number = models.CharField(_("số quyết định"), max_length=60)
    decided_on = models.DateField(_("ngày quyết định"))
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)

    def __str__(self) -> str:
        return f"{self.number} ({self.group})"

    def scope_target(self) -> Target:
        return self.round.scope_target()


class AwardCategory(models.Model):
    """A kind of commendation: excellent in the year, exemplary, 5 years running, fields."""

    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=200)

    def __str__(self) -> str:
        return self.name


class AwardDecision(models.Model):
    """A commendation decision of an issuing body, for one category and year."""

    category = models.ForeignKey(AwardCategory, on_delete=models.PROTECT, related_name="decisions")
    year = models.PositiveSmallIntegerField(_("năm"))
    number = models.CharField(_("số quyết định"), max_length=60)
    decided_on = models.DateField(_("ngày quyết định"))
    issuing_body = models.CharField(_("cơ quan ban hành"), max_length=200)
    committee = models.ForeignKey(PartyOrg, on_delete=models.PROTECT, related_name="+")

    scope_fields = {"org": "committee__path", "unit": "committee__unit__path"}

    def __str__(self) -> str:
        return f"{self.number} — {self.category}"

    def scope_target(self) -> Target:
        return self.committee.scope_target()


class AwardRecipient(models.Model):
    """An organization or a member named in an award decision."""

    decision = models.ForeignKey(AwardDecision, on_delete=models.CASCADE, related_name="recipients")
    org = models.ForeignKey(
        PartyOrg, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="recipient_one_subject",
                condition=Q(org__isnull=False, member__isnull=True)
                | Q(org__isnull=True, member__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return str(self.org or self.member)


class BadgeAward(models.Model):
    """A party badge awarded to a member for a milestone of party age; one per milestone."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="badges")
    milestone = models.PositiveSmallIntegerField(_("số năm tuổi Đảng"))
    awarded_on = models.DateField(_("ngày trao"))
    early = models.BooleanField(_("trao sớm"), default=False)
    posthumous = models.BooleanField(_("truy tặng"), default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "milestone"], name="badge_once")]

    def __str__(self) -> str:
        return f"{self.member} — {self.milestone} năm"

    def scope_target(self) -> Target:
        return self.member.scope_target()
