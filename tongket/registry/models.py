"""Administrative units. Dated versions and reorganization events build on this identity."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tongket.core.locking import version_field
from tongket.core.tree import PathNode
from tongket.domain.permissions import Target


class AdminUnit(PathNode):
    """The stable identity of an administrative unit or neighbourhood, placed in the unit tree.

    Grants may be scoped to a unit; everything under it (and the organizations attached to
    it) falls inside the grant.
    """

    class Level(models.TextChoices):
        PROVINCE = "province", _("Tỉnh/thành phố")
        DISTRICT = "district", _("Quận/huyện")
        WARD = "ward", _("Phường/xã")
        NEIGHBOURHOOD = "neighbourhood", _("Khu phố/ấp")
        RESIDENT_GROUP = "resident_group", _("Tổ dân phố")

    level = models.CharField(_("cấp"), max_length=20, choices=Level.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    scope_fields = {"unit": "path"}

    class Meta(PathNode.Meta):
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")

    def scope_target(self) -> Target:
        return Target(unit_path=self.path)


class LegalBasis(models.Model):
    """The document that makes a change lawful: "Nghị quyết 11/NQ-HĐND ngày 14/3/2024"."""

    text = models.CharField(_("căn cứ"), max_length=300, unique=True)
    number = models.CharField(_("số, ký hiệu"), max_length=80, blank=True)
    issuer = models.CharField(_("cơ quan ban hành"), max_length=200, blank=True)
    signed_on = models.DateField(_("ngày ký"), null=True, blank=True)

    class Meta:
        verbose_name = _("căn cứ pháp lý")

    def __str__(self) -> str:
        return self.text


class AdminUnitVersion(models.Model):
    """One dated state of a unit: its name, level, parent and figures between two days.

    Versions of one unit never overlap (an exclusion constraint on PostgreSQL, added by
    migration 0003; a check in the service on SQLite). `valid_to` is the last day, or empty.
    """

    unit = models.ForeignKey(AdminUnit, on_delete=models.CASCADE, related_name="versions")
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    name = models.CharField(_("tên"), max_length=200)
    level = models.CharField(_("cấp"), max_length=20, choices=AdminUnit.Level.choices)
    parent = models.ForeignKey(
        AdminUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="child_versions"
    )
    official_code = models.CharField(_("mã chính thức"), max_length=20, blank=True)
    households = models.PositiveIntegerField(_("số hộ"), null=True, blank=True)
    population = models.PositiveIntegerField(_("dân số"), null=True, blank=True)
    area_km2 = models.DecimalField(
        _("diện tích (km²)"), max_digits=10, decimal_places=4, null=True, blank=True
    )
    basis = models.ForeignKey(LegalBasis, null=True, blank=True, on_delete=models.PROTECT)
    lock_version = version_field()  # optimistic locking of edits in place (core.locking)

    scope_fields = {"unit": "unit__path"}

    class Meta:
        ordering = ["unit_id", "valid_from"]
        indexes = [models.Index(fields=["valid_from", "valid_to"])]
        constraints = [
            models.CheckConstraint(
                name="unitversion_dates_ordered",
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
            ),
            models.UniqueConstraint(fields=["unit", "valid_from"], name="unitversion_one_start"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.valid_from}–{self.valid_to or ''})"

    def scope_target(self) -> Target:
        return self.unit.scope_target()


class UnitEvent(models.Model):
    """A reorganization with its legal basis: merge, split, rename, establish, dissolve, move."""

    class Kind(models.TextChoices):
        MERGE = "merge", _("Sáp nhập")
        SPLIT = "split", _("Chia tách")
        RENAME = "rename", _("Đổi tên")
        ESTABLISH = "establish", _("Thành lập")
        DISSOLVE = "dissolve", _("Giải thể")
        MOVE = "move", _("Điều chuyển")
        # Many old units into many new ones with parts crossing (khu phố reorganized in 2024).
        REARRANGE = "rearrange", _("Sắp xếp lại")

    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    effective_on = models.DateField(_("ngày hiệu lực"))
    basis = models.ForeignKey(LegalBasis, on_delete=models.PROTECT, related_name="events")
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    # Codes as written in the source, to find the same event again on re-import.
    key = models.CharField(max_length=400, unique=True, editable=False)

    class Meta:
        ordering = ["effective_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.effective_on:%d/%m/%Y} ({self.basis})"

    def scope_target(self) -> Target:
        """An event lies where its first old (or new) unit lies."""
        edge = self.edges.select_related("predecessor", "successor").first()
        return edge.predecessor.scope_target() if edge else Target()


class UnitLineage(models.Model):
    """An edge predecessor → successor left by an event, whole or partial (with shares)."""

    event = models.ForeignKey(UnitEvent, on_delete=models.CASCADE, related_name="edges")
    predecessor = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    successor = models.ForeignKey(AdminUnit, on_delete=models.PROTECT, related_name="+")
    whole = models.BooleanField(_("toàn bộ"), default=True)
    area_share = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)
    population_share = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event", "predecessor", "successor"], name="lineage_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"
