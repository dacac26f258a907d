"""Two users edit the same record: the second save is refused with a message that says who
changed it and when and asks to reload, instead of silently overwriting the first
(core.locking). In the services, on the web pages and in the API."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.conftest import PASSWORD, actor_for
from tongket.accounts.services import grant_create, user_create
from tongket.core.locking import StaleEditError
from tongket.core.models import ChangeLog
from tongket.domain.permissions import Role
from tongket.party import services as party
from tongket.party.models import Member, PartyOrgVersion
from tongket.registry import services as registry
from tongket.registry.models import AdminUnitVersion

WRITES = ("create", "update", "delete")


def audited() -> int:
    return ChangeLog.objects.filter(action__in=WRITES).count()


@pytest.fixture
def two(cast):
    """alice (admin of A) and dave (editor of A), both able to edit A's records."""
    dave = user_create(actor=cast.system, username="dave", password=PASSWORD, full_name="Dave")
    grant_create(actor=cast.system, user=dave, role=Role.EDITOR, scope=cast.a)
    cast.dave = dave
    return cast


def _refused(call, record_read) -> StaleEditError:
    """Runs a stale save; asserts it changed nothing (record and audit) and returns the error."""
    before, writes = record_read(), audited()
    with pytest.raises(StaleEditError) as caught:
        call()
    assert record_read() == before
    assert audited() == writes
    return caught.value


def _names_the_first_save(error: StaleEditError, who: str) -> None:
    assert who in error.message and "tải lại trang" in error.message
    assert re.search(r"\d\d:\d\d \d\d/\d\d/\d{4}", error.message)  # when


# --- services ------------------------------------------------------------------------------
def test_member_rename_on_an_old_version_is_refused(two):
    seen = Member.objects.get(pk=two.anh.pk).lock_version
    party.member_rename(
        actor=actor_for(two.alice), member=two.anh, full_name="Đặng Thị Ánh Một",
        expected_version=seen,
    )  # fmt: skip
    late = Member.objects.get(pk=two.anh.pk)
    error = _refused(
        lambda: party.member_rename(
            actor=actor_for(two.dave), member=late, full_name="Ánh Hai", expected_version=seen
        ),
        lambda: Member.objects.values_list("full_name", "lock_version").get(pk=two.anh.pk),
    )
    _names_the_first_save(error, "alice")
    assert Member.objects.get(pk=two.anh.pk).full_name == "Đặng Thị Ánh Một"


def test_member_status_on_an_old_version_is_refused(two):
    seen = two.anh.lock_version
    party.member_rename(actor=actor_for(two.alice), member=two.anh, full_name="Ánh Mới")
    _refused(
        lambda: party.member_status_set(
            actor=actor_for(two.dave),
            member=Member.objects.get(pk=two.anh.pk),
            status="exempted",
            on=dt.date(2024, 1, 1),
            expected_version=seen,
        ),
        lambda: (Member.objects.get(pk=two.anh.pk).status, two.anh.status_periods.count()),
    )


def test_a_change_without_a_version_still_moves_it_on(two):
    """Imports and the command line carry no version: they bump it, so that an edit opened
    before them is refused too."""
    seen = two.anh.lock_version
    party.member_rename(actor=two.system, member=two.anh, full_name="Ánh Nhập Từ Tệp")
    assert Member.objects.get(pk=two.anh.pk).lock_version == seen + 1
    with pytest.raises(StaleEditError):
        party.member_rename(
            actor=actor_for(two.dave), member=two.anh, full_name="X", expected_version=seen
        )


def test_org_and_unit_versions_on_an_old_version_are_refused(two):
    org_version = PartyOrgVersion.objects.get(org=two.a1a)
    seen = org_version.lock_version
    party.org_version_update(
        actor=actor_for(two.alice), version=org_version, changes={"name": "Chi bộ KP 1"},
        expected_version=seen,
    )  # fmt: skip
    _refused(
        lambda: party.org_version_update(
            actor=actor_for(two.dave),
            version=PartyOrgVersion.objects.get(org=two.a1a),
            changes={"name": "Chi bộ Một"},
            expected_version=seen,
        ),
        lambda: PartyOrgVersion.objects.values_list("name", "lock_version").get(org=two.a1a),
    )
    unit_version = AdminUnitVersion.objects.get(unit=two.w1)
    seen = unit_version.lock_version
    # The ward's parent is the city, outside A's grants: the system edits the ward here.
    registry.unit_version_update(
        actor=two.system, version=unit_version, changes={"name": "Phường An Mới"},
        expected_version=seen,
    )  # fmt: skip
    _refused(
        lambda: registry.unit_version_update(
            actor=two.system,
            version=AdminUnitVersion.objects.get(unit=two.w1),
            changes={"name": "Phường An Khác"},
            expected_version=seen,
        ),
        lambda: AdminUnitVersion.objects.values_list("name", "lock_version").get(unit=two.w1),
    )


@pytest.fixture
def indicator(two):
    from tongket.targets.services import indicator_create

    return indicator_create(actor=two.system, code="ENT", name="Doanh nghiệp", unit="doanh nghiệp")


def test_target_and_actual_revisions_on_an_old_version_are_refused(two, indicator):
    from tongket.targets.models import Actual, Target
    from tongket.targets.services import actual_set, target_set

    for model, write, keys in (
        (Target, target_set, {"kind": "plan", "span": "2024"}),
        (Actual, actual_set, {"period": "2024", "status": "final"}),
    ):
        first = write(actor=two.system, indicator=indicator, value=10, org=two.a, **keys)
        seen = first.record.lock_version
        write(actor=actor_for(two.alice), indicator=indicator, value=12, org=two.a,
              expected_version=seen, **keys)  # fmt: skip
        error = _refused(
            lambda write=write, keys=keys, seen=seen: write(
                actor=actor_for(two.dave),
                indicator=indicator,
                value=15,
                org=two.a,
                expected_version=seen,
                **keys,
            ),  # fmt: skip
            lambda model=model: list(model.objects.values_list("value", "lock_version")),
        )
        _names_the_first_save(error, "alice")
        assert model.objects.get().value == 12


def test_report_draft_saved_on_an_older_version_is_refused(two):
    from tongket.reports.models import ReportDraft
    from tongket.reports.services import draft_save

    def save(user, base, note):
        actor = actor_for(user)
        return draft_save(
            actor=actor, org=two.a, period="2024", sections={}, note=note, base_version=base
        )

    assert save(two.alice, 0, "của Alice").version == 1
    error = _refused(
        lambda: save(two.dave, 0, "của Dave"),
        lambda: list(ReportDraft.objects.values_list("version", "note")),
    )
    _names_the_first_save(error, "alice")
    assert save(two.dave, 1, "của Dave, sau khi tải lại").version == 2


# --- web and API ---------------------------------------------------------------------------
def _clients(two, client_class):
    first, second = client_class(), client_class()
    first.force_login(two.alice)
    second.force_login(two.dave)
    return first, second


def _hidden(html: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', html).group(1)


def test_the_draft_editor_refuses_the_second_save_and_keeps_the_typed_text(two, client):
    from django.test import Client

    from tongket.reports.models import ReportDraft

    url = "/bao-cao/A/2024/soan-thao/"
    first, second = _clients(two, Client)
    base_1 = _hidden(first.get(url).content.decode(), "base_version")
    base_2 = _hidden(second.get(url).content.decode(), "base_version")
    saved = first.post(url, {"base_version": base_1, "note": "Alice sửa"})
    assert saved.status_code == 302
    writes = audited()
    late = second.post(url, {"base_version": base_2, "note": "Dave sửa muộn"})
    text = late.content.decode()
    assert late.status_code == 200 and "alice" in text and "tải lại trang" in text
    assert 'value="Dave sửa muộn"' in text  # what Dave typed is still in the form
    assert list(ReportDraft.objects.values_list("note", flat=True)) == ["Alice sửa"]
    assert audited() == writes


def test_a_garbled_base_version_is_refused_not_saved_unchecked(two, client):
    from tongket.reports.models import ReportDraft

    client.force_login(two.alice)
    writes = audited()
    answer = client.post("/bao-cao/A/2024/soan-thao/", {"base_version": "1x", "note": "Ghi đè?"})
    text = answer.content.decode()
    assert answer.status_code == 200 and "không rõ phiên bản gốc" in text
    assert not ReportDraft.objects.exists()
    assert audited() == writes


def test_the_evaluation_grid_refuses_the_second_save_and_keeps_the_typed_levels(two):
    from django.test import Client

    from tongket.evaluation.models import Evaluation
    from tongket.evaluation.services import round_open

    rnd = round_open(actor=two.system, committee=two.a, year=2024)
    url = f"/evaluation/{rnd.pk}/org/{two.a1a.pk}/"
    first, second = _clients(two, Client)
    pk = two.anh.pk
    form_1, form_2 = first.get(url).content.decode(), second.get(url).content.decode()
    post = {"deciding_body": "Đảng ủy cơ sở", "reviewed_on": "2024-12-20"}
    saved = first.post(
        url, {**post, f"level-{pk}": "completed", f"seen-{pk}": _hidden(form_1, f"seen-{pk}")}
    )
    assert saved.status_code == 302, saved.content.decode()[:2000]
    stored = list(Evaluation.objects.values_list("pk", "level"))
    assert [level for _pk, level in stored] == ["completed"]
    late = second.post(
        url,
        {**post, f"level-{pk}": "not_completed", f"seen-{pk}": _hidden(form_2, f"seen-{pk}")},
        follow=True,
    )
    text = late.content.decode()
    assert "alice" in text and "tải lại trang" in text
    assert 'value="not_completed" selected' in text  # Dave's choice is still on the grid
    assert list(Evaluation.objects.values_list("pk", "level")) == stored


def test_the_api_answers_409_to_a_patch_on_an_old_version(two):
    from django.test import Client

    first, second = _clients(two, Client)
    url = f"/api/v1/members/{two.anh.pk}"
    version = first.get(url).json()["version"]
    assert second.get(url).json()["version"] == version
    ok = first.patch(url, {"full_name": "Ánh Một", "version": version}, "application/json")
    assert ok.status_code == 200 and ok.json()["version"] == version + 1
    late = second.patch(url, {"full_name": "Ánh Hai", "version": version}, "application/json")
    assert late.status_code == 409
    assert (
        late.json()["error"]["code"] == "edit.stale" and "alice" in late.json()["error"]["message"]
    )
    assert Member.objects.get(pk=two.anh.pk).full_name == "Ánh Một"


def test_the_api_answers_409_to_a_target_revision_on_an_old_version(two, indicator):
    from django.test import Client

    first, second = _clients(two, Client)
    url = f"/api/v1/orgs/{two.a.pk}/targets"
    body = {"indicator": "ENT", "kind": "plan", "span": "2024", "value": 10}
    created = first.post(url, body, "application/json")
    assert created.status_code == 201
    version = created.json()["version"]
    revised = first.post(url, {**body, "value": 12, "version": version}, "application/json")
    assert revised.status_code == 200 and revised.json()["version"] == version + 1
    late = second.post(url, {**body, "value": 15, "version": version}, "application/json")
    assert late.status_code == 409 and late.json()["error"]["code"] == "edit.stale"
    assert [t["value"] for t in first.get(url).json()] == [12]
