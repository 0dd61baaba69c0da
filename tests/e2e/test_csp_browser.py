"""Every page works under the Content-Security-Policy, in a real Chromium.

A page that leans on something the policy refuses (an inline style or script,
an onsubmit attribute, htmx's own <style>, eval) does not break loudly: the
browser drops that one thing and reports a `securitypolicyviolation` event
and a console error. This test listens for both on every page it opens and
fails on any of them: a live quiz played to its end (console, player page, a
paired wall display following it), every kind of page an agent, a trainer and
a manager reach by following links, the pairing screen and a few admin pages.
"""

from __future__ import annotations

import json
import re
import urllib.parse
import uuid

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.servers import site_python
from training.demo_questions import BANKS

pytestmark = pytest.mark.e2e

PASSWORD = "servicestar"
PATIENCE_MS = 15_000
TV = {"width": 1920, "height": 1080}
BANK = next(bank for bank in BANKS if bank.name == "Contact Center Basics")
SINGLE = next(question for question in BANK.questions if question.kind == "single")
# Links the crawl does not follow: files, the admin (visited on its own) and
# anything that would end the session.
NOT_PAGES = re.compile(r"(\.xlsx|\.svg|/export/|/logout/|^/admin/|^/media/|^/i18n/)")
ADMIN_PAGES = [
    "/admin/",
    "/admin/people/user/",
    "/admin/people/user/add/",
    "/admin/training/question/",
    "/admin/leaderboard/pointentry/",
]
PAIRED_DISPLAY = """
import json
from leaderboard import displays
from people.models import User
code, secret = displays.start_pairing(browser_secret=None)
displays.claim_code(code=code.code, by=User.objects.get(username="manager"),
                    name="CSP TV", scope="center", language="en")
print(json.dumps({"token": displays.collect_token(browser_secret=secret).token}))
"""
REVOKE_TEST_DISPLAYS = """
from leaderboard import displays
from leaderboard.models import Display
from people.models import User
manager = User.objects.get(username="manager")
for display in Display.objects.filter(name="CSP TV", revoked_at=None):
    displays.revoke_display(display=display, by=manager)
print("done")
"""
# Runs in every document before its own scripts: each violation is handed to
# the test at once, so none is lost when the page navigates away.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolation({
    page: location.pathname,
    directive: event.violatedDirective,
    blocked: event.blockedURI,
    sample: event.sample,
    line: event.lineNumber,
  });
});
"""

DRAWN_BAR = """() => {
  const fill = document.querySelector(".bar.is-correct .bar-fill");
  return fill !== null && fill.getBoundingClientRect().width > 0;
}"""


@pytest.fixture(autouse=True)
def _patient_expect():
    expect.set_options(timeout=PATIENCE_MS)
    yield
    expect.set_options(timeout=5_000)  # Playwright's default


class Watched:
    """Browser contexts whose pages report every policy violation."""

    def __init__(self, browser, base: str):
        self.browser = browser
        self.base = base
        self.contexts: list[BrowserContext] = []
        self.violations: list[dict] = []

    def context(self, **options) -> BrowserContext:
        context = self.browser.new_context(**options)
        self.contexts.append(context)
        context.set_default_timeout(PATIENCE_MS)
        context.expose_binding(
            "__cspViolation", lambda _source, report: self.violations.append(report)
        )
        context.add_init_script(REPORT_VIOLATIONS)
        context.on("console", self._console)
        return context

    def _console(self, message) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            self.violations.append({"console": message.text, "page": message.location})

    def logged_in(self, username: str, **options) -> Page:
        page = self.context(**options).new_page()
        page.goto(self.base + "/login/")
        page.locator("#id_username").fill(username)
        page.locator("#id_password").fill(PASSWORD)
        page.locator("main form button[type=submit]").click()
        expect(page).to_have_url(self.base + "/")
        return page

    def visit(self, page: Page, path: str) -> None:
        response = page.goto(self.base + path)
        assert response is not None and response.ok, (path, response)
        policy = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in policy, (path, policy)
        settle(page)

    def close(self) -> None:
        for context in self.contexts:
            for page in context.pages:
                settle(page)  # let reports still on their way arrive
            context.close()


def settle(page: Page) -> None:
    """Let the page run its deferred scripts and queued tasks (violation
    reports are queued) and round-trip to the test."""
    page.wait_for_load_state("load")
    page.evaluate("() => new Promise((done) => setTimeout(done, 50))")


def crawl(watched: Watched, page: Page, *, limit: int = 80) -> list[str]:
    """Open every kind of page reachable by links from the home page: one
    page per shape of address (numbers and query values left out)."""
    seen_shapes: set[str] = set()
    queue = ["/"]
    visited = []
    while queue and len(visited) < limit:
        path = queue.pop(0)
        parts = urllib.parse.urlsplit(path)
        shape = (
            re.sub(r"\d+", "N", parts.path)
            + "?"
            + ",".join(sorted(urllib.parse.parse_qs(parts.query)))
        )
        if shape in seen_shapes or NOT_PAGES.search(parts.path):
            continue
        seen_shapes.add(shape)
        watched.visit(page, path)
        visited.append(path)
        for href in page.eval_on_selector_all(
            "a[href]", "links => links.map((link) => link.href)"
        ):
            link = urllib.parse.urlsplit(href)
            if link.netloc == urllib.parse.urlsplit(watched.base).netloc:
                queue.append(link.path + (f"?{link.query}" if link.query else ""))
    return visited


def test_no_page_breaks_the_content_security_policy(browser, live_site):
    watched = Watched(browser, live_site.url)
    base = live_site.url
    try:
        # A paired wall display, showing the board until a quiz takes it over.
        token = json.loads(site_python(live_site.env, PAIRED_DISPLAY))["token"]
        tv_context = watched.context(viewport=TV, locale="en-US")
        tv_context.add_cookies(
            [{"name": "servicestar_display", "value": token, "url": base}]
        )
        tv = tv_context.new_page()
        tv.goto(base + "/display/")
        expect(tv.locator("#tv-link")).to_have_attribute("data-state", "open")
        expect(tv.locator("#panels > .panel.active")).to_have_count(1)
        # The team board's bars take their length from data-share.
        bars = tv.eval_on_selector_all(
            "#panel-teams .fill",
            "bars => bars.map((b) => [b.dataset.share, b.style.width])",
        )
        assert bars, "the demo's team board has bars"
        assert all(width == f"{share}%" for share, width in bars), bars

        # A one-question quiz, built on the form (its question list is an
        # htmx swap) and played to the end.
        trainer = watched.logged_in("trainer2", locale="zh-CN")
        trainer.goto(base + "/quizzes/new/")
        trainer.locator("#id_title").fill(f"CSP quiz {uuid.uuid4().hex[:6]}")
        trainer.locator("#id_seconds_per_question").fill("120")
        trainer.locator("select[name=bank]").select_option(label=BANK.name)
        picker = trainer.locator("#question-picker")
        picker.locator("label.check-row", has_text=SINGLE.prompt[:50]).locator(
            "input[name=questions]"
        ).check()
        trainer.locator("form.quiz-form button.primary").last.click()
        expect(trainer).to_have_url(re.compile(r"/quizzes/\d+/console/$"))
        pin = trainer.locator("#console-stage .pin").inner_text().strip()

        agent = watched.logged_in("agent07", locale="en-US")
        agent.goto(f"{base}/join/{pin}/")
        agent.locator("main form button[type=submit]").click()
        expect(agent.locator("#quiz-stage")).to_have_attribute("data-status", "lobby")

        console = trainer.locator("#console-stage")
        expect(trainer.locator("#console-players li")).to_have_count(1)
        console.locator("button[ws-send]").click()
        expect(agent.locator("#quiz-stage")).to_have_attribute("data-phase", "open")
        expect(tv.locator("#takeover #audience-stage")).to_be_visible()
        right = SINGLE.correct[0]
        agent.locator(f'#quiz-stage button.option[value="{right}"]').click()
        expect(agent.locator("#quiz-answer .locked")).to_be_visible()

        host_next = console.locator(".host-buttons .button.primary")
        host_next.click()  # close and reveal: bars of how the room answered
        expect(agent.locator("#quiz-stage")).to_have_attribute("data-phase", "revealed")
        for page in (agent, trainer):
            # The bar is drawn from data-share, not from a refused style attribute.
            page.wait_for_function(DRAWN_BAR)
        host_next.click()  # the leaderboard
        expect(console).to_have_attribute("data-phase", "leaderboard")
        host_next.click()  # finish
        expect(console).to_have_attribute("data-status", "finished")
        expect(agent.locator("#quiz-stage")).to_have_attribute(
            "data-status", "finished"
        )

        # Hiding a kudos asks first (data-confirm, not an onsubmit attribute
        # the policy would refuse, letting the form go without asking).
        message = f"CSP kudos {uuid.uuid4().hex[:6]}"
        agent.goto(base + "/kudos/")
        agent.locator("#id_receiver").select_option(index=1)
        agent.locator("input[name=heart]").first.check()
        agent.locator("#id_message").fill(message)
        agent.locator("form:has(#id_message) button[type=submit]").click()
        expect(agent.locator(".flash")).to_be_visible()
        trainer.goto(base + "/kudos/")
        asked = []
        trainer.on("dialog", lambda dialog: (asked.append(dialog), dialog.dismiss()))
        sent = trainer.locator(".kudos-list li", has_text=message)
        sent.locator("form button[type=submit]").click()
        expect(sent).not_to_have_class(re.compile(r"\bis-hidden\b"))
        assert [dialog.type for dialog in asked] == ["confirm"]

        # Every kind of page each role reaches by following links.
        manager = watched.logged_in("manager", locale="zh-CN")
        reached = {
            "agent": crawl(watched, agent),
            "trainer": crawl(watched, trainer),
            "manager": crawl(watched, manager),
        }
        assert any("/results/" in path for path in reached["trainer"]), reached
        assert any("/displays/" in path for path in reached["manager"]), reached
        for path in ADMIN_PAGES:
            watched.visit(manager, path)
        first_user = manager.locator("#result_list tbody a").first
        watched.visit(manager, "/admin/people/user/")
        first_user.click()
        expect(manager.locator("#user_form, form[method=post]").first).to_be_visible()
        settle(manager)

        # The manager revokes the TV, which says so at once.
        socket = tv.locator("body").get_attribute("data-socket")
        display_id = re.search(r"/ws/display/(\d+)/", socket).group(1)
        manager.goto(f"{base}/displays/{display_id}/revoke/")
        manager.locator("main form button[type=submit]").click()
        expect(tv.locator("#revoked .revoked-box")).to_be_visible()

        # A new TV's pairing screen.
        pairing = watched.context(viewport=TV).new_page()
        watched.visit(pairing, "/display/")
        expect(pairing.locator(".pairing-qr svg")).to_be_visible()
    finally:
        watched.close()
        # The other browser tests count the displays online: leave none.
        site_python(live_site.env, REVOKE_TEST_DISPLAYS)
    assert watched.violations == []
