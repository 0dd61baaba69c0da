"""The podium on a phone and on a TV, with a tie on first and four tied on
third: the winner's step stays in the middle, each step marks its tie, and
every name reads on its own lines instead of one character a line.

The stages are rendered from the server's templates and shown with the real
stylesheets; screenshots go to test-artifacts/screenshots/.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.utils import translation
from playwright.sync_api import Page, expect

from contests.engine.podium import podium_steps

pytestmark = pytest.mark.e2e

CSS = Path(__file__).resolve().parents[2] / "static" / "css"
PHONE = {"width": 375, "height": 667}
TV = {"width": 1920, "height": 1080}
FIRST = ["王晓明", "Alexandra Johnson-Whitfield"]
THIRD = ["李娜", "Christopher Wang", "欧阳娜娜", "张伟"]


def _standings() -> list[SimpleNamespace]:
    rows = [(name, 1, 2400) for name in FIRST]
    rows += [(name, 3, 1800) for name in THIRD]
    rows += [(f"选手{n}", 7, 0) for n in range(6)]
    return [
        SimpleNamespace(name=name, public_name=name, rank=rank, score=score)
        for name, rank, score in rows
    ]


def _finished(template: str) -> str:
    quiz = SimpleNamespace(
        pk=5,
        version=40,
        status="finished",
        phase="",
        title="业务知识擂台赛",
        team_mode=False,
    )
    with translation.override("zh-hans"):
        return render_to_string(
            template, {"quiz": quiz, "podium": podium_steps(_standings())}
        )


def _phone_page() -> str:
    stage = _finished("contests/quiz/_player_stage.html")
    css = (CSS / "app.css").read_text()
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<style>{css}</style></head><body><main class="page">'
        f'<div class="quiz-shell play-shell">{stage}</div></main></body></html>'
    )


def _tv_page() -> str:
    stage = _finished("contests/quiz/_audience_stage.html")
    css = (CSS / "display.css").read_text()
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        f'<style>{css}</style></head><body class="tv tv-board">'
        f'<div id="takeover" class="tv-takeover">{stage}</div></body></html>'
    )


def assert_a_readable_centred_podium(page: Page) -> None:
    podium = page.locator(".podium")
    expect(podium.locator("> li")).to_have_count(2)  # nobody is second
    expect(podium.locator("li.place-1 .tied")).to_have_text("并列")
    expect(podium.locator("li.place-3 .tied")).to_have_text("并列")
    expect(podium.locator("li.place-1 .name")).to_have_text(FIRST)
    expect(podium.locator("li.place-3 .name")).to_have_text(THIRD[:3])
    expect(podium.locator("li.place-3 .more")).to_have_text("另有 1 人")
    expect(podium).not_to_contain_text("选手")  # nobody on 0 points

    box = podium.bounding_box()
    first = podium.locator("li.place-1").bounding_box()
    middle = box["x"] + box["width"] / 2
    assert abs(first["x"] + first["width"] / 2 - middle) < 2, "the winner is off centre"

    steps = {
        place: podium.locator(f"li.place-{place} .step").bounding_box()["height"]
        for place in (1, 3)
    }
    assert steps[1] > steps[3], "the first step is not the highest"

    for name in podium.locator(".name").all():
        text = name.inner_text().strip()
        line = float(name.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)"))
        lines = round(name.bounding_box()["height"] / line)
        # A short name on one line; a long one on a few, never a character each.
        assert lines <= (1 if len(text) <= 4 else 3), f"{text!r} takes {lines} lines"
        cut = name.evaluate("e => e.scrollWidth > e.clientWidth")
        assert not cut, f"{text!r} is cut off"

    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], (
        f"the page scrolls sideways ({width}px)"
    )


def test_a_phone_shows_a_tied_podium_readably(browser, screenshot):
    context = browser.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        page.set_content(_phone_page())
        screenshot(page, "phone")
        assert_a_readable_centred_podium(page)
    finally:
        context.close()


def test_a_tv_shows_a_tied_podium_readably(browser, screenshot):
    context = browser.new_context(viewport=TV)
    try:
        page = context.new_page()
        page.set_content(_tv_page())
        screenshot(page, "tv")
        assert_a_readable_centred_podium(page)
    finally:
        context.close()
