"""Party organizations and members: the identities grants and records hang on."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tongket.core.tree import PathNode
from tongket.domain.permissions import Target


class PartyOrg(PathNode):
    """The stable identity of a party organization, placed in the organization tree.

    `unit` is the administrative unit the organization is attached to, so that a grant on a
    unit covers the organizations of that unit.
    """

    class Kind(models.TextChoices):
        PARTY_COMMITTEE = "party_committee", _("Đảng bộ")
        GRASSROOTS_COMMITTEE = "grassroots_committee", _("Đảng bộ cơ sở")
        GRASSROOTS_BRANCH = "grassroots_branch", _("Chi bộ cơ sở")
        SUB_COMMITTEE = "sub_committee", _("Đảng bộ bộ phận")
        SUB_BRANCH = "sub_branch", _("Chi bộ trực thuộc")

    kind = models.CharField(_("loại"), max_length=30, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    unit = models.ForeignKey(
        "registry.AdminUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="orgs"
    )

    scope_fields = {"org": "path", "unit": "unit__path"}

    class Meta(PathNode.Meta):
        verbose_name = _("tổ chức đảng")
        verbose_name_plural = _("tổ chức đảng")

    def scope_target(self) -> Target:
        return Target(org_path=self.path, unit_path=self.unit.path if self.unit_id else "")


class Member(models.Model):
    """A party member, keyed by party-card number. Sensitive personal data (Law 91/2025/QH15):
    read it through selectors, which log every read of a member's record."""

    class Gender(models.TextChoices):
        MALE = "male", _("Nam")
        FEMALE = "female", _("Nữ")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Đang sinh hoạt")
        EXEMPTED = "exempted", _("Miễn sinh hoạt")
        TRANSFERRED_OUT = "transferred_out", _("Chuyển đi")
        DECEASED = "deceased", _("Từ trần")
        LEFT = "left", _("Ra khỏi Đảng")

    card_number = models.CharField(_("số thẻ đảng viên"), max_length=20, unique=True)
    full_name = models.CharField(_("họ và tên"), max_length=120)
    # Accent-folded copy of the name (fold()), for "nguyen van a" to find "Nguyễn Văn A".
    name_folded = models.CharField(max_length=120, db_index=True, editable=False)
    birth_date = models.DateField(_("ngày sinh"))
    gender = models.CharField(_("giới tính"), max_length=10, choices=Gender.choices)
    org = models.ForeignKey(PartyOrg, on_delete=models.PROTECT, related_name="members")
    admitted_on = models.DateField(_("ngày vào Đảng"))
    confirmed_on = models.DateField(_("ngày chính thức"), null=True, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )

    scope_fields = {"org": "org__path", "unit": "org__unit__path"}

    class Meta:
        verbose_name = _("đảng viên")
        verbose_name_plural = _("đảng viên")
        ordering = ["name_folded", "card_number"]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.card_number})"

    def scope_target(self) -> Target:
        return self.org.scope_target()
