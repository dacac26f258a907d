"""Takes the README's screenshots of the demo in Debian's chromium (run after `make demo`
is serving on 127.0.0.1:8000): `.venv/bin/python scripts/screenshots.py`."""

from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = "http://127.0.0.1:8000"
OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def main() -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        page = browser.new_page(viewport={"width": 1200, "height": 720})
        page.goto(BASE + "/login/")
        page.get_by_label("Tên đăng nhập").fill("demo")
        page.get_by_label("Mật khẩu").fill("tongket-demo")
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url(BASE + "/")
        page.goto(BASE + "/members/?q=nguyen")
        page.screenshot(path=str(OUT / "members-vi.png"))
        phone = browser.new_page(viewport={"width": 390, "height": 760})
        phone.context.add_cookies(page.context.cookies())
        phone.goto(BASE + "/orgs/")
        phone.screenshot(path=str(OUT / "orgs-phone-vi.png"))
        browser.close()


if __name__ == "__main__":
    main()
