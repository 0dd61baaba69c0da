"""Logging out in one tab stops the live page in the other and offers a login."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

PATIENCE_MS = 10_000
QUIET_MS = 3_000  # long enough for any reconnect attempt to show


def test_logging_out_in_one_tab_signs_the_other_tab_out_for_good(
    browser, live_site, screenshot
):
    base = live_site.url
    context = browser.new_context(locale="en-US")
    context.set_default_timeout(PATIENCE_MS)
    first = context.new_page()
    first.goto(base + "/login/")
    first.locator("#id_username").fill("agent02")
    first.locator("#id_password").fill("servicestar")
    first.locator("main form button[type=submit]").click()
    expect(first).to_have_url(base + "/")

    second = context.new_page()
    opened: list[str] = []
    closed = []
    second.on("websocket", lambda socket: opened.append(socket.url))
    with second.expect_websocket(lambda socket: "/ws/me/" in socket.url) as feed:
        second.goto(base + "/leaderboard/")
    feed.value.on("close", lambda socket: closed.append(socket))
    signed_out = second.get_by_text("You are signed out")
    expect(signed_out).to_be_hidden()

    first.get_by_role("button", name="Log out").click()
    expect(first.get_by_role("heading", name="Log in to ServiceStar")).to_be_visible()

    expect(signed_out).to_be_visible()
    expect(second.locator("body")).to_have_class(re.compile(r"\blive-ended\b"))
    expect(second.locator("#live-feed")).to_have_attribute("data-closed-by", "4401")
    # Stopped for good: no reconnecting banner, no new socket.
    second.wait_for_timeout(QUIET_MS)
    expect(second.get_by_text("reconnecting")).to_be_hidden()
    assert [url for url in opened if "/ws/" in url] == [feed.value.url]
    assert closed
    screenshot(second, "signed-out")

    second.get_by_role("link", name="Log in again").click()
    expect(second).to_have_url(re.compile(r"/login/\?next=/leaderboard/$"))
    context.close()
