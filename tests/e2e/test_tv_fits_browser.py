"""Every layout a paired TV shows fits its screen: a TV cannot scroll.

The TV page is the real one (a paired display, served by daphne); its socket
is played by the test, which sends the frames the server would send, rendered
from the server's own templates with the most a layout promises to hold: a
500-character question with six long options, a 1000-character explanation,
the top 10 and 10 teams on the leaderboard, 30 teams on the team board. Each
is checked at 1920×1080 and 3840×2160, in Chinese and in English, for an
element outside the screen or cut off by the box around it.
"""

from __future__ import annotations

import json
import re
from types import SimpleNamespace

import pytest
from django.utils import timezone
from playwright.sync_api import WebSocketRoute, expect

from tests.e2e.test_display_browser import PAIRED_DISPLAY
from tests.servers import site_python

pytestmark = pytest.mark.e2e

SCREENS = {
    "1080p": {"width": 1920, "height": 1080},
    "4k": {"width": 3840, "height": 2160},
}
LANGUAGES = ("zh-hans", "en")
TEAMS_ON_THE_BOARD = 30  # what the team board promises to hold
PROMPT = "客户来电说话务员没有按时回电，情绪激动，要求投诉并赔偿损失。" * 17
OPTION = "先安抚情绪，复述客户诉求并确认，再说明处理时限和回访方式 " * 3
EXPLANATION = "Acknowledge the feeling first, then the facts. " * 22

# Every element on screen lies inside the screen and inside each box that
# clips it, and holds what is in it; text cut on purpose (an ellipsis, a
# clamp to a few lines) counts as fitting, whatever it holds.
OVERFLOWS = """
() => {
  const width = innerWidth, height = innerHeight, slack = 1;
  const root = document.documentElement;
  const problems = [];
  if (root.scrollHeight > root.clientHeight || root.scrollWidth > root.clientWidth) {
    problems.push(`the page scrolls: ${root.scrollWidth}×${root.scrollHeight}`);
  }
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + (el.className && typeof el.className === "string"
       ? "." + el.className.trim().split(/\\s+/).join(".") : "");
  const truncates = (el, style) =>
    (style.webkitLineClamp && style.webkitLineClamp !== "none")
    || (style.textOverflow === "ellipsis" && style.overflowX !== "visible"
        && [...el.children].every(
          (c) => getComputedStyle(c).display.startsWith("inline")));
  const clips = (style) =>
    style.overflowX !== "visible" || style.overflowY !== "visible";
  const visit = (el, boxes) => {
    const style = getComputedStyle(el);
    if (style.display === "none" || style.visibility === "hidden") return;
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.height > 0) {
      const out = r.left < -slack || r.top < -slack || r.right > width + slack
        || r.bottom > height + slack;
      if (out) problems.push(`${name(el)} leaves the screen: ${JSON.stringify(r)}`);
      for (const [box, owner] of boxes) {
        if (r.left < box.left - slack || r.top < box.top - slack
            || r.right > box.right + slack || r.bottom > box.bottom + slack) {
          problems.push(`${name(el)} is cut off by ${owner}`);
          break;
        }
      }
    }
    if (truncates(el, style)) return;
    const block = !style.display.startsWith("inline") && style.display !== "contents";
    if (block && el.clientHeight > 0 && el.scrollHeight > el.clientHeight + 2) {
      problems.push(`${name(el)} is too small for what it holds: `
        + `${el.scrollHeight} > ${el.clientHeight}`);
    }
    // Width too, for the quiz's stages (the big PIN beside the QR code).
    if (block && el.closest("#takeover") && el.clientWidth > 0
        && el.scrollWidth > el.clientWidth + 2) {
      problems.push(`${name(el)} is too narrow for what it holds: `
        + `${el.scrollWidth} > ${el.clientWidth}`);
    }
    const inner = clips(style) && el !== document.body && el !== root
      ? [...boxes, [r, name(el)]] : boxes;
    for (const child of el.children) visit(child, inner);
  };
  const shown = [...document.querySelectorAll(
    "body > .tv-frame, body > #takeover:not([hidden])")];
  const top = shown.find((el) => el.id === "takeover") || shown[0];
  visit(top, []);
  return problems;
}
"""


def _person(rank: int, name: str, team: str) -> SimpleNamespace:
    return SimpleNamespace(
        rank=rank, name=name, public_name=name, team_name=team, score=9800 - rank
    )


def _stages() -> dict[str, dict]:
    """Each stage's template context, as the server fills it."""
    teams = [
        SimpleNamespace(
            rank=n, name=f"话务{n}班·投诉与回访专线组", members=12, score=8765.4 - n
        )
        for n in range(1, 11)
    ]
    top = [
        _person(n, f"欧阳晓婷Christina {n}", f"话务{n}班·投诉与回访专线组")
        for n in range(1, 11)
    ]
    options = [
        {"index": i, "letter": "ABCDEF"[i], "text": f"{OPTION}{i}"} for i in range(6)
    ]
    bars = [
        {**option, "count": 120 - 7 * i, "percent": 100 - 9 * i, "correct": i == 2}
        for i, option in enumerate(options)
    ]
    question = SimpleNamespace(
        number=10, prompt=PROMPT[:500], kind="single", explanation=EXPLANATION[:1000]
    )
    quiz = {
        "pk": 77,
        "title": "客户投诉处理与情绪安抚专项培训季度考核（第三季度·全体话务员）",
        "pin": "123456",
        "team_mode": True,
    }
    true_false = SimpleNamespace(number=10, prompt=PROMPT[:500], kind="true_false")
    base = {"question": question, "total": 10, "players": 1999, "answered": 1998}
    return {
        "lobby": {
            "quiz": {**quiz, "status": "lobby", "phase": ""},
            **base,
            "join_qr": _join_qr(quiz["pin"]),
        },
        "lobby-without-qr": {"quiz": {**quiz, "status": "lobby", "phase": ""}, **base},
        "question": {
            "quiz": {**quiz, "status": "running", "phase": "open"},
            **base,
            "options": options,
            "remaining_ms": 27500,
        },
        "question-true-false": {
            "quiz": {**quiz, "status": "running", "phase": "open"},
            **base,
            "question": true_false,
            "options": [{"index": 0, "tf": True}, {"index": 1, "tf": False}],
            "remaining_ms": 27500,
        },
        "closed": {
            "quiz": {**quiz, "status": "running", "phase": "closed"},
            **base,
            "options": options,
        },
        "reveal": {
            "quiz": {**quiz, "status": "running", "phase": "revealed"},
            **base,
            "options": options,
            "bars": bars,
            "distribution": SimpleNamespace(
                answered=1998, correct=1500, common_texts=[]
            ),
        },
        "leaderboard": {
            "quiz": {**quiz, "status": "running", "phase": "leaderboard"},
            **base,
            "top": top,
            "teams": teams,
        },
        "leaderboard-people": {
            "quiz": {
                **quiz,
                "status": "running",
                "phase": "leaderboard",
                "team_mode": False,
            },
            **base,
            "top": top,
        },
        "podium": {
            "quiz": {**quiz, "status": "finished", "phase": ""},
            **base,
            "podium": top[:3],
            "team_podium": teams[:3],
        },
        "podium-people": {
            "quiz": {**quiz, "status": "finished", "phase": "", "team_mode": False},
            **base,
            "podium": top[:3],
        },
    }


def _join_qr(pin: str) -> str:
    """The lobby's QR code, as the server renders it for a long address."""
    from django.test import override_settings

    from contests.engine.snapshots import join_qr_svg

    with override_settings(
        SITE_URLS=["https://servicestar.contact-center.example.com"]
    ):
        return join_qr_svg(pin)


def _stage_frame(context: dict, version: int, language: str) -> str:
    from django.template.loader import render_to_string
    from django.utils import translation

    context = {**context, "quiz": SimpleNamespace(version=version, **context["quiz"])}
    with translation.override(language):
        return render_to_string("contests/quiz/_audience_stage.html", context)


def _panels(language: str) -> dict[str, str]:
    """Each board panel alone, as full as it gets."""
    from django.template.loader import render_to_string
    from django.utils import translation

    people = [
        SimpleNamespace(
            rank=n,
            points=98765 - n,
            name=f"欧阳晓婷Christina {n}",
            initials="晓婷",
            avatar="",
            team_name="话务一班·投诉与回访专线组",
            stars=5,
            movement=(-1) ** n * 12,
            moved=12,
            new=n == 4,
        )
        for n in range(1, 11)
    ]
    teams = [
        {
            "rank": n,
            "name": f"话务{n}班·投诉与回访专线组",
            "average": 8765.4 - n,
            "members": 120,
            "share": max(2, 100 - 3 * n),
            "own": n == TEAMS_ON_THE_BOARD,
        }
        for n in range(1, TEAMS_ON_THE_BOARD + 1)
    ]
    kudos = [
        {
            "receiver": "欧阳晓婷Christina",
            "sender": "司马相如Alexander",
            "heart": "patience",
            "heart_label": "耐心",
            "message": "耐心帮客户核对了三遍电费账单，客户最后特地打回来表扬。" * 4,
            "created_at": timezone.now(),
        }
        for _ in range(6)
    ]
    contexts = {
        "stars": {"stars": people, "star_levels": range(1, 6)},
        "movers": {"movers": people[:5]},
        "teams": {"teams": teams},
        "kudos": {"kudos": kudos},
    }
    with translation.override(language):
        return {
            panel: render_to_string(
                "leaderboard/_display_panels.html", {"panels": [panel], **context}
            )
            for panel, context in contexts.items()
        }


@pytest.mark.parametrize("screen", SCREENS)
def test_every_tv_layout_fits_the_screen(browser, live_site, screen, screenshot):
    token = json.loads(site_python(live_site.env, PAIRED_DISPLAY))["token"]
    context = browser.new_context(viewport=SCREENS[screen])
    problems = {}
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

        def check(name: str) -> None:
            tv.evaluate("document.fonts.ready")
            found = tv.evaluate(OVERFLOWS)
            if found:
                problems[name] = found[:5]
            screenshot(tv, name)

        for language in LANGUAGES:
            for panel, html in _panels(language).items():
                routes[-1].send(
                    json.dumps({"type": "snapshot", "panels": html, "quizzes": []})
                )
                expect(tv.locator(f"#panel-{panel}.active")).to_be_visible()
                tv.wait_for_function(
                    "() => document.getAnimations().every("
                    "a => a.playState !== 'running' || a.effect.getTiming()"
                    ".iterations === Infinity)"
                )  # the panel's slide-in has ended
                check(f"{language}-panel-{panel}")

            # The quizzes' stages, each newer than the last; a podium stays.
            routes[-1].send(json.dumps({"type": "quizzes", "live": []}))
            tv.evaluate("location.reload()")
            expect(tv.locator("#tv-link")).to_have_attribute("data-state", "open")
            for version, (stage, stage_context) in enumerate(_stages().items(), 1):
                html = _stage_frame(stage_context, version, language)
                routes[-1].send(json.dumps({"type": "quiz", "html": html}))
                shown = tv.locator(
                    f'#takeover:not([hidden]) #audience-stage[data-version="{version}"]'
                )
                expect(shown).to_be_visible()
                check(f"{language}-quiz-{stage}")
            tv.evaluate("location.reload()")  # forget the podium
            expect(tv.locator("#tv-link")).to_have_attribute("data-state", "open")
        assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)
    finally:
        context.close()
