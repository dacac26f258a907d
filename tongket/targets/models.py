"""Indicators, the targets set for them and the actuals reported against them.

Stored values are figures only (a plan of 3.018 enterprises, an estimate of 222.551 tỷ đồng);
every share, growth rate and verdict is computed by tongket.domain.indicators when read.
Revisions of a target or an actual keep the earlier value in the change log (before/after),
which the targets page shows as the figure's history.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tongket.core.locking import version_field
from tongket.domain.indicators import Direction, Rule, TargetKind
from tongket.domain.permissions import Target as ScopeTarget

DIRECTIONS = [
    (Direction.HIGHER.value, _("càng cao càng tốt")),
    (Direction.LOWER.value, _("càng thấp càng tốt")),
]
TIME_RULES = [
    (Rule.SUM.value, _("cộng dồn")),
    (Rule.AVERAGE.value, _("bình quân")),
    (Rule.LATEST.value, _("lấy số cuối kỳ")),
    (Rule.NONE.value, _("không cộng gộp")),
]
TREE_RULES = [r for r in TIME_RULES if r[0] != Rule.LATEST.value]
TARGET_KINDS = [
    (TargetKind.TERM.value, _("Chỉ tiêu Nghị quyết Đại hội (nhiệm kỳ)")),
    (TargetKind.PLAN.value, _("Kế hoạch năm")),
    (TargetKind.ESTIMATE.value, _("Dự toán năm")),
]


class Indicator(models.Model):
    """An indicator of the catalogue: what is measured, in which unit, which way is better,
    and how its values combine over time and up the unit tree.

    The catalogue is shared by every office (one code means one thing everywhere), so it is
    not scoped; its targets and actuals are. A companion indicator is reported beside this one
    (registered capital beside the number of new enterprises).
    """

    code = models.CharField(_("mã chỉ tiêu"), max_length=40, unique=True)
    name = models.CharField(_("tên chỉ tiêu"), max_length=300)
    unit = models.CharField(_("đơn vị tính"), max_length=40)
    direction = models.CharField(_("chiều đánh giá"), max_length=10, choices=DIRECTIONS)
    over_time = models.CharField(_("cộng gộp theo thời gian"), max_length=10, choices=TIME_RULES)
    up_tree = models.CharField(_("cộng gộp theo đơn vị"), max_length=10, choices=TREE_RULES)
    companion = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="companion_of",
        verbose_name=_("chỉ tiêu đi kèm"),
    )
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class SubjectRecord(models.Model):
    """A figure about one party organization or one administrative unit (exactly one).

    `area` is the unit whose grants cover the figure: the unit itself, or the unit the
    organization is attached to, written by the services. It lets `restrict` filter on one
    path per grant kind, as the permission rules do (a unit grant covers the organizations
    attached inside it).
    """

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    org = models.ForeignKey(
        "party.PartyOrg", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        "registry.AdminUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    area = models.ForeignKey(
        "registry.AdminUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    value = models.DecimalField(_("giá trị"), max_digits=24, decimal_places=4)
    source = models.CharField(_("nguồn"), max_length=300, blank=True)
    starts_on = models.DateField(editable=False)
    ends_on = models.DateField(editable=False)
    lock_version = version_field()  # optimistic locking of revisions (core.locking)

    scope_fields = {"org": "org__path", "unit": "area__path"}

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                name="%(class)s_one_subject",
                condition=Q(org__isnull=False, unit__isnull=True)
                | Q(org__isnull=True, unit__isnull=False),
            )
        ]

    @property
    def subject(self):
        return self.org if self.org_id else self.unit

    def scope_target(self) -> ScopeTarget:
        return self.subject.scope_target()


class Target(SubjectRecord):
    """A target for an organization or a unit over a span: a term of the congress resolution
    ("2020-2025"), or a year for the annual plan and the annual budget estimate."""

    kind = models.CharField(_("loại chỉ tiêu"), max_length=10, choices=TARGET_KINDS)
    span = models.CharField(_("kỳ, giai đoạn"), max_length=12)

    class Meta(SubjectRecord.Meta):
        verbose_name = _("chỉ tiêu kế hoạch")
        ordering = ["indicator__code", "starts_on", "kind"]
        constraints = [
            *SubjectRecord.Meta.constraints,
            models.UniqueConstraint(
                fields=["indicator", "org", "unit", "kind", "span"],
                name="target_once",
                nulls_distinct=False,
            ),
        ]
        indexes = [models.Index(fields=["indicator", "starts_on", "ends_on"])]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.get_kind_display()} {self.span}: {self.value}"


class Actual(SubjectRecord):
    """The figure reported for a period (month, quarter, half-year, year), an estimate
    ("ước") or final, with its source. Revised in place; the change log keeps each earlier
    value."""

    class Status(models.TextChoices):
        ESTIMATE = "estimate", _("Ước tính")
        FINAL = "final", _("Chính thức")

    period = models.CharField(_("kỳ báo cáo"), max_length=12)
    status = models.CharField(_("tình trạng số liệu"), max_length=10, choices=Status.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(SubjectRecord.Meta):
        verbose_name = _("số thực hiện")
        ordering = ["indicator__code", "starts_on", "ends_on"]
        constraints = [
            *SubjectRecord.Meta.constraints,
            models.UniqueConstraint(
                fields=["indicator", "org", "unit", "period"],
                name="actual_once",
                nulls_distinct=False,
            ),
        ]
        indexes = [models.Index(fields=["indicator", "starts_on", "ends_on"])]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period}: {self.value} ({self.status})"
