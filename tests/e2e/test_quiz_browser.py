"""A trainer runs a live quiz for three agents in real browsers, lobby to podium.

Four browser contexts share one daphne: the trainer's console (Chinese), an
agent on a desktop (Chinese), an agent in English and an agent on a phone
(Chinese). Each agent joins a different way (PIN, the home page's "live now"
panel, the QR code's URL). The agents answer so that the ranking is known in
advance: agent01 always right, agent03 right only on the first question,
agent02 never. Assertions go by selectors and data attributes, and by visible
text only on the English page, so they hold while the Chinese catalogue grows.
"""

from __future__ import annotations

import html
import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from training.demo_questions import BANKS

pytestmark = pytest.mark.e2e

PASSWORD = "servicestar"
PATIENCE_MS = 10_000
PHONE = {"width": 375, "height": 667}
BANK = next(bank for bank in BANKS if bank.name == "Contact Center Basics")
# The demo questions by prompt: the test reads the prompt off the screen and
# looks up the kind, the right answer and the explanation here.
DEMO = {question.prompt: question for question in BANK.questions}
# One question per way of answering: tap an option, tick boxes, type.
CHOSEN = [
    next(question for question in BANK.questions if question.kind == kind)
    for kind in ("single", "multiple", "text")
]
# Which questions each agent gets right (by the question's number, from 0).
RIGHT_ON = {"agent01": {0, 1, 2}, "agent02": set(), "agent03": {0}}
FINAL_RANK = {"agent01": 1, "agent03": 2, "agent02": 3}
ONLY_DIGITS_3_OF_3 = re.compile(r"^\D*3\D+3\D*$")


@pytest.fixture(autouse=True)
def _patient_expect():
    """Live updates cross a socket and a channel layer: allow them 10 s."""
    expect.set_options(timeout=PATIENCE_MS)
    yield
    expect.set_options(timeout=5_000)  # Playwright's default


def test_trainer_runs_a_quiz_for_three_agents_from_the_lobby_to_the_podium(
    browser, live_site, screenshot
):
    base = live_site.url
    contexts = []
    frames: dict[str, list[str]] = {}

    def open_as(username: str, **options) -> Page:
        context = browser.new_context(**options)
        contexts.append(context)
        context.set_default_timeout(PATIENCE_MS)
        page = context.new_page()
        received = frames.setdefault(username, [])
        page.on(
            "websocket",
            lambda socket: socket.on(
                "framereceived",
                lambda data: received.append(
                    data if isinstance(data, str) else data.decode(errors="replace")
                ),
            ),
        )
        page.goto(base + "/login/")
        page.locator("#id_username").fill(username)
        page.locator("#id_password").fill(PASSWORD)
        page.locator("main form button[type=submit]").click()
        expect(page).to_have_url(base + "/")
        return page

    try:
        trainer = open_as("trainer1", locale="zh-CN")

        # 1. The trainer builds a three-question quiz from the English bank.
        trainer.goto(base + "/quizzes/new/")
        trainer.locator("#id_title").fill(f"E2E quiz {uuid.uuid4().hex[:6]}")
        trainer.locator("#id_seconds_per_question").fill("120")
        trainer.locator("select[name=bank]").select_option(label=BANK.name)
        picker = trainer.locator("#question-picker")
        expect(picker.locator("input[name=questions]").first).to_be_visible()
        for question in CHOSEN:
            row = picker.locator("label.check-row", has_text=question.prompt[:50])
            row.locator("input[name=questions]").check()
        expect(picker.locator("input[name=questions]:checked")).to_have_count(3)
        trainer.locator("form.quiz-form button.primary").last.click()
        expect(trainer).to_have_url(re.compile(r"/quizzes/\d+/console/$"))
        quiz_id = re.search(r"/quizzes/(\d+)/console/", trainer.url).group(1)
        pin = trainer.locator("#console-stage .pin").inner_text().strip()
        assert re.fullmatch(r"\d{6}", pin), pin
        start = trainer.locator("#lobby-start button[ws-send]")
        expect(start).to_be_disabled()  # nobody has joined yet
        play_url = f"{base}/quizzes/{quiz_id}/play/"

        # 2. Three agents join, each their own way.
        ace = open_as("agent01", locale="zh-CN")
        ace.goto(base + "/join/")
        ace.locator("#id_pin").fill(pin)
        ace.locator("main form button[type=submit]").click()
        expect(ace).to_have_url(play_url)

        english = open_as("agent02", locale="en-US")
        english.locator(f'#live-now a.button[href$="/join/{pin}/"]').click()
        expect(english).to_have_url(f"{base}/join/{pin}/")
        english.locator("main form button[type=submit]").click()
        expect(english).to_have_url(play_url)

        phone = open_as("agent03", locale="zh-CN", viewport=PHONE, is_mobile=True)
        phone.goto(f"{base}/join/{pin}/")  # where the QR code points
        phone.locator("main form button[type=submit]").click()
        expect(phone).to_have_url(play_url)

        # Playing, the phone shows a slim bar with a way out, not the site's menu.
        expect(phone.locator("header.topbar")).to_have_count(0)
        expect(phone.locator(".playbar-leave")).to_have_attribute("href", "/")
        assert_on_first_screen(phone, ".playbar-leave")

        agents = {"agent01": ace, "agent02": english, "agent03": phone}
        names = {}
        for username, page in agents.items():
            expect(page.locator("#quiz-stage")).to_have_attribute(
                "data-status", "lobby"
            )
            names[username] = page.locator("#quiz-me .me-name").inner_text().strip()
        expect(english.locator("html")).to_have_attribute("lang", "en")
        expect(english.locator("#quiz-stage h2")).to_have_text("You're in!")

        # 3. The console lists the three players; the trainer starts.
        console = trainer.locator("#console-stage")
        expect(trainer.locator("#console-players li")).to_have_count(3)
        for name in names.values():
            expect(trainer.locator("#console-players")).to_contain_text(name)
        expect(trainer.locator("#lobby-count")).to_have_text(re.compile(r"^\D*3\D*$"))
        screenshot(trainer, "trainer-lobby")
        expect(start).to_be_enabled()
        start.click()

        # 4. Three rounds: question, answers, reveal, leaderboard.
        host_next = console.locator(".host-buttons .button.primary")
        position = None
        for number in range(3):
            expect(console).to_have_attribute("data-phase", "open")
            if position is not None:
                expect(console).not_to_have_attribute("data-position", position)
            position = console.get_attribute("data-position")
            on_stage = f'#quiz-stage[data-phase="open"][data-position="{position}"]'
            for page in agents.values():
                expect(page.locator(on_stage)).to_have_count(1)
            prompt = ace.locator("#quiz-stage .prompt").inner_text().strip()
            question = DEMO[prompt]
            if number == 0:
                assert_fits_the_phone(phone)
                screenshot(phone, "phone-question")

            for username, page in agents.items():
                answer(page, question, right=number in RIGHT_ON[username])
                assert_locked_in(page, position)
            expect(english.locator("#quiz-answer .locked")).to_have_text(
                "Answer locked in"
            )
            expect(trainer.locator("#answered-count")).to_have_text(ONLY_DIGITS_3_OF_3)

            # Nothing on an agent's screen, nor anything its sockets carried,
            # gives the answer away before the reveal.
            for username, page in agents.items():
                assert_answer_not_leaked(page, frames[username], question)

            host_next.click()  # close and reveal
            expect(console).to_have_attribute("data-phase", "revealed")
            for username, page in agents.items():
                assert_revealed(
                    page, question, position, right=number in RIGHT_ON[username]
                )
                # The same search finds the explanation once it is meant to be seen.
                assert any(
                    carries(frame, question.explanation[:60])
                    for frame in frames[username]
                )
            expect(english.locator("#quiz-me .verdict")).to_contain_text(
                "Not this time"
            )
            # The phone's own result comes first, above the answers' bars.
            assert_on_first_screen(phone, "#quiz-me .verdict")
            assert_on_first_screen(phone, "#quiz-me .me-line")
            assert_above(phone, "#quiz-me", "#quiz-stage")
            if number == 0:
                assert_fits_the_phone(phone)
                screenshot(phone, "phone-reveal")
                screenshot(trainer, "trainer-reveal")

            host_next.click()  # the leaderboard
            expect(console).to_have_attribute("data-phase", "leaderboard")
            for page in agents.values():
                expect(page.locator("#quiz-stage")).to_have_attribute(
                    "data-phase", "leaderboard"
                )
            host_next.click()  # the next question, or finish after the last

        # 5. The podium, everyone's final rank, and the results page.
        expect(console).to_have_attribute("data-status", "finished")
        for username, page in agents.items():
            expect(page.locator("#quiz-stage")).to_have_attribute(
                "data-status", "finished"
            )
            assert_podium(page.locator("#quiz-stage .podium"), names)
            rank = FINAL_RANK[username]
            expect(page.locator("#quiz-me .me-final")).to_have_text(
                re.compile(rf"(?<!\d){rank}(?!\d)")
            )
        expect(english.locator("#quiz-me .me-final")).to_have_text(
            re.compile(r"You finished\s*#3\s*of 3")
        )
        assert_on_first_screen(phone, "#quiz-me .me-final")
        assert_above(phone, "#quiz-me", "#quiz-stage .podium")
        screenshot(phone, "phone-podium")
        assert_podium(console.locator(".podium"), names)
        screenshot(trainer, "trainer-podium")

        console.locator(f'a[href$="/quizzes/{quiz_id}/results/"]').click()
        expect(trainer).to_have_url(f"{base}/quizzes/{quiz_id}/results/")
        rows = trainer.locator("table.table tbody tr")
        expect(rows).to_have_count(3)
        for index, username in enumerate(sorted(FINAL_RANK, key=FINAL_RANK.get)):
            expect(rows.nth(index)).to_contain_text(names[username])
    finally:
        for context in contexts:
            context.close()


def answer(page: Page, question, *, right: bool) -> None:
    """Answer as a player would; options are found by value, not position,
    because each player sees them in an order of their own."""
    form = page.locator("#quiz-stage form.answer-form")
    if question.kind == "text":
        form.locator("input[name=text]").fill(
            question.correct[0].lower() if right else "no idea"
        )
        form.locator("button[type=submit]").click()
        return
    count = len(question.options) if question.options else 2  # true/false
    wrong = next(i for i in range(count) if i not in question.correct)
    if question.kind == "multiple":
        for index in question.correct if right else [wrong]:
            form.locator(f'input[type=checkbox][value="{index}"]').check()
        form.locator("button[type=submit]").click()
    else:  # single choice, true/false
        index = question.correct[0] if right else wrong
        form.locator(f'button.option[value="{index}"]').click()


def assert_locked_in(page: Page, position: str) -> None:
    expect(page.locator("#quiz-answer")).to_have_attribute("data-position", position)
    expect(page.locator("#quiz-answer .locked")).to_be_visible()
    form = page.locator("#quiz-stage form.answer-form")
    expect(form).to_have_class(re.compile(r"\bis-locked\b"))
    controls = form.locator("button, input")
    assert controls.count() > 0
    for control in controls.all():
        expect(control).to_be_disabled()


def assert_answer_not_leaked(page: Page, received: list[str], question) -> None:
    expect(page.locator("#quiz-stage")).to_have_attribute("data-phase", "open")
    expect(page.locator(".is-correct")).to_have_count(0)
    expect(page.locator(".explanation")).to_have_count(0)
    # Every text node, hidden or not, then the raw socket messages.
    needle = question.explanation[:60]
    assert needle not in page.evaluate("document.documentElement.textContent")
    assert any('id="quiz-stage"' in frame for frame in received)
    assert not any(carries(frame, needle) for frame in received)


def carries(frame: str, text: str) -> bool:
    """Whether a socket message holds the text, as is or HTML-escaped."""
    return text in frame or html.escape(text) in frame


def assert_revealed(page: Page, question, position: str, *, right: bool) -> None:
    revealed = f'#quiz-stage[data-phase="revealed"][data-position="{position}"]'
    expect(page.locator(revealed)).to_have_count(1)
    verdict = page.locator("#quiz-me .verdict")
    expect(verdict).to_have_class(re.compile(r"\bright\b" if right else r"\bwrong\b"))
    if question.kind == "text":
        expect(page.locator("#quiz-stage .accepted")).to_contain_text(
            question.correct[0]
        )
    else:
        correct = page.locator("#quiz-stage .is-correct")
        expect(correct).to_have_count(len(question.correct))
    expect(page.locator("#quiz-stage .explanation")).to_contain_text(
        question.explanation[:60]
    )


def assert_podium(podium, names: dict[str, str]) -> None:
    """The two who scored stand on it; agent02, on 0 points, does not."""
    places = podium.locator("li")
    expect(places).to_have_count(2)
    for username, rank in FINAL_RANK.items():
        if RIGHT_ON[username]:
            expect(podium.locator(f"li.place-{rank} .who")).to_have_text(
                names[username]
            )
    expect(podium).not_to_contain_text(names["agent02"])


def assert_fits_the_phone(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways ({width}px)"


def assert_on_first_screen(page: Page, selector: str) -> None:
    """The element lies wholly within the first screenful of the page, where
    it is seen without scrolling."""
    expect(page.locator(selector)).to_be_visible()
    box = page.locator(selector).evaluate(
        "e => { const r = e.getBoundingClientRect();"
        " return {top: r.top + window.scrollY, bottom: r.bottom + window.scrollY,"
        " left: r.left + window.scrollX, right: r.right + window.scrollX}; }"
    )
    viewport = page.viewport_size
    assert box["top"] >= 0 and box["bottom"] <= viewport["height"], (
        f"{selector} is at {box['top']:.0f}-{box['bottom']:.0f}px, "
        f"below the first {viewport['height']}px"
    )
    assert box["left"] >= 0 and box["right"] <= viewport["width"], box


def assert_above(page: Page, first: str, then: str) -> None:
    top = page.locator(first).bounding_box()["y"]
    below = page.locator(then).bounding_box()["y"]
    assert top < below, f"{first} comes after {then}"


SECONDS = 60


def test_the_console_counts_down_with_the_phones_after_players_answer(
    browser, live_site
):
    """Answers arriving mid-question refresh "N of M answered" on the console;
    its countdown goes on from the server's deadline, as the phones' does,
    instead of starting again from the full time."""
    base = live_site.url
    contexts = []

    def open_as(username: str, **options) -> Page:
        context = browser.new_context(**options)
        contexts.append(context)
        context.set_default_timeout(PATIENCE_MS)
        page = context.new_page()
        page.goto(base + "/login/")
        page.locator("#id_username").fill(username)
        page.locator("#id_password").fill(PASSWORD)
        page.locator("main form button[type=submit]").click()
        expect(page).to_have_url(base + "/")
        return page

    def seconds_left(page: Page, stage: str) -> int:
        text = page.locator(f"{stage} .countdown-seconds").inner_text()
        return int(text.strip())

    try:
        trainer = open_as("trainer1", locale="en-US")
        trainer.goto(base + "/quizzes/new/")
        trainer.locator("#id_title").fill(f"Countdown {uuid.uuid4().hex[:6]}")
        trainer.locator("#id_seconds_per_question").fill(str(SECONDS))
        trainer.locator("select[name=bank]").select_option(label=BANK.name)
        picker = trainer.locator("#question-picker")
        single = CHOSEN[0]
        row = picker.locator("label.check-row", has_text=single.prompt[:50])
        row.locator("input[name=questions]").check()
        trainer.locator("form.quiz-form button.primary").last.click()
        expect(trainer).to_have_url(re.compile(r"/quizzes/\d+/console/$"))
        console = trainer.locator("#console-stage")
        pin = console.locator(".pin").inner_text().strip()

        phones = {}
        for username in ("agent04", "agent05"):
            page = open_as(username, viewport=PHONE, is_mobile=True)
            page.goto(f"{base}/join/{pin}/")
            page.locator("main form button[type=submit]").click()
            expect(page.locator("#quiz-stage")).to_have_attribute(
                "data-status", "lobby"
            )
            phones[username] = page
        expect(trainer.locator("#console-players li")).to_have_count(2)
        console.locator("button[ws-send]").click()
        expect(console).to_have_attribute("data-phase", "open")
        answering, waiting = phones["agent04"], phones["agent05"]
        for page in phones.values():
            expect(page.locator("#quiz-stage")).to_have_attribute("data-phase", "open")

        # Some time passes before anyone answers: the clocks show it.
        waiting.wait_for_function(
            "limit => Number(document.querySelector("
            "'#quiz-stage .countdown-seconds').textContent) <= limit",
            arg=SECONDS - 6,
            timeout=(SECONDS // 2) * 1000,
        )
        answer(answering, single, right=True)
        assert_locked_in(answering, console.get_attribute("data-position"))
        expect(trainer.locator("#answered-count")).to_have_text("1 of 2 answered")

        on_console = seconds_left(trainer, "#console-stage")
        on_phones = [seconds_left(page, "#quiz-stage") for page in phones.values()]
        assert on_console <= SECONDS - 5, (on_console, on_phones)
        for on_phone in on_phones:
            assert abs(on_console - on_phone) <= 2, (on_console, on_phones)
    finally:
        for context in contexts:
            context.close()
