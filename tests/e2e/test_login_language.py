"""An agent logs in on a phone in Chinese, switches to English and logs out."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

PHONE = {"width": 375, "height": 740}


def test_agent_logs_in_in_chinese_switches_to_english_and_logs_out(
    browser, live_site, screenshot
):
    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True)
    page = context.new_page()
    page.goto(live_site.url + "/")

    expect(page.get_by_role("heading", name="登录服务之星")).to_be_visible()
    page.get_by_label("用户名").fill("agent01")
    page.get_by_label("密码").fill("servicestar")
    page.get_by_role("button", name="登录").click()

    expect(page.get_by_role("heading", name="你好，李晓婷")).to_be_visible()
    expect(page.get_by_text("话务一班", exact=False).first).to_be_visible()
    expect(page.get_by_role("heading", name="我的班组")).to_be_visible()
    # Nothing wider than the phone: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "home-zh")

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Hello, 李晓婷")).to_be_visible()
    expect(page.get_by_role("heading", name="My team")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    screenshot(page, "home-en")

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in to ServiceStar")).to_be_visible()
    page.goto(live_site.url + "/")
    expect(page).to_have_url(live_site.url + "/login/?next=/")
    context.close()
