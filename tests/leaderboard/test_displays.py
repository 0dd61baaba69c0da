"""Wall displays: pairing without a login, a token that grants nothing but its
own board, revocation at once, humane public boards, and live updates that
arrive within a second however many changes a burst holds."""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import re
import time
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image

from config.routing import build_websocket_application
from contests.engine import lifecycle, setup
from contests.kinds.quiz import setup as quiz_setup
from leaderboard import boards, displays, ledger, live
from leaderboard.display_consumers import CLOSE_BEHIND, CLOSE_FORBIDDEN, CLOSE_REVOKED
from leaderboard.models import (
    Display,
    Kudos,
    PairingCode,
    ServiceStarAward,
    StarThreshold,
)
from leaderboard.periods import today
from realtime import direct
from tests.factories import make_bank, make_team, make_user, pair_display
from tests.sockets import open_display

LOOK_ALIKES = set("0O1IL2Z5S8B6GUVDQ")


# Helpers.


def points(person, amount: int, reference: str):
    return ledger.record(
        person=person,
        source="quiz",
        reference=reference,
        points=amount,
        detail={"title": "t", "rank": 1, "players": 1, "score": amount},
        occurred_at=timezone.now(),
    )


async def frame(socket, timeout: float = 2.0) -> dict:
    return json.loads(await socket.receive_from(timeout=timeout))


async def frames_until(socket, test, timeout: float = 3.0) -> list[dict]:
    seen = []
    async with asyncio.timeout(timeout):
        while True:
            seen.append(await frame(socket, timeout))
            if test(seen[-1]):
                return seen


async def drain(socket, quiet: float = 1.5) -> list[dict]:
    """Every frame until the socket has been quiet for ``quiet`` seconds."""
    frames = []
    while not await socket.receive_nothing(timeout=quiet):
        frames.append(await frame(socket))
    return frames


async def closed_with(socket) -> int:
    while True:
        output = await socket.receive_output(timeout=2)
        if output["type"] == "websocket.close":
            return output["code"]


def places(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'data-rank="(\d+)"', html)]


# Pairing.


def test_a_pairing_code_has_eight_unambiguous_characters_and_lasts_ten_minutes(db):
    codes = [displays.start_pairing(browser_secret=None)[0] for _ in range(40)]
    for code in codes:
        assert len(code.code) == 8 and not LOOK_ALIKES & set(code.code)
        assert set(code.code) <= set(displays.ALPHABET)
        lifetime = code.expires_at - code.created_at
        assert lifetime == timedelta(minutes=10)
    assert len({code.code for code in codes}) == 40


def test_a_tv_reloading_its_page_keeps_showing_its_one_code(db):
    tv = Client(REMOTE_ADDR="198.51.100.20")
    shown = {
        re.search(r'data-code="([A-Z0-9-]+)"', page.content.decode()).group(1)
        for page in (tv.get(reverse("leaderboard:display")) for _ in range(10))
    }
    assert len(shown) == 1
    assert PairingCode.objects.count() == 1


def test_an_address_asking_for_codes_without_a_cookie_is_refused_over_its_limit(
    db, settings
):
    from django.core.cache import cache

    settings.DISPLAY_CODES_PER_ADDRESS = 5
    floor, elsewhere = "198.51.100.7", "198.51.100.8"
    cache.delete_many([f"display-pairing:{floor}", f"display-pairing:{elsewhere}"])
    answers = [
        Client(REMOTE_ADDR=floor).get(
            reverse("leaderboard:display"), HTTP_ACCEPT_LANGUAGE="en"
        )
        for _ in range(60)
    ]
    assert [a.status_code for a in answers] == [200] * 5 + [429] * 55
    assert PairingCode.objects.count() == 5
    refused = answers[-1]
    assert refused["Retry-After"] == "60"
    assert "Too many pairing codes" in refused.content.decode()
    assert "tv-busy" in refused.content.decode()  # it retries by itself
    assert displays.PAIRING_COOKIE not in refused.cookies
    # Another address, and a TV that already holds a code, are unaffected.
    assert (
        Client(REMOTE_ADDR=elsewhere).get(reverse("leaderboard:display")).status_code
        == 200
    )
    tv = Client(REMOTE_ADDR=floor)
    tv.cookies[displays.PAIRING_COOKIE] = (
        answers[0].cookies[displays.PAIRING_COOKIE].value
    )
    assert tv.get(reverse("leaderboard:display")).status_code == 200
    assert PairingCode.objects.count() == 6
    cache.delete_many([f"display-pairing:{floor}", f"display-pairing:{elsewhere}"])


def test_a_tv_pairs_through_a_manager_and_keeps_only_a_hashed_token(
    client, manager, team
):
    tv = Client()
    page = tv.get(reverse("leaderboard:display"), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    code = re.search(r'data-code="([A-Z0-9-]+)"', page.content.decode()).group(1)
    assert "<svg" in page.content.decode()  # the QR code, inline
    assert tv.get(reverse("leaderboard:display_pairing")).json() == {"state": "waiting"}

    client.force_login(manager)
    form = client.get(
        reverse("leaderboard:display_pair") + f"?code={code.replace('-', '')}"
    )
    assert f'value="{code}"' in form.content.decode()  # filled in from the QR
    response = client.post(
        reverse("leaderboard:display_pair"),
        {
            "code": code.lower(),  # typed sloppily: still fine
            "name": "Floor 3 by the lifts",
            "scope": "team",
            "team": team.pk,
            "language": "en",
            "panels": ["stars", "kudos"],
            "rotate_seconds": 15,
        },
    )
    assert response.status_code == 302
    display = Display.objects.get()
    assert (display.team, display.panels, display.paired_by) == (
        team,
        ["stars", "kudos"],
        manager,
    )

    # Someone who only read the code off the screen gets nothing.
    assert Client().get(reverse("leaderboard:display_pairing")).json() == {
        "state": "expired"
    }
    answer = tv.get(reverse("leaderboard:display_pairing"))
    assert answer.json() == {"state": "paired"}
    cookie = answer.cookies[displays.TOKEN_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["max-age"]
    token = cookie.value
    display.refresh_from_db()
    assert display.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(Display.objects.values().get())
    assert not PairingCode.objects.exists()
    # Collected once: polling again gives no second token.
    again = tv.get(reverse("leaderboard:display_pairing"))
    assert again.json() == {"state": "expired"}
    assert displays.TOKEN_COOKIE not in again.cookies

    board = tv.get(reverse("leaderboard:display"))
    html = board.content.decode()
    assert 'id="panel-stars"' in html and 'id="panel-kudos"' in html
    assert 'id="panel-teams"' not in html
    assert f"/ws/display/{display.pk}/" in html
    assert token not in html  # never in the page, never in a URL


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def test_a_code_is_claimed_once_and_not_after_it_expired(manager, english):
    code, _secret = displays.start_pairing(browser_secret=None)
    displays.claim_code(code=code.code, by=manager, name="A")
    with pytest.raises(displays.PairingRefused, match="already been used"):
        displays.claim_code(code=code.code, by=manager, name="B")
    late, _secret = displays.start_pairing(browser_secret=None)
    PairingCode.objects.filter(pk=late.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    with pytest.raises(displays.PairingRefused, match="No screen shows this code"):
        displays.claim_code(code=late.code, by=manager, name="C")
    assert Display.objects.count() == 1


@pytest.mark.parametrize("role", ["agent", "trainer"])
def test_only_managers_pair_edit_or_revoke_displays(client, manager, role, team):
    display, _token = pair_display(manager)
    person = make_user(role=role, team=team)
    client.force_login(person)
    for url in [
        reverse("leaderboard:displays"),
        reverse("leaderboard:display_pair"),
        reverse("leaderboard:display_edit", args=[display.pk]),
        reverse("leaderboard:display_revoke", args=[display.pk]),
    ]:
        assert client.get(url).status_code == 403, url
    assert (
        client.post(
            reverse("leaderboard:display_revoke", args=[display.pk])
        ).status_code
        == 403
    )
    display.refresh_from_db()
    assert not display.is_revoked


def test_managers_see_each_display_online_or_offline(client, manager):
    online, _token = pair_display(manager, name="Lobby TV")
    offline, _token = pair_display(manager, name="Canteen TV")
    Display.objects.filter(pk=online.pk).update(last_seen_at=timezone.now())
    Display.objects.filter(pk=offline.pk).update(
        last_seen_at=timezone.now() - timedelta(minutes=5)
    )
    client.force_login(manager)
    page = client.get(reverse("leaderboard:displays"), HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert f'data-display="{online.pk}" data-status="online"' in html
    assert f'data-display="{offline.pk}" data-status="offline"' in html
    rows = client.get(reverse("leaderboard:displays"), HTTP_HX_REQUEST="true")
    assert "<table" in rows.content.decode() and "<html" not in rows.content.decode()


def test_a_manager_edits_what_a_display_shows(client, manager, team):
    display, _token = pair_display(manager)
    client.force_login(manager)
    url = reverse("leaderboard:display_edit", args=[display.pk])
    form = {
        "name": "Team corner",
        "scope": "team",
        "language": "zh-hans",
        "panels": ["kudos", "stars"],
        "rotate_seconds": 30,
    }
    refused = client.post(url, form, HTTP_ACCEPT_LANGUAGE="en")
    assert "Choose the team this display shows." in refused.content.decode()
    assert client.post(url, {**form, "team": team.pk}).status_code == 302
    display.refresh_from_db()
    assert (display.scope, display.team, display.site) == ("team", team, None)
    assert display.panels == ["stars", "kudos"]  # always in the panels' own order
    assert boards.board_of(display).group == f"board-team-{team.pk}"


# A token grants its own board and nothing else.


def test_a_display_token_opens_no_staff_page(manager, agent):
    _display, token = pair_display(manager)
    tv = Client()
    tv.cookies[displays.TOKEN_COOKIE] = token
    assert tv.get(reverse("leaderboard:display")).status_code == 200
    for name in [
        "people:home",
        "people:roster",
        "leaderboard:displays",
        "leaderboard:display_pair",
        "leaderboard:kudos",
        "admin:index",
    ]:
        response = tv.get(reverse(name))
        assert response.status_code == 302, name
        assert "login" in response["Location"], name


def test_the_avatar_gate_serves_only_a_paired_display_and_never_an_alias(
    manager, agent, other_agent, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    picture = io.BytesIO()
    Image.new("RGB", (8, 8), (1, 2, 3)).save(picture, "WEBP")
    for person in (agent, other_agent):
        person.avatar.save("a.webp", ContentFile(picture.getvalue()))
    other_agent.board_alias = "Moonlight"
    other_agent.save()
    _display, token = pair_display(manager)
    tv = Client()
    url = reverse("leaderboard:display_avatar", args=[agent.pk])
    assert tv.get(url).status_code == 404  # no token
    tv.cookies[displays.TOKEN_COOKIE] = token
    assert tv.get(url).status_code == 200
    aliased = reverse("leaderboard:display_avatar", args=[other_agent.pk])
    assert tv.get(aliased).status_code == 404


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_display_token_opens_only_its_own_socket(manager, team):
    mine, token = await sync_to_async(pair_display)(manager)
    other, _other_token = await sync_to_async(pair_display)(manager, name="Other")
    socket = await open_display(other.pk, token)
    assert await closed_with(socket) == CLOSE_FORBIDDEN

    bank = await sync_to_async(make_bank)(manager)
    quiz = await sync_to_async(quiz_setup.create_quiz)(
        host=manager,
        title="Quiz",
        bank=bank,
        questions=bank.questions.order_by("id"),
        seconds_per_question=20,
    )
    cookie = [(b"cookie", f"{displays.TOKEN_COOKIE}={token}".encode())]
    for path in ["/ws/me/", f"/ws/quiz/{quiz.pk}/"]:
        socket = WebsocketCommunicator(
            build_websocket_application(),
            path,
            headers=[(b"origin", b"http://127.0.0.1"), *cookie],
        )
        connected, _ = await socket.connect()
        assert connected, path  # then closed, with a code the page sees
        assert (await socket.receive_output())["code"] == 4401, path

    own = await open_display(mine.pk, token)
    assert (await frame(own))["type"] == "snapshot"
    await own.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_revoking_closes_the_socket_at_once_and_the_tv_says_so(manager):
    display, token = await sync_to_async(pair_display)(manager)
    socket = await open_display(display.pk, token)
    assert (await frame(socket))["type"] == "snapshot"

    await sync_to_async(displays.revoke_display)(display=display, by=manager)
    told = await frame(socket)
    assert told["type"] == "revoked" and "revoked" in told["html"]
    assert await closed_with(socket) == CLOSE_REVOKED

    # The token is dead: a reconnect is refused the same way...
    again = await open_display(display.pk, token)
    assert (await frame(again))["type"] == "revoked"
    assert await closed_with(again) == CLOSE_REVOKED

    # ...and reloading the page shows so, with a new code to pair again.
    def reload_page():
        tv = Client()
        tv.cookies[displays.TOKEN_COOKIE] = token
        return tv.get(reverse("leaderboard:display"), HTTP_ACCEPT_LANGUAGE="en")

    page = await sync_to_async(reload_page)()
    html = page.content.decode()
    assert "revoked this display" in html and 'data-code="' in html
    assert page.cookies[displays.TOKEN_COOKIE].value == ""


# Humane public boards.


def test_public_boards_never_show_a_place_below_the_top_n(manager, settings):
    team = make_team(name="Blue")
    people = [make_user(display_name=f"Agent {n:02d}", team=team) for n in range(30)]
    for n, person in enumerate(people):
        points(person, 1000 - n * 10, f"quiz:{n}")
    board = boards.CENTER
    html = boards.render_panels_in(board, "en")
    assert places(html) and max(places(html)) <= 10
    assert "Agent 09" in html and "Agent 10" not in html
    assert "Agent 29" not in html  # the bottom never shows

    settings.BOARD_TOP_N = 3
    html = boards.render_panels_in(board, "en", ("stars",))
    assert places(html) == [1, 2, 3]


def test_a_small_ranking_shows_only_its_top_half(manager):
    team = make_team(name="Small")
    people = [make_user(display_name=f"Member {n}", team=team) for n in range(4)]
    for n, person in enumerate(people):
        points(person, 100 - n, f"quiz:{n}")
    html = boards.render_panels_in(boards.Board("team", team.pk), "en", ("stars",))
    assert places(html) == [1, 2]
    assert "Member 3" not in html


def test_the_team_panel_shows_every_team_of_its_site_even_the_last(manager):
    """Individuals are spared the bottom of a ranking; teams are not hidden:
    every team on the floor sees its own place, the last one too."""
    site = make_team(name="Elsewhere").site
    teams = [make_team(name=name, site=site) for name in ("Alpha", "Bravo", "Delta")]
    idle = make_team(name="Echo", site=site)
    make_user(display_name="Echo agent", team=idle)
    for n, team in enumerate(teams):
        person = make_user(display_name=f"{team.name} agent", team=team)
        points(person, 300 - n * 100, f"quiz:{n}")
    far = make_team(name="Faraway")  # another site
    points(make_user(team=far), 50, "quiz:far")

    for board in (boards.Board("site", site.pk), boards.Board("team", teams[2].pk)):
        html = boards.render_panels_in(board, "en", ("teams",))
        shown = re.findall(r'<span class="name">([^<]+)</span>', html)
        assert shown == ["Alpha", "Bravo", "Delta", "Echo"], shown
    html = boards.render_panels_in(boards.Board("team", teams[2].pk), "en", ("teams",))
    assert re.search(r'class="team place-3 own"', html)
    html = boards.render_panels_in(boards.CENTER, "en", ("teams",))
    assert "Faraway" in html and "Delta" in html


def test_an_alias_hides_the_name_avatar_initials_and_team(agent, other_agent):
    agent.board_alias = "Night Owl"
    agent.avatar.name = "avatars/2026/11/secret.webp"
    agent.save()
    other_agent.avatar.name = "avatars/2026/11/shown.webp"
    other_agent.save()
    for n, person in enumerate([agent, other_agent, make_user(), make_user()]):
        points(person, 100 - n, f"quiz:{n}")
    html = boards.render_panels_in(boards.CENTER, "zh-hans", ("stars", "movers"))
    assert "Night Owl" in html
    assert agent.display_name not in html and agent.display_name[0] not in html
    assert agent.team.name not in html
    assert f"/display/avatar/{agent.pk}/" not in html
    assert f"/display/avatar/{other_agent.pk}/" in html  # no alias: the picture shows


# Live updates.


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_points_change_reaches_a_connected_display_without_asking(
    manager, agent
):
    # How fast is for bench/ to measure (machines here are shared and noisy);
    # this only proves the change arrives by itself.
    display, token = await sync_to_async(pair_display)(manager, panels=["stars"])
    socket = await open_display(display.pk, token)
    snapshot = await frame(socket)
    assert agent.display_name not in snapshot["panels"]

    await sync_to_async(points)(agent, 50, "quiz:1")
    update = await frame(socket, timeout=5.0)
    assert update["type"] == "panels" and agent.display_name in update["html"]
    assert re.fullmatch(r"\d\d:\d\d:\d\d", update["at"])
    await socket.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_burst_of_200_awards_makes_a_few_broadcasts_not_200(manager, team):
    display, token = await sync_to_async(pair_display)(manager)
    people = await sync_to_async(lambda: [make_user(team=team) for _ in range(20)])()
    socket = await open_display(display.pk, token)
    await frame(socket)

    def burst():
        # 200 separate transactions, as 200 answers or awards would commit.
        for n in range(200):
            points(people[n % 20], n + 1, f"quiz:{n}")

    started = time.monotonic()
    await sync_to_async(burst)()
    took = time.monotonic() - started
    received = await drain(socket)
    assert {f["type"] for f in received} == {"panels"}
    # At most one broadcast per coalescing window, plus the one after the end.
    assert 1 <= len(received) <= took / live.COALESCE_S + 2, (len(received), took)
    # The last one holds the final state: the 20th person earned the most.
    assert 'data-rank="1"' in received[-1]["html"]
    first = received[-1]["html"].split('data-rank="2"')[0]
    assert people[19].display_name in first
    await socket.disconnect()


def test_a_change_is_rendered_only_for_the_boards_and_panels_it_touches(manager, team):
    elsewhere = make_team(name="Elsewhere")
    pair_display(manager, name="Center")
    pair_display(manager, name="Ours", scope="team", team=team)
    pair_display(manager, name="Theirs", scope="team", team=elsewhere)
    pair_display(manager, name="Site", scope="site", site=team.site)
    messages = live._render(live.Pending(kudos_teams={team.pk}))
    groups = {group for group, _event in messages}
    assert groups == {
        "board-center",
        f"board-team-{team.pk}",
        f"board-site-{team.site_id}",
    }
    for _group, event in messages:
        assert set(event["html"]) == {"zh-hans", "en"}  # once per language
        assert "panel-kudos" in event["html"]["en"]
        assert "panel-stars" not in event["html"]["en"]
    assert live._render(live.Pending()) == []


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_kudos_shows_on_the_display_and_leaves_it_when_hidden(
    manager, trainer, agent, other_agent
):
    display, token = await sync_to_async(pair_display)(manager, panels=["kudos"])
    socket = await open_display(display.pk, token)
    await frame(socket)
    from leaderboard.kudos import hide_kudos, send_kudos

    kudos = await sync_to_async(send_kudos)(
        sender=other_agent, receiver=agent, heart="patient", message="三遍都讲清楚了"
    )
    shown = await frames_until(socket, lambda f: "三遍都讲清楚了" in f.get("html", ""))
    assert agent.display_name in shown[-1]["html"]
    await sync_to_async(hide_kudos)(kudos=kudos, by=trainer)
    await frames_until(
        socket,
        lambda f: (
            f["type"] == "panels"
            and "panel-kudos" in f["html"]
            and "三遍都讲清楚了" not in f["html"]
        ),
    )
    assert await sync_to_async(Kudos.objects.shown().count)() == 0
    await socket.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_confirmed_service_star_and_five_stars_are_celebrated(manager, agent):
    display, token = await sync_to_async(pair_display)(manager)
    socket = await open_display(display.pk, token)
    await frame(socket)

    def confirm_star():
        with transaction.atomic():
            award = ServiceStarAward.objects.create(
                month=today().replace(day=1),
                scope="center",
                person=agent,
                points=1234,
                confirmed_at=timezone.now(),
                confirmed_by=manager,
            )
            live.celebrate(award)

    await sync_to_async(confirm_star)()
    party = await frames_until(socket, lambda f: f["type"] == "celebrate")
    assert agent.display_name in party[-1]["html"] and party[-1]["seconds"] == 10

    def reach_five_stars():
        for stars, needed in [(1, 10), (5, 100)]:
            StarThreshold.objects.create(stars=stars, min_points=needed)
        points(agent, 60, "quiz:a")
        points(agent, 60, "quiz:b")  # crosses 100: five stars
        points(agent, 60, "quiz:c")  # already there: no second party

    await sync_to_async(reach_five_stars)()
    seen = await drain(socket)
    parties = [f for f in seen if f["type"] == "celebrate"]
    assert len(parties) == 1 and "5 stars" in parties[0]["html"]
    await socket.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_display_ignores_everything_but_a_ping(manager):
    display, token = await sync_to_async(pair_display)(manager)
    socket = await open_display(display.pk, token)
    await frame(socket)
    before = await sync_to_async(
        lambda: Display.objects.values_list("last_seen_at", flat=True).get()
    )()
    assert before is not None  # connecting is a heartbeat
    for junk in ["nonsense", '{"type": "reload"}', '{"action": "end"}', "x" * 5000]:
        await socket.send_to(text_data=junk)
    assert await socket.receive_nothing(timeout=0.3)
    await socket.send_to(text_data='{"type": "ping"}')
    assert (await frame(socket))["type"] == "pong"
    await socket.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_live_quiz_takes_the_display_over_and_hands_it_back(
    manager, trainer, team
):
    display, token = await sync_to_async(pair_display)(manager)
    bank = await sync_to_async(make_bank)(trainer)

    def create_quiz():
        quiz = quiz_setup.create_quiz(
            host=trainer,
            title="业务知识擂台赛",
            bank=bank,
            questions=bank.questions.order_by("id")[:1],
            seconds_per_question=20,
        )
        setup.join_contest(
            contest=quiz, user=make_user(display_name="选手甲", team=team)
        )
        return quiz

    socket = await open_display(display.pk, token)
    await frame(socket)
    quiz = await sync_to_async(create_quiz)()
    lobby = await frames_until(socket, lambda f: f["type"] == "quiz")
    assert 'data-status="lobby"' in lobby[-1]["html"]

    await sync_to_async(lifecycle.start_contest)(contest_id=quiz.pk, by=trainer)
    stage = await frames_until(
        socket, lambda f: f["type"] == "quiz" and 'data-status="running"' in f["html"]
    )
    assert "停电故障报修拨打哪个号码" in stage[-1]["html"]
    assert (
        "95598 是电力服务热线" not in stage[-1]["html"]
    )  # no answer before the reveal

    # A display that connects mid-quiz gets the stage in its snapshot.
    late = await open_display(display.pk, token)
    snapshot = await frame(late)
    assert snapshot["quiz_ids"] == [quiz.pk]
    assert 'data-status="running"' in snapshot["quizzes"][0]
    await late.disconnect()

    await sync_to_async(lifecycle.end_contest)(contest_id=quiz.pk, by=trainer)
    ended = await frames_until(socket, lambda f: f["type"] == "quizzes")
    assert any(
        f["type"] == "quiz" and 'data-status="finished"' in f["html"] for f in ended
    )  # the podium
    assert ended[-1]["live"] == []
    await socket.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_editing_a_display_makes_the_tv_reload_with_the_new_settings(manager):
    display, token = await sync_to_async(pair_display)(manager)
    socket = await open_display(display.pk, token)
    await frame(socket)
    await sync_to_async(displays.update_display)(
        display=display, rotate_seconds=45, language="zh-hans"
    )
    assert (await frame(socket))["type"] == "reload"
    await socket.disconnect()


def test_the_tv_page_is_in_the_display_language_without_a_login(manager):
    _display, token = pair_display(manager, language="en")
    tv = Client()
    tv.cookies[displays.TOKEN_COOKIE] = token
    page = tv.get(reverse("leaderboard:display"), HTTP_ACCEPT_LANGUAGE="zh-CN")
    html = page.content.decode()
    assert 'lang="en"' in html and "Last updated" in html
    assert "Service stars of the month" in html
    assert "<nav" not in html  # no header, no menu: it is a TV
    refreshed = page.cookies[displays.TOKEN_COOKIE]
    assert refreshed.value == token and refreshed["httponly"]


@pytest.fixture
def in_memory_layer(settings):
    from channels.layers import channel_layers, get_channel_layer

    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}
    }
    channel_layers.backends = {}
    yield get_channel_layer()
    channel_layers.backends = {}


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_display_hears_its_board_again_after_redis_forgot_its_groups(
    manager, agent, in_memory_layer, monkeypatch
):
    monkeypatch.setattr(displays, "HEARTBEAT_EVERY_S", 0)
    display, token = await sync_to_async(pair_display)(manager, panels=["stars"])
    socket = await open_display(display.pk, token)
    await frame(socket)

    in_memory_layer.groups.clear()  # as a Redis restarted without its data
    await socket.send_to(text_data='{"type": "ping"}')
    assert (await frame(socket))["type"] == "pong"
    await sync_to_async(points)(agent, 50, "quiz:1")

    update = await frame(socket, timeout=5.0)
    assert update["type"] == "panels" and agent.display_name in update["html"]
    await socket.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_display_that_stops_reading_is_closed_not_buffered_without_end(
    manager, agent, settings, monkeypatch
):
    display, token = await sync_to_async(pair_display)(manager, panels=["stars"])
    socket = await open_display(display.pk, token)
    await frame(socket)

    # As daphne would report a TV that has not read its last megabyte.
    limit = settings.DISPLAY_MAX_UNSENT_KB * 1024
    monkeypatch.setattr(direct, "unsent_bytes", lambda consumer: limit + 1)
    await sync_to_async(points)(agent, 50, "quiz:1")

    assert await closed_with(socket) == CLOSE_BEHIND  # the TV reconnects


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_tv_counts_the_players_arriving_in_the_lobby(manager, trainer, team):
    display, token = await sync_to_async(pair_display)(manager)
    bank = await sync_to_async(make_bank)(trainer)
    quiz = await sync_to_async(quiz_setup.create_quiz)(
        host=trainer,
        title="业务知识擂台赛",
        bank=bank,
        questions=bank.questions.order_by("id")[:1],
        seconds_per_question=20,
    )
    socket = await open_display(display.pk, token)
    await frame(socket)

    def join(n: int) -> None:
        for i in range(n):
            user = make_user(username=f"arriving{i}", team=team)
            setup.join_contest(contest=quiz, user=user)

    await sync_to_async(join)(3)
    counts = [
        f["html"]
        for f in await drain(socket)
        if f["type"] == "quiz" and 'id="audience-arrivals"' in f["html"]
    ]
    # One count for the burst, not one per player, and the last one right.
    assert len(counts) == 1, counts
    assert f'data-quiz="{quiz.pk}"' in counts[0]
    assert "3 players have joined." in counts[0]
    await socket.disconnect()
