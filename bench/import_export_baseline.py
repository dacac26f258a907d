"""The django-import-export baseline of bench_members_import: the same .xlsx loaded the way a
Django developer would write it with that library (version in the bench extra).

Imported only in the benchmark's child process, after django.setup(): the resources name the
models. `import_export` is not in INSTALLED_APPS (Resource.import_data does not need it).

- `MemberResource` maps the Vietnamese headers to the fields of Member: the organization by
  its code through a ForeignKeyWidget, the dates through a DateWidget (dd/mm/yyyy text, or the
  date cell as it comes), the gender words through a small widget; the folded and sort keys of
  the name are set before each save, as member_create does. Plain mode: each saved member gets
  its Membership in after_save_instance.
- Bulk mode (`use_bulk=True`): the library calls after_save_instance before the batch is
  written, when the members have no id yet, so the memberships come from a second resource,
  `MembershipResource`, imported from the same dataset afterwards: member by card number and
  organization by code, both through ForeignKeyWidget.

Neither checks the rules of member_create nor writes audit rows: the pipeline does both.
"""

from __future__ import annotations

from pathlib import Path

import tablib
from import_export import fields, resources, widgets

from tongket.domain.text import fold, vi_sort_string
from tongket.party.models import Member, Membership, PartyOrg

DAY = widgets.DateWidget(format="%d/%m/%Y")  # date cells pass through as they are


class GenderWidget(widgets.Widget):
    """The gender words of the file (Nam / Nữ) as the model's values."""

    WORDS = {"Nam": Member.Gender.MALE, "Nữ": Member.Gender.FEMALE}

    def clean(self, value, row=None, **kwargs):
        return self.WORDS[str(value).strip()]


class MemberResource(resources.ModelResource):
    card_number = fields.Field("card_number", "Số thẻ đảng viên")
    full_name = fields.Field("full_name", "Họ và tên")
    birth_date = fields.Field("birth_date", "Ngày sinh", widget=DAY)
    gender = fields.Field("gender", "Giới tính", widget=GenderWidget())
    org = fields.Field("org", "Mã tổ chức", widget=widgets.ForeignKeyWidget(PartyOrg, "code"))
    admitted_on = fields.Field("admitted_on", "Ngày vào Đảng", widget=DAY)
    confirmed_on = fields.Field("confirmed_on", "Ngày chính thức", widget=DAY)

    class Meta:
        model = Member
        fields = (
            "card_number",
            "full_name",
            "birth_date",
            "gender",
            "org",
            "admitted_on",
            "confirmed_on",
        )
        import_id_fields = ("card_number",)

    def before_save_instance(self, instance, row, **kwargs):
        instance.name_folded = fold(instance.full_name)
        instance.name_sort = vi_sort_string(instance.full_name)

    def after_save_instance(self, instance, row, **kwargs):
        if not self._meta.use_bulk:  # in bulk mode the member has no id yet
            since = DAY.clean(row["Từ ngày"]) or instance.admitted_on
            Membership.objects.create(member=instance, org=instance.org, valid_from=since)


class BulkMemberResource(MemberResource):
    """Bulk mode, with the settings its documentation advises for speed: no per-row diff, no
    look-up of an existing member per row (every row is new; the unique card number still
    refuses a duplicate), batches of 1,000."""

    class Meta(MemberResource.Meta):
        use_bulk = True
        batch_size = 1000
        skip_diff = True
        force_init_instance = True


class MembershipResource(resources.ModelResource):
    member = fields.Field(
        "member", "Số thẻ đảng viên", widget=widgets.ForeignKeyWidget(Member, "card_number")
    )
    org = fields.Field("org", "Mã tổ chức", widget=widgets.ForeignKeyWidget(PartyOrg, "code"))
    valid_from = fields.Field("valid_from", "Từ ngày", widget=DAY)

    class Meta:
        model = Membership
        fields = ("member", "org", "valid_from")
        use_bulk = True
        batch_size = 1000
        skip_diff = True
        force_init_instance = True


def read_dataset(path: Path) -> tablib.Dataset:
    """The first sheet of the .xlsx as a tablib Dataset (tablib reads it with openpyxl)."""
    with path.open("rb") as fh:
        return tablib.Dataset().load(fh, format="xlsx")


def import_members(path: Path, bulk: bool) -> dict:
    """Reads the file and imports it in one transaction; returns the rows each resource
    reported, and raises on the first row error (none expected)."""
    dataset = read_dataset(path)
    steps = [BulkMemberResource(), MembershipResource()] if bulk else [MemberResource()]
    totals = {}
    for resource in steps:
        result = resource.import_data(
            dataset, dry_run=False, use_transactions=True, raise_errors=True
        )
        assert not result.has_errors() and not result.has_validation_errors()
        totals[type(resource).__name__] = dict(result.totals)
    return totals
