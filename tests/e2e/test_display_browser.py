"""A TV is paired by a manager and shows a kudos the moment an agent sends it.

Three browser contexts share one daphne: the TV (1920×1080, logged in as no
one), the manager who pairs it, and agent05 who sends a kudos. The TV is
never reloaded after it shows the board: the kudos arrives over its socket.
Assertions go by ids, classes and data attributes (and the kudos' own text),
so they hold whatever the language.
"""

from __future__ import annotations

import json
import re
import uuid
from types import SimpleNamespace

import pytest
from playwright.sync_api import Page, WebSocketRoute, expect

from tests.servers import site_python

pytestmark = pytest.mark.e2e

PASSWORD = "servicestar"
PATIENCE_MS = 15_000
TV = {"width": 1920, "height": 1080}
ROTATE_SECONDS = 5
RECEIVER = "李晓婷"  # agent01, in 话务一班


@pytest.fixture(autouse=True)
def _patient_expect():
    """Pairing polls every 3 s and live updates cross a socket: allow 15 s."""
    expect.set_options(timeout=PATIENCE_MS)
    yield
    expect.set_options(timeout=5_000)  # Playwright's default


def settled(page: Page, selector: str) -> None:
    """Wait for a panel's fade-in to finish, for a clean screenshot."""
    page.wait_for_function(
        "s => getComputedStyle(document.querySelector(s)).opacity === '1'", arg=selector
    )


def test_a_paired_display_shows_a_new_kudos_without_reloading(
    browser, live_site, screenshot
):
    base = live_site.url
    contexts = []

    def new_page(**options) -> Page:
        context = browser.new_context(**options)
        contexts.append(context)
        context.set_default_timeout(PATIENCE_MS)
        return context.new_page()

    def log_in(username: str, **options) -> Page:
        page = new_page(**options)
        page.goto(base + "/login/")
        page.locator("#id_username").fill(username)
        page.locator("#id_password").fill(PASSWORD)
        page.locator("main form button[type=submit]").click()
        expect(page).to_have_url(base + "/")
        return page

    try:
        # 1. The TV opens /display/ and shows a code and a QR code. Its
        # sockets pass through the test, which can cut them later.
        tv = new_page(viewport=TV, locale="zh-CN")
        sockets: list[WebSocketRoute] = []

        def through_the_test(route: WebSocketRoute) -> None:
            route.connect_to_server()
            sockets.append(route)

        tv.route_web_socket(re.compile(r"/ws/display/\d+/$"), through_the_test)
        tv.goto(base + "/display/")
        code = tv.locator("#pairing-code")
        expect(code).to_have_text(re.compile(r"^\s*[A-Z0-9]{4}-[A-Z0-9]{4}\s*$"))
        expect(tv.locator(".pairing-qr svg")).to_be_visible()
        typed = code.get_attribute("data-code")
        screenshot(tv, "pairing-code")

        # 2. A manager pairs it: whole center, in Chinese, fast rotation.
        manager = log_in("manager", locale="zh-CN")
        manager.goto(base + "/displays/pair/")
        manager.locator("#id_code").fill(typed)
        manager.locator("#id_name").fill(f"三楼电梯口 {uuid.uuid4().hex[:4]}")
        manager.locator("#id_scope").select_option("center")
        manager.locator("#id_language").select_option("zh-hans")
        manager.locator("#id_rotate_seconds").fill(str(ROTATE_SECONDS))
        expect(manager.locator("input[name=panels]:checked")).to_have_count(4)
        manager.locator("main form.stack button[type=submit]").click()
        expect(manager).to_have_url(base + "/displays/")

        # 3. The TV notices by itself and shows the board, live.
        expect(tv.locator("body.tv-board")).to_have_count(1)
        expect(tv.locator("html")).to_have_attribute("lang", "zh-CN")
        expect(tv.locator("#tv-link")).to_have_attribute("data-state", "open")
        expect(tv.locator("#panels > .panel.active")).to_have_count(1)
        expect(tv.locator("#updated-at")).to_have_text(re.compile(r"\d\d:\d\d:\d\d"))
        looks = tv.evaluate(
            """() => ({
                scrolls: document.documentElement.scrollHeight > innerHeight
                    || document.documentElement.scrollWidth > innerWidth,
                cursor: getComputedStyle(document.body).cursor,
                token: document.cookie.includes("servicestar_display="),
                url: location.href,
            })"""
        )
        assert looks == {
            "scrolls": False,
            "cursor": "none",
            "token": False,  # HttpOnly: no script on the page can read it
            "url": base + "/display/",  # the token is never in the address
        }, looks
        settled(tv, "#panels > .panel.active")
        screenshot(tv, "board")

        manager.reload()
        expect(manager.locator("tr[data-status=online]")).to_have_count(1)

        # 4. agent05 thanks a colleague on the kudos page.
        tv.evaluate("window.__sameDocument = true")
        message = f"耐心帮客户核对了三遍电费账单 {uuid.uuid4().hex[:6]}"
        agent = log_in("agent05", locale="zh-CN")
        agent.goto(base + "/kudos/")
        receiver = agent.locator("#id_receiver option", has_text=RECEIVER).first
        agent.locator("#id_receiver").select_option(receiver.get_attribute("value"))
        agent.locator("input[name=heart]").first.check()
        agent.locator("#id_message").fill(message)
        agent.locator("form:has(#id_message) button[type=submit]").click()
        expect(agent).to_have_url(base + "/kudos/")
        expect(agent.locator(".flash")).to_be_visible()

        # 5. The TV shows it without a reload.
        kudos = tv.locator("#panel-kudos .kudos", has_text=message)
        expect(kudos).to_have_count(1)
        expect(kudos).to_contain_text(RECEIVER)
        assert tv.evaluate("window.__sameDocument") is True
        expect(tv.locator("#panel-kudos.active")).to_be_visible(
            timeout=(4 * ROTATE_SECONDS + 5) * 1000
        )
        settled(tv, "#panel-kudos")
        screenshot(tv, "kudos")

        # 6. The connection breaks (1011), then the server closes it cleanly
        # (1000, as daphne does after 24 hours): the TV reconnects by itself
        # each time, without a reload, and gets a fresh snapshot.
        for code in (1011, 1000):
            before = len(sockets)
            sockets[-1].close(code=code)
            expect(tv.locator("#tv-link")).to_have_attribute("data-state", "closed")
            expect(tv.locator("#tv-link")).to_have_attribute("data-state", "open")
            assert len(sockets) == before + 1
        expect(kudos).to_have_count(1)
        assert tv.evaluate("window.__sameDocument") is True

        # 7. The manager revokes it: the TV says so at once and stays put.
        display_id = re.search(
            r"/ws/display/(\d+)/", tv.locator("body").get_attribute("data-socket")
        ).group(1)
        manager.goto(f"{base}/displays/{display_id}/revoke/")
        manager.locator("main form button[type=submit]").click()
        expect(manager).to_have_url(base + "/displays/")
        expect(tv.locator("#revoked .revoked-box")).to_be_visible()
        expect(tv.locator("#tv-link")).to_have_attribute("data-state", "closed")
        screenshot(tv, "revoked")
    finally:
        for context in contexts:
            context.close()


PAIRED_DISPLAY = """
import json
from leaderboard import displays
from people.models import User
code, secret = displays.start_pairing(browser_secret=None)
displays.claim_code(code=code.code, by=User.objects.get(username="manager"),
                    name="Two quizzes TV", scope="center", language="en")
print(json.dumps({"token": displays.collect_token(browser_secret=secret).token}))
"""


def _quiz_frames(quiz_id: int, players: int, answered: int) -> tuple[str, str]:
    """A running question's stage and a later "N of M answered", rendered from
    the templates the server uses."""
    from django.template.loader import render_to_string
    from django.utils import translation

    quiz = SimpleNamespace(
        pk=quiz_id,
        version=3,
        status="running",
        phase="open",
        title=f"Quiz {quiz_id}",
        pin="123456",
    )
    question = SimpleNamespace(number=1, prompt=f"Question of quiz {quiz_id}")
    context = {"quiz": quiz, "question": question, "total": 5, "players": players}
    with translation.override("en"):
        stage = render_to_string(
            "contests/quiz/_audience_stage.html", {**context, "answered": 0}
        )
        count = render_to_string(
            "contests/_audience_answered.html", {**context, "answered": answered}
        )
    return stage, count


def test_a_tv_following_two_live_quizzes_counts_each_ones_answers(browser, live_site):
    """Two quizzes run at once on the floor: the TV shows one (the older), and
    the other's answer count never lands on it."""
    token = json.loads(site_python(live_site.env, PAIRED_DISPLAY))["token"]
    context = browser.new_context(viewport=TV)
    try:
        context.add_cookies(
            [{"name": "servicestar_display", "value": token, "url": live_site.url}]
        )
        tv = context.new_page()
        routes: list[WebSocketRoute] = []

        def played_by_the_test(route: WebSocketRoute) -> None:
            routes.append(route)
            route.send(json.dumps({"type": "snapshot", "panels": "", "quizzes": []}))

        tv.route_web_socket(re.compile(r"/ws/display/\d+/$"), played_by_the_test)
        tv.goto(live_site.url + "/display/")
        expect(tv.locator("#tv-link")).to_have_attribute("data-state", "open")
        older_stage, older_count = _quiz_frames(41, players=5, answered=2)
        newer_stage, newer_count = _quiz_frames(42, players=4, answered=3)
        for html in (older_stage, newer_stage):
            routes[-1].send(json.dumps({"type": "quiz", "html": html}))
        shown = tv.locator("#takeover #audience-stage")
        expect(shown).to_have_attribute("data-quiz", "41")
        counted = tv.locator("#takeover #audience-answered")
        expect(counted).to_have_text("0 of 5 answered")

        routes[-1].send(json.dumps({"type": "quiz", "html": older_count}))
        expect(counted).to_have_text("2 of 5 answered")
        routes[-1].send(json.dumps({"type": "quiz", "html": newer_count}))
        # Frames are handled in order: once this one's time is shown, the
        # newer quiz's count has been handled too.
        routes[-1].send(json.dumps({"type": "pong", "at": "12:34:56"}))
        expect(tv.locator("#updated-at")).to_have_text("12:34:56")
        expect(counted).to_have_text("2 of 5 answered")
        # The newer quiz's count went to its own stage, kept for when the
        # older quiz ends.
        routes[-1].send(json.dumps({"type": "quizzes", "live": [42]}))
        expect(shown).to_have_attribute("data-quiz", "42")
        expect(counted).to_have_text("3 of 4 answered")
    finally:
        context.close()


def _stage(quiz_id: int, status: str, phase: str = "", version: int = 1, **extra):
    """An #audience-stage frame, rendered from the server's template."""
    from django.template.loader import render_to_string
    from django.utils import translation

    quiz = SimpleNamespace(
        pk=quiz_id,
        version=version,
        status=status,
        phase=phase,
        title=f"Quiz {quiz_id}",
        pin=f"{quiz_id:06d}",
    )
    context = {"quiz": quiz, "total": 5, "players": 7, "answered": 0, **extra}
    with translation.override("en"):
        return render_to_string("contests/quiz/_audience_stage.html", context)


def _played_tv(browser, live_site):
    """A paired TV whose socket is played by the test."""
    token = json.loads(site_python(live_site.env, PAIRED_DISPLAY))["token"]
    context = browser.new_context(viewport=TV)
    context.add_cookies(
        [{"name": "servicestar_display", "value": token, "url": live_site.url}]
    )
    tv = context.new_page()
    routes: list[WebSocketRoute] = []

    def played_by_the_test(route: WebSocketRoute) -> None:
        routes.append(route)
        route.send(json.dumps({"type": "snapshot", "panels": "", "quizzes": []}))

    tv.route_web_socket(re.compile(r"/ws/display/\d+/$"), played_by_the_test)
    tv.goto(live_site.url + "/display/")
    expect(tv.locator("#tv-link")).to_have_attribute("data-state", "open")
    return context, tv, lambda frame: routes[-1].send(json.dumps(frame))


def test_a_tv_takes_over_in_the_lobby_with_the_pin_and_a_qr_code(
    browser, live_site, screenshot
):
    """Players arriving in a room see the PIN and a QR code of the join
    address on the TV; the older lobby wins, and a running quiz beats both."""
    from django.test import override_settings

    from contests.engine.snapshots import join_qr_svg

    with override_settings(SITE_URLS=["https://star.example.com"]):
        older = _stage(51, "lobby", join_qr=join_qr_svg("000051"))
        newer = _stage(52, "lobby", join_qr=join_qr_svg("000052"))
    context, tv, send = _played_tv(browser, live_site)
    try:
        send({"type": "quiz", "html": newer})
        send({"type": "quiz", "html": older})
        takeover = tv.locator("#takeover")
        expect(takeover).to_be_visible()
        expect(takeover.locator("#audience-stage")).to_have_attribute("data-quiz", "51")
        expect(takeover.locator("#audience-pin")).to_have_text("000051")
        expect(takeover.locator(".audience-qr svg")).to_be_visible()
        arrivals = takeover.locator("#audience-arrivals")
        expect(arrivals).to_contain_text("7 players")
        screenshot(tv, "lobby")

        # Players keep arriving: the count follows, on its own quiz only.
        from django.template.loader import render_to_string
        from django.utils import translation

        for quiz_id, players in ((52, 30), (51, 12)):
            with translation.override("en"):
                html = render_to_string(
                    "contests/_audience_arrivals.html",
                    {"quiz": SimpleNamespace(pk=quiz_id), "players": players},
                )
            send({"type": "quiz", "html": html})
        expect(arrivals).to_contain_text("12 players")

        send({"type": "quiz", "html": _stage(52, "running", "open", version=2)})
        expect(takeover.locator("#audience-stage")).to_have_attribute("data-quiz", "52")
    finally:
        context.close()


def test_a_tv_shows_the_options_and_a_countdown_that_never_jumps_back(
    browser, live_site
):
    question = SimpleNamespace(number=1, prompt="Which comes first?", kind="single")
    options = [{"index": i, "text": f"Step {i}"} for i in range(4)]
    stage = _stage(
        61,
        "running",
        "open",
        version=3,
        question=question,
        options=options,
        remaining_ms=30_000,
    )
    context, tv, send = _played_tv(browser, live_site)
    try:
        send({"type": "quiz", "html": stage})
        shown = tv.locator("#takeover .audience-options .option")
        expect(shown).to_have_count(4)
        expect(shown.nth(0)).to_have_text("Step 0")
        colours = shown.evaluate_all(
            "els => els.map(el => getComputedStyle(el).backgroundColor)"
        )
        # The phones' colours (app.css), one per option.
        assert colours == [
            "rgb(13, 107, 107)",
            "rgb(180, 83, 9)",
            "rgb(159, 18, 57)",
            "rgb(55, 48, 163)",
        ], colours
        seconds = tv.locator("#takeover [data-countdown] .countdown-seconds")
        expect(seconds).to_have_text("30")
        # It counts down to the server's deadline ...
        tv.wait_for_function(
            "el => Number(el.textContent) < 30", arg=seconds.element_handle()
        )
        before = int(seconds.text_content())
        # ... and an "answered" count does not start it again.
        from django.template.loader import render_to_string

        count = render_to_string(
            "contests/_audience_answered.html",
            {"quiz": SimpleNamespace(pk=61), "answered": 3, "players": 7},
        )
        send({"type": "quiz", "html": count})
        send({"type": "pong", "at": "12:34:56"})
        expect(tv.locator("#updated-at")).to_have_text("12:34:56")
        expect(tv.locator("#takeover #audience-answered")).to_contain_text("3")
        assert int(seconds.text_content()) <= before
    finally:
        context.close()
