"""Administrative units. Dated versions and reorganization events build on this identity."""

from django.db import models
from django.utils.translation import gettext_lazy as _

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
