"""The web shell: login and its throttle, Vietnamese first, scoped switcher, error pages,
member search and read logging, password and token pages."""

import pytest
from django.test import Client

from tests.conftest import PASSWORD
from tongket.accounts.models import ApiToken
from tongket.core.models import ChangeLog

pytestmark = pytest.mark.django_db


def login(client, username, password):
    return client.post("/login/", {"username": username, "password": password})


def test_login_page_is_vietnamese_by_default(client):
    page = client.get("/login/").content.decode()
    assert 'lang="vi"' in page and "Đăng nhập" in page and "Mật khẩu" in page


def test_login_logout_are_logged(client, cast):
    response = login(client, "alice", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    client.post("/logout/")
    actions = list(ChangeLog.objects.filter(user=cast.alice).values_list("action", flat=True))
    assert "login" in actions and "logout" in actions


def test_wrong_password_gets_a_vietnamese_message_and_is_logged(client, cast):
    response = login(client, "alice", "sai-mat-khau")
    assert response.status_code == 200
    assert "mật khẩu chính xác" in response.content.decode()
    assert ChangeLog.objects.filter(action="login_failed", user_name="alice").count() == 1
    assert "_auth_user_id" not in client.session


def test_repeated_failures_lock_the_account_for_that_address(client, cast, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        login(client, "alice", "sai")
    locked = login(client, "alice", PASSWORD)  # even the right password is refused now
    assert locked.status_code == 429
    assert "quá nhiều lần" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    assert login(Client(REMOTE_ADDR="10.0.0.9"), "bob", PASSWORD).status_code == 302


def test_home_shows_counts_of_the_users_scope(client, cast):
    client.force_login(cast.alice)
    page = client.get("/").content.decode()
    assert "Đảng bộ An" in page
    assert "<strong>1</strong> đảng viên" in " ".join(page.split())


def test_switcher_offers_only_grant_roots_and_refuses_others(client, cast):
    client.force_login(cast.alice)
    page = client.get("/").content.decode()
    assert f'value="{cast.a.pk}"' in page and f'value="{cast.b.pk}"' not in page
    assert client.post("/switch-org/", {"org": cast.b.pk}).status_code == 403
    assert client.post("/switch-org/", {"org": cast.a.pk}).status_code == 302


def test_user_without_grants_sees_an_explanation(client, cast):
    from tongket.accounts.services import user_create

    nobody = user_create(actor=cast.system, username="nobody", password=PASSWORD)
    client.force_login(nobody)
    assert "chưa được phân quyền" in client.get("/").content.decode()
    assert "Không có đảng viên nào" in client.get("/members/").content.decode()


def test_error_pages_are_vietnamese(client, cast):
    client.force_login(cast.alice)
    missing = client.get("/orgs/999999/")
    assert missing.status_code == 404 and "Không tìm thấy" in missing.content.decode()
    client.force_login(cast.bob)
    denied = client.get("/audit/")
    assert denied.status_code == 403 and "Không có quyền" in denied.content.decode()


def test_500_page_needs_no_database():
    from django.test import RequestFactory

    from tongket.web.views import error_500

    response = error_500(RequestFactory().get("/"))
    assert response.status_code == 500 and "không bị thay đổi" in response.content.decode()


@pytest.mark.parametrize("query", ["dang thi anh", "ĐẶNG", "anh", "A-00", "Đặng Thị Ánh"])
def test_member_search_ignores_accents_and_case(client, cast, query):
    client.force_login(cast.alice)
    assert "Đặng Thị Ánh" in client.get("/members/", {"q": query}).content.decode()


def test_member_search_htmx_returns_only_the_rows(client, cast):
    client.force_login(cast.alice)
    page = client.get("/members/", {"q": "anh"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Đặng Thị Ánh" in page and "<html" not in page


def test_member_page_logs_the_read_and_shows_history(client, cast):
    client.force_login(cast.alice)
    page = client.get(f"/members/{cast.anh.pk}/").content.decode()
    assert "01/05/1980" in page and "Tạo mới" in page
    assert ChangeLog.objects.filter(action="read", user=cast.alice, object_id=cast.anh.pk).exists()


def test_password_change(client, cast):
    client.force_login(cast.alice)
    wrong = client.post(
        "/account/password/", {"old": "x", "new1": "Mk-moi-2025!", "new2": "Mk-moi-2025!"}
    )
    assert "không đúng" in wrong.content.decode()
    weak = client.post("/account/password/", {"old": PASSWORD, "new1": "123", "new2": "123"})
    assert weak.status_code == 200
    ok = client.post(
        "/account/password/", {"old": PASSWORD, "new1": "Mk-moi-2025!", "new2": "Mk-moi-2025!"}
    )
    assert ok.status_code == 302
    cast.alice.refresh_from_db()
    assert cast.alice.check_password("Mk-moi-2025!")
    assert ChangeLog.objects.filter(action="password", user=cast.alice).count() == 1


def test_token_page_shows_the_token_once_and_revokes(client, cast):
    client.force_login(cast.alice)
    page = client.post("/account/tokens/", {"name": "báo cáo"}).content.decode()
    token = ApiToken.objects.get(user=cast.alice)
    assert token.prefix in page and 'data-testid="raw-token"' in page
    assert 'data-testid="raw-token"' not in client.get("/account/tokens/").content.decode()
    client.post(f"/account/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_audit_page_and_csv_export_are_inert_and_logged(client, cast, system):
    from tongket.party.services import member_rename

    member_rename(actor=system, member=cast.anh, full_name='=HYPERLINK("x") Ánh')
    client.force_login(cast.alice)
    assert "Nhật ký" in client.get("/audit/").content.decode()
    body = b"".join(
        client.get("/audit/export.csv").streaming_content
        if False
        else [client.get("/audit/export.csv").content]
    ).decode("utf-8-sig")
    assert "'=HYPERLINK" in body and "\n=HYPERLINK" not in body and ",=HYPERLINK" not in body
    assert ChangeLog.objects.filter(action="export", user=cast.alice).exists()


def test_english_is_available(client, cast):
    client.force_login(cast.alice)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/").content.decode()
    assert 'lang="en"' in page and "Party members" in page


def test_browser_language_does_not_override_vietnamese(client):
    page = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="vi"' in page


def test_an_error_list_whose_file_is_gone_is_a_404(as_user, cast, tmp_path):
    from tongket.imports.models import ImportJob

    client = as_user(cast.alice)
    kept, gone = tmp_path / "kept.loi.xlsx", tmp_path / "gone.loi.xlsx"
    kept.write_bytes(b"PK")
    jobs = [
        ImportJob.objects.create(  # a fixture row: the upload itself is not under test
            user=cast.alice,
            kind="units",
            original_name="u.xlsx",
            stored_path="/x",
            errors_path=str(path),
        )
        for path in (kept, gone)
    ]
    response = client.get(f"/imports/{jobs[0].pk}/errors.xlsx")
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"PK"
    assert client.get(f"/imports/{jobs[1].pk}/errors.xlsx").status_code == 404
