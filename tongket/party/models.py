"""Party organizations and members: the identities grants and records hang on."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tongket.core.locking import version_field
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
        SUSPENDED = "suspended", _("Đình chỉ sinh hoạt")
        TRANSFERRED_OUT = "transferred_out", _("Chuyển đi")
        DECEASED = "deceased", _("Từ trần")
        STRUCK_OFF = "struck_off", _("Xóa tên")
        EXPELLED = "expelled", _("Khai trừ")
        LEFT = "left", _("Ra khỏi Đảng")

    card_number = models.CharField(_("số thẻ đảng viên"), max_length=20, unique=True)
    full_name = models.CharField(_("họ và tên"), max_length=120)
    # Accent-folded copy of the name (fold()), for "nguyen van a" to find "Nguyễn Văn A".
    name_folded = models.CharField(max_length=120, db_index=True, editable=False)
    # Vietnamese order (given name first, ă after a, đ after d), as a byte-sortable string.
    name_sort = models.CharField(max_length=400, db_index=True, editable=False, default="")
    birth_date = models.DateField(_("ngày sinh"))
    gender = models.CharField(_("giới tính"), max_length=10, choices=Gender.choices)
    org = models.ForeignKey(PartyOrg, on_delete=models.PROTECT, related_name="members")
    # The ceremony ("ngày vào Đảng"): probation runs 12 months from it.
    admitted_on = models.DateField(_("ngày vào Đảng"))
    # Optimistic locking (core.locking): bumped by every change of the member's own fields.
    lock_version = version_field()
    # The committee's admission decision: party age counts from it (DOMAIN_RULES §2.3).
    decided_on = models.DateField(_("ngày quyết định kết nạp"), null=True, blank=True)
    confirmed_on = models.DateField(_("ngày chính thức"), null=True, blank=True)
    # Sensitive: only admins of the member's scope read it (selectors enforce it).
    national_id = models.CharField(_("số định danh cá nhân"), max_length=12, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )

    scope_fields = {"org": "org__path", "unit": "org__unit__path"}

    class Meta:
        verbose_name = _("đảng viên")
        verbose_name_plural = _("đảng viên")
        ordering = ["name_sort", "card_number"]
        # The member search reads a scope's members by organization and tests their folded
        # name and card number: from this index alone, not from thousands of scattered rows.
        indexes = [
            models.Index(fields=["org", "name_folded", "card_number"], name="party_member_search")
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.card_number})"

    def scope_target(self) -> Target:
        return self.org.scope_target()


class PartyOrgVersion(models.Model):
    """One dated state of an organization: name, kind, parent and attached unit.

    Versions of one organization never overlap (exclusion constraint on PostgreSQL, the service
    on SQLite). The identity mirrors the latest version for grants.
    """

    org = models.ForeignKey(PartyOrg, on_delete=models.CASCADE, related_name="versions")
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    name = models.CharField(_("tên"), max_length=200)
    kind = models.CharField(_("loại"), max_length=30, choices=PartyOrg.Kind.choices)
    parent = models.ForeignKey(
        PartyOrg, null=True, blank=True, on_delete=models.PROTECT, related_name="child_versions"
    )
    unit = models.ForeignKey(
        "registry.AdminUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_fields = {"org": "org__path", "unit": "org__unit__path"}
    lock_version = version_field()  # optimistic locking of edits in place (core.locking)

    class Meta:
        ordering = ["org_id", "valid_from"]
        indexes = [models.Index(fields=["valid_from", "valid_to"])]
        constraints = [
            models.CheckConstraint(
                name="orgversion_dates_ordered",
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
            ),
            models.UniqueConstraint(fields=["org", "valid_from"], name="orgversion_one_start"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.valid_from}–{self.valid_to or ''})"

    def scope_target(self) -> Target:
        return self.org.scope_target()


class Membership(models.Model):
    """Where a member is active, from one day to another: official (one at a time) or
    temporary (hosted; at most one at a time, not counted in the host's total)."""

    class Kind(models.TextChoices):
        OFFICIAL = "official", _("Chính thức")
        TEMPORARY = "temporary", _("Tạm thời")

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="memberships")
    org = models.ForeignKey(PartyOrg, on_delete=models.PROTECT, related_name="memberships")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.OFFICIAL)
    valid_from = models.DateField(_("từ ngày"))
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=200, blank=True)

    scope_fields = {"org": "org__path", "unit": "org__unit__path"}

    class Meta:
        ordering = ["member_id", "valid_from"]
        indexes = [
            models.Index(fields=["org", "valid_from", "valid_to"]),
            # The review tallies read the official members of a subtree on a day: org and
            # kind to seek, the dates to filter and the member to return, all in the index,
            # so that no membership row is read (SQLite: the review figures of a 13,600-member
            # ward went from ~900 to ~480 ms at load 10, docs/PERFORMANCE.md, issue 7).
            models.Index(
                fields=["org", "kind", "valid_from", "valid_to", "member"],
                name="membership_org_kind_cover",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="membership_dates_ordered",
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} @ {self.org} ({self.valid_from}–{self.valid_to or ''})"

    def scope_target(self) -> Target:
        return self.org.scope_target()


class MemberStatusPeriod(models.Model):
    """A span in a status other than active: exempted, suspended, deceased, struck off…

    Party age subtracts the spans outside the Party (struck off, expelled, left)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="status_periods")
    status = models.CharField(_("trạng thái"), max_length=20, choices=Member.Status.choices)
    valid_from = models.DateField(_("từ ngày"))
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=200, blank=True)

    class Meta:
        ordering = ["member_id", "valid_from"]

    def __str__(self) -> str:
        return f"{self.member}: {self.get_status_display()} {self.valid_from}"

    def scope_target(self) -> Target:
        return self.member.scope_target()


class Term(models.Model):
    """A congress term of a party organization: khóa XII, nhiệm kỳ 2020 – 2025."""

    org = models.ForeignKey(PartyOrg, on_delete=models.PROTECT, related_name="terms")
    number = models.PositiveSmallIntegerField(_("khóa"))
    start_year = models.PositiveSmallIntegerField(_("từ năm"))
    end_year = models.PositiveSmallIntegerField(_("đến năm"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org", "number"], name="term_once")]

    def __str__(self) -> str:
        from tongket.domain.roman import roman

        return f"khóa {roman(self.number)}, nhiệm kỳ {self.start_year} – {self.end_year}"

    def scope_target(self) -> Target:
        return self.org.scope_target()


class Position(models.Model):
    """A post held by a person on dates: "Bí thư Quận ủy", "Chủ tịch UBND quận".

    Party posts belong to a body (BCH, BTV, Thường trực) of an organization's term; state posts
    (UBND, HĐND) to an administrative unit. One person may hold several posts at once (F02).
    The holder is a member where known; guests from higher committees may be named only.
    """

    class Body(models.TextChoices):
        EXECUTIVE = "executive", _("Ban Chấp hành")
        STANDING = "standing", _("Ban Thường vụ")
        STANDING_MEMBERS = "standing_members", _("Thường trực")
        PEOPLE_COMMITTEE = "people_committee", _("Ủy ban nhân dân")
        PEOPLE_COUNCIL = "people_council", _("Hội đồng nhân dân")
        INSPECTION = "inspection", _("Ủy ban Kiểm tra")

    holder_name = models.CharField(_("họ và tên"), max_length=120)
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="positions"
    )
    title = models.CharField(_("chức danh"), max_length=120)
    body = models.CharField(_("cơ quan"), max_length=20, choices=Body.choices)
    org = models.ForeignKey(
        PartyOrg, null=True, blank=True, on_delete=models.PROTECT, related_name="positions"
    )
    term = models.ForeignKey(Term, null=True, blank=True, on_delete=models.PROTECT)
    unit = models.ForeignKey(
        "registry.AdminUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    valid_from = models.DateField(_("từ ngày"))
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)

    scope_fields = {"org": "org__path", "unit": "unit__path"}

    class Meta:
        ordering = ["valid_from", "id"]
        constraints = [
            models.CheckConstraint(
                name="position_has_a_place",
                condition=models.Q(org__isnull=False) | models.Q(unit__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.holder_name}, {self.title}"

    def scope_target(self) -> Target:
        return self.org.scope_target() if self.org_id else self.unit.scope_target()
