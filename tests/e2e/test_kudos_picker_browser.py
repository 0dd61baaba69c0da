"""Typing part of a name into the kudos search swaps the colleague list for
the matches, own team first, and a kudos goes to the one picked."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

PASSWORD = "servicestar"


def test_search_pick_and_send_a_kudos(browser, live_site, screenshot):
    context = browser.new_context(locale="en-US")
    try:
        page = context.new_page()
        errors = []
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.goto(live_site.url + "/login/")
        page.locator("#id_username").fill("agent05")  # 陈思琪, 话务一班
        page.locator("#id_password").fill(PASSWORD)
        page.locator("main form button[type=submit]").click()
        expect(page).to_have_url(live_site.url + "/")
        page.goto(live_site.url + "/kudos/")
        expect(page.locator("#id_receiver")).to_be_visible()

        page.locator("#recipient-query").press_sequentially("佳")
        options = page.locator("#recipient-picker .recipient-option")
        # 王佳怡 is in the same team, 宋佳琪 in 投诉处理班 (sorted first by name).
        expect(options).to_have_count(2)
        expect(options.first).to_contain_text("王佳怡")
        expect(options.nth(1)).to_contain_text("宋佳琪")
        expect(page.locator("#id_receiver")).to_have_count(0)
        screenshot(page, "matches")

        options.first.click()
        page.locator("input[name=heart][value=patient]").check()
        page.locator("#id_message").fill("耐心安抚了一位投诉客户")
        page.get_by_role("button", name="Send kudos").click()
        expect(page.get_by_text("Kudos sent to 王佳怡")).to_be_visible()
        assert not errors, errors
    finally:
        context.close()
