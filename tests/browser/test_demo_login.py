"""`tongket demo` in a real browser: Debian's chromium driven by Playwright (never
`playwright install`). Log in with the demo login, see the Vietnamese home page, switch to
English, and check the layout on a phone-sized screen."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.servers import running

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def demo_server(demo_env):
    """The product as `make demo` runs it: the demo data built, gunicorn serving it."""
    log = demo_env.var / "server.log"
    with running(["serve", "--workers", "2"], demo_env.env, log, seconds=60) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists() or not shutil.which("chromium"):
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed; .ci/run installs Debian's chromium package")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


def log_in(page, base):
    page.goto(base + "/")
    assert page.url.startswith(base + "/login/")
    assert page.locator("html").get_attribute("lang") == "vi"
    page.get_by_label("Tên đăng nhập").fill("demo")
    page.get_by_label("Mật khẩu").fill("tongket-demo")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(base + "/")


def test_demo_login_vietnamese_home_then_english(demo_server, browser, tmp_path):
    page = browser.new_page()
    log_in(page, demo_server)
    assert page.get_by_role("heading", level=1).inner_text() == "Đảng bộ Thành phố Hồ Chí Minh"
    nav = page.get_by_role("navigation", name="Điều hướng chính")
    assert nav.get_by_role("link", name="Đảng viên").is_visible()
    page.screenshot(path=str(tmp_path / "home-vi.png"))

    page.locator('[data-testid="lang-en"]').click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    nav = page.get_by_role("navigation", name="Main navigation")
    assert nav.get_by_role("link", name="Party members").is_visible()
    page.close()


def test_wrong_password_stays_on_login_with_a_message(demo_server, browser):
    page = browser.new_page()
    page.goto(demo_server + "/login/")
    page.get_by_label("Tên đăng nhập").fill("demo")
    page.get_by_label("Mật khẩu").fill("sai-mat-khau")
    page.get_by_role("button", name="Đăng nhập").click()
    assert page.get_by_role("alert").is_visible()
    assert page.url.startswith(demo_server + "/login/")
    page.close()


def test_member_search_and_phone_layout(demo_server, browser):
    page = browser.new_page(viewport={"width": 375, "height": 740})
    log_in(page, demo_server)
    page.goto(demo_server + "/members/")
    rows = page.locator("#member-rows tbody tr")
    first = rows.first.locator("td").nth(1).inner_text()
    from tongket.domain.text import fold

    page.get_by_label("Tìm theo họ tên").fill(fold(first))  # typed without accents
    page.wait_for_function(
        "n => document.querySelectorAll('#member-rows tbody tr').length < n", arg=rows.count()
    )
    assert first in page.locator("#member-rows").inner_text()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, "the page scrolls sideways on a phone"
    page.close()
