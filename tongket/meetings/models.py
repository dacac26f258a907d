"""Meetings of a party organization's committee, who attended (with the posts they held that
day), what they concluded, the tasks assigned from the conclusions, and the sub-committees
(tiểu ban) that prepare a congress.

Everything belongs to the organization that holds the meeting (or sets up the sub-committee):
grants on it cover the meeting and its tasks.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from tongket.domain.meetings import MeetingHead, meeting_title
from tongket.domain.permissions import Target
from tongket.party.models import Member, PartyOrg, Position, Term

ORG_SCOPE = {"org": "org__path", "unit": "org__unit__path"}
MEETING_SCOPE = {"org": "meeting__org__path", "unit": "meeting__org__unit__path"}


class Meeting(models.Model):
    """A congress, a plenum of the executive committee (with its number, in a term), a
    standing committee meeting, a year-end or mid-year review, or a thematic meeting."""

    class Kind(models.TextChoices):
        CONGRESS = "congress", _("Đại hội")
        PLENUM = "plenum", _("Hội nghị Ban Chấp hành")
        STANDING = "standing", _("Hội nghị Ban Thường vụ")
        YEAR_END = "year_end", _("Hội nghị tổng kết")
        MID_YEAR = "mid_year", _("Hội nghị sơ kết")
        THEMATIC = "thematic", _("Hội nghị chuyên đề")

    org = models.ForeignKey(PartyOrg, on_delete=models.PROTECT, related_name="meetings")
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    number = models.PositiveSmallIntegerField(_("lần thứ"), null=True, blank=True)
    term = models.ForeignKey(Term, null=True, blank=True, on_delete=models.PROTECT)
    period = models.CharField(_("kỳ"), max_length=10, blank=True)
    topic = models.CharField(_("nội dung"), max_length=300, blank=True)
    held_on = models.DateField(_("ngày"), db_index=True)
    time_of_day = models.CharField(_("buổi"), max_length=20, blank=True)
    place = models.CharField(_("địa điểm"), max_length=200, blank=True)
    agenda = models.TextField(_("chương trình"), blank=True)
    documents = models.TextField(_("tài liệu"), blank=True)

    scope_fields = ORG_SCOPE

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("hội nghị")

    def __str__(self) -> str:
        return self.title

    @property
    def head(self) -> MeetingHead:
        term = self.term
        return MeetingHead(
            kind=self.kind,
            org_name=self.org.name,
            number=self.number,
            term_number=term.number if term else None,
            term_start=term.start_year if term else None,
            term_end=term.end_year if term else None,
            period=self.period,
            topic=self.topic,
        )

    @property
    def title(self) -> str:
        return meeting_title(self.head)

    def scope_target(self) -> Target:
        return self.org.scope_target()


class Attendee(models.Model):
    """A person at a meeting, with the posts they held on the meeting's day; a guest comes
    from a higher committee. The posts are checked against the day when recorded."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees")
    holder_name = models.CharField(_("họ và tên"), max_length=120)
    member = models.ForeignKey(Member, null=True, blank=True, on_delete=models.SET_NULL)
    positions = models.ManyToManyField(Position, blank=True, related_name="+")
    guest = models.BooleanField(_("khách mời cấp trên"), default=False)
    chairs = models.BooleanField(_("chủ trì"), default=False)
    order = models.PositiveSmallIntegerField(default=0)

    scope_fields = MEETING_SCOPE

    class Meta:
        ordering = ["meeting_id", "-guest", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "holder_name"], name="attendee_once")
        ]

    def __str__(self) -> str:
        return self.holder_name

    def scope_target(self) -> Target:
        return self.meeting.scope_target()


class AttendeeGroup(models.Model):
    """Attendees counted by office rather than named: "Chủ tịch UBND 15 phường". The count is
    the units of `level` under `root` on the meeting's day, read from the unit registry."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="groups")
    title = models.CharField(_("chức danh"), max_length=120)
    root = models.ForeignKey("registry.AdminUnit", on_delete=models.PROTECT, related_name="+")
    level = models.CharField(_("cấp"), max_length=20)

    scope_fields = MEETING_SCOPE

    def __str__(self) -> str:
        return self.title

    def scope_target(self) -> Target:
        return self.meeting.scope_target()


class Conclusion(models.Model):
    """One conclusion or directive of a meeting, in the order it was given."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="conclusions")
    order = models.PositiveSmallIntegerField(default=1)
    text = models.TextField(_("kết luận"))
    given_by = models.CharField(_("người kết luận"), max_length=120, blank=True)

    scope_fields = MEETING_SCOPE

    class Meta:
        ordering = ["meeting_id", "order", "id"]

    def __str__(self) -> str:
        return self.text[:80]

    def scope_target(self) -> Target:
        return self.meeting.scope_target()


class SubCommittee(models.Model):
    """A sub-committee (tiểu ban) helping prepare a congress: "Tiểu ban Văn kiện Đại hội đại
    biểu Đảng bộ Quận 3 lần thứ XIII, nhiệm kỳ 2025 - 2030"."""

    org = models.ForeignKey(PartyOrg, on_delete=models.PROTECT, related_name="subcommittees")
    congress_number = models.PositiveSmallIntegerField(_("đại hội lần thứ"))
    term_start = models.PositiveSmallIntegerField(_("nhiệm kỳ từ năm"))
    term_end = models.PositiveSmallIntegerField(_("đến năm"))
    name = models.CharField(_("tên tiểu ban"), max_length=200)
    established_on = models.DateField(_("ngày thành lập"))
    decision = models.CharField(_("quyết định"), max_length=120, blank=True)
    duties = models.TextField(_("nhiệm vụ"), blank=True)

    scope_fields = ORG_SCOPE

    class Meta:
        ordering = ["org_id", "congress_number", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "congress_number", "name"], name="subcommittee_once"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def scope_target(self) -> Target:
        return self.org.scope_target()


class SubCommitteeMember(models.Model):
    """A member of a sub-committee and their role in it (head, deputy, member)."""

    class Role(models.TextChoices):
        HEAD = "head", _("Trưởng tiểu ban")
        DEPUTY = "deputy", _("Phó Trưởng tiểu ban")
        MEMBER = "member", _("Thành viên")

    subcommittee = models.ForeignKey(SubCommittee, on_delete=models.CASCADE, related_name="people")
    holder_name = models.CharField(_("họ và tên"), max_length=120)
    role = models.CharField(_("vai trò"), max_length=10, choices=Role.choices)
    position = models.ForeignKey(Position, null=True, blank=True, on_delete=models.SET_NULL)

    scope_fields = {"org": "subcommittee__org__path", "unit": "subcommittee__org__unit__path"}

    class Meta:
        ordering = ["subcommittee_id", "role", "id"]

    def __str__(self) -> str:
        return self.holder_name

    def scope_target(self) -> Target:
        return self.subcommittee.scope_target()


class Task(models.Model):
    """A task assigned by a meeting's conclusion (or to a congress sub-committee), owned by an
    organization or a unit, with a deadline; followed by progress notes until done."""

    class Status(models.TextChoices):
        OPEN = "open", _("Đang thực hiện")
        DONE = "done", _("Đã hoàn thành")
        CANCELLED = "cancelled", _("Đã hủy")

    # The organization that assigned it: the meeting's, or the sub-committee's.
    org = models.ForeignKey(PartyOrg, on_delete=models.PROTECT, related_name="assigned_tasks")
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    conclusion = models.ForeignKey(
        Conclusion, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks"
    )
    subcommittee = models.ForeignKey(
        SubCommittee, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    title = models.CharField(_("nhiệm vụ"), max_length=300)
    assigned_on = models.DateField(_("ngày giao"))
    owner_org = models.ForeignKey(
        PartyOrg, null=True, blank=True, on_delete=models.PROTECT, related_name="owned_tasks"
    )
    owner_unit = models.ForeignKey(
        "registry.AdminUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner_label = models.CharField(_("đơn vị chủ trì"), max_length=200, blank=True)
    deadline = models.DateField(_("hạn hoàn thành"), null=True, blank=True, db_index=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    done_on = models.DateField(_("ngày hoàn thành"), null=True, blank=True)

    scope_fields = ORG_SCOPE

    class Meta:
        ordering = ["deadline", "id"]
        constraints = [
            models.CheckConstraint(
                name="task_has_owner",
                condition=models.Q(owner_org__isnull=False) | models.Q(owner_unit__isnull=False),
            ),
            models.CheckConstraint(
                name="task_deadline_after_assigned",
                condition=models.Q(deadline__isnull=True)
                | models.Q(deadline__gte=models.F("assigned_on")),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def owner_name(self) -> str:
        if self.owner_label:
            return self.owner_label
        return (self.owner_org or self.owner_unit).name

    def scope_target(self) -> Target:
        return self.org.scope_target()


class TaskNote(models.Model):
    """A progress note on a task, dated."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="notes")
    written_on = models.DateField(_("ngày"))
    text = models.TextField(_("tiến độ"))

    scope_fields = {"org": "task__org__path", "unit": "task__org__unit__path"}

    class Meta:
        ordering = ["task_id", "written_on", "id"]

    def __str__(self) -> str:
        return self.text[:80]

    def scope_target(self) -> Target:
        return self.task.scope_target()
