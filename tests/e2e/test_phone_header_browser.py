"""The site's header on a 375 px phone, in both languages: one row that does
not scroll sideways, with every link (down to "My profile") in a menu that
opens without any script. The manager sees the most links."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

PHONE = {"width": 375, "height": 667}
PASSWORD = "servicestar"


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(base + "/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(base + "/")


def assert_on_screen(page: Page, locator) -> None:
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], box


@pytest.mark.parametrize(
    ("locale", "menu", "profile"),
    [("zh-CN", "菜单", "我的资料"), ("en-US", "Menu", "My profile")],
    ids=["zh-hans", "en"],
)
def test_the_header_fits_a_phone_and_reaches_my_profile(
    browser, live_site, screenshot, locale, menu, profile
):
    context = browser.new_context(locale=locale, viewport=PHONE, is_mobile=True)
    try:
        page = context.new_page()
        log_in(page, live_site.url, "manager")
        header = page.locator("header.topbar")

        overflow = header.evaluate("e => e.scrollWidth - e.clientWidth")
        assert overflow <= 0, f"the header is {overflow}px too wide"
        root = "document.documentElement"
        assert page.evaluate(f"{root}.scrollWidth <= {root}.clientWidth"), (
            "the page scrolls sideways"
        )
        # One row: the brand, the language switch, "Log out" and the menu side
        # by side, none of them squeezed onto two lines or cut off.
        brand = header.locator(".brand")
        for control in [brand, *header.locator("> * button, summary").all()]:
            if not control.is_visible():
                continue
            assert_on_screen(page, control)
            assert control.evaluate(
                "e => e.scrollWidth <= e.clientWidth"
                " && e.getClientRects().length === 1"
                " && e.getBoundingClientRect().height"
                "    < 2 * parseFloat(getComputedStyle(e).lineHeight || 20)"
            ), f"{control.inner_text()!r} is squeezed"
            assert abs(control.bounding_box()["y"] - brand.bounding_box()["y"]) < 24
        screenshot(page, f"header-{locale}")

        link = header.get_by_role("link", name=profile, exact=True)
        if not link.is_visible():
            header.get_by_text(menu, exact=True).click()
        assert_on_screen(page, link)
        screenshot(page, f"menu-{locale}")
        link.click()
        expect(page).to_have_url(live_site.url + "/me/")
    finally:
        context.close()
