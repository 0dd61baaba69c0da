"""A session that ends closes its sockets at once; one person holds at most
SOCKETS_PER_USER sockets open."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from config.routing import build_websocket_application
from contests.models import Entry
from people.services import post_notice
from realtime import session_end, socket_cap
from realtime.session_end import (
    CLOSE_ACCOUNT_CHANGED,
    CLOSE_SIGNED_OUT,
    CLOSE_TOO_MANY_SOCKETS,
    session_digest,
)
from tests.factories import PASSWORD, make_bank

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


def logged_in(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def key_of(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


async def open_socket(path: str, client: Client) -> WebsocketCommunicator:
    """A socket as the browser holding ``client``'s session opens it."""
    cookie = f"{settings.SESSION_COOKIE_NAME}={key_of(client)}"
    socket = WebsocketCommunicator(
        build_websocket_application(),
        path,
        headers=[(b"origin", b"http://127.0.0.1"), (b"cookie", cookie.encode())],
    )
    connected, _ = await socket.connect()
    assert connected
    return socket


async def signed_in(socket: WebsocketCommunicator, client: Client) -> None:
    """Wait until the socket has read its session (it is accepted before)."""
    digest = session_digest(key_of(client))
    async with asyncio.timeout(3):
        while not session_end._registry().by_session.get(digest):
            await asyncio.sleep(0.01)


async def open_feed(client: Client) -> WebsocketCommunicator:
    """``/ws/me/``, signed in."""
    socket = await open_socket("/ws/me/", client)
    await signed_in(socket, client)
    return socket


async def closed_with(socket: WebsocketCommunicator, timeout: float = 3.0) -> int:
    """The close code, skipping any frame sent before it."""
    async with asyncio.timeout(timeout):
        while True:
            output = await socket.receive_output(timeout)
            if output["type"] == "websocket.close":
                return output.get("code")


async def is_open(socket: WebsocketCommunicator, trainer) -> bool:
    """Still open, and still receiving: a notice posted now reaches it."""
    await sync_to_async(post_notice)(sender=trainer, text="还在线吗")
    output = await socket.receive_output(timeout=3)
    return output["type"] == "websocket.send" and "还在线吗" in output["text"]


@pytest.fixture
def hosted_quiz(trainer):
    from contests.kinds.quiz import setup as quiz_setup

    bank = make_bank(trainer)
    return quiz_setup.create_quiz(
        host=trainer,
        title="擂台赛",
        bank=bank,
        questions=bank.questions.order_by("id"),
        seconds_per_question=20,
    )


async def test_logging_out_closes_that_sessions_sockets_and_no_other(
    agent, trainer, hosted_quiz
):
    laptop = await sync_to_async(logged_in)(agent)
    phone = await sync_to_async(logged_in)(agent)
    feed = await open_feed(laptop)
    join = await sync_to_async(laptop.post)(
        reverse("contests:join"), {"pin": hosted_quiz.pin}
    )
    assert join.status_code == 302
    quiz = await open_socket(f"/ws/quiz/{hosted_quiz.pk}/", laptop)
    await quiz.receive_from()  # the snapshot
    elsewhere = await open_feed(phone)

    await sync_to_async(laptop.post)(reverse("people:logout"))

    assert await closed_with(feed) == CLOSE_SIGNED_OUT
    assert await closed_with(quiz) == CLOSE_SIGNED_OUT
    assert await is_open(elsewhere, trainer)
    await elsewhere.disconnect()


async def test_a_closed_quiz_socket_answers_nothing_more(agent, hosted_quiz):
    laptop = await sync_to_async(logged_in)(agent)
    await sync_to_async(laptop.post)(reverse("contests:join"), {"pin": hosted_quiz.pin})
    quiz = await open_socket(f"/ws/quiz/{hosted_quiz.pk}/", laptop)
    await quiz.receive_from()
    await sync_to_async(laptop.post)(reverse("people:logout"))
    assert await closed_with(quiz) == CLOSE_SIGNED_OUT
    await quiz.send_to(text_data=json.dumps({"action": "sync"}))
    assert await quiz.receive_nothing(timeout=0.5)


async def test_a_manager_disabling_a_login_closes_all_its_sockets(
    agent, manager, trainer
):
    sockets = [await open_feed(await sync_to_async(logged_in)(agent)) for _ in range(2)]
    boss = await sync_to_async(logged_in)(manager)
    response = await sync_to_async(boss.post)(
        reverse("people:staff_edit", args=[agent.pk]),
        {
            "display_name": agent.display_name,
            "employee_number": agent.employee_number,
            "team": agent.team_id,
            "role": "agent",
            # "Can log in" unticked
        },
    )
    assert response.status_code == 302
    for socket in sockets:
        assert await closed_with(socket) == CLOSE_SIGNED_OUT


async def test_a_demoted_trainer_loses_the_host_socket(trainer, manager, hosted_quiz):
    console = await sync_to_async(logged_in)(trainer)
    host = await open_socket(f"/ws/quiz/{hosted_quiz.pk}/", console)
    assert 'id="console-stage"' in await host.receive_from()
    feed = await open_feed(console)
    boss = await sync_to_async(logged_in)(manager)
    response = await sync_to_async(boss.post)(
        reverse("people:staff_edit", args=[trainer.pk]),
        {
            "display_name": trainer.display_name,
            "employee_number": trainer.employee_number,
            "team": trainer.team_id,
            "role": "agent",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert await closed_with(host) == CLOSE_ACCOUNT_CHANGED
    assert await closed_with(feed) == CLOSE_ACCOUNT_CHANGED


async def test_a_password_set_in_the_admin_signs_every_socket_out(agent, manager):
    await sync_to_async(_make_admin)(manager)
    socket = await open_feed(await sync_to_async(logged_in)(agent))
    boss = await sync_to_async(logged_in)(manager)
    response = await sync_to_async(boss.post)(
        reverse("admin:auth_user_password_change", args=[agent.pk]),
        {
            "password1": "a-new-password-9",
            "password2": "a-new-password-9",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    assert await closed_with(socket) == CLOSE_SIGNED_OUT


async def test_changing_ones_own_password_ends_the_other_sessions_and_reloads_this(
    manager,
):
    """Django keeps the session that changed its password, under a new key:
    its pages reload (and reconnect with it); every other session's pages
    are signed out."""
    await sync_to_async(_make_admin)(manager)
    here = await sync_to_async(logged_in)(manager)
    there = await sync_to_async(logged_in)(manager)
    kept = await open_feed(here)
    ended = await open_feed(there)
    response = await sync_to_async(here.post)(
        reverse("admin:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-password-9",
            "new_password2": "a-new-password-9",
        },
    )
    assert response.status_code == 302
    assert await closed_with(ended) == CLOSE_SIGNED_OUT
    assert await closed_with(kept) == CLOSE_ACCOUNT_CHANGED
    assert (await sync_to_async(here.get)(reverse("people:home"))).status_code == 200
    reconnected = await open_feed(here)
    assert await reconnected.receive_nothing(timeout=0.3)
    await reconnected.disconnect()


async def test_a_socket_closes_when_its_session_expires(agent, trainer):
    client = await sync_to_async(logged_in)(agent)
    await sync_to_async(Session.objects.filter(session_key=key_of(client)).update)(
        expire_date=timezone.now() + timedelta(seconds=1)
    )
    socket = await open_feed(client)
    assert await closed_with(socket, timeout=10) == CLOSE_SIGNED_OUT


async def test_a_session_extended_meanwhile_keeps_its_socket(agent, trainer):
    client = await sync_to_async(logged_in)(agent)
    sessions = Session.objects.filter(session_key=key_of(client))
    await sync_to_async(sessions.update)(
        expire_date=timezone.now() + timedelta(seconds=1)
    )
    socket = await open_feed(client)
    await sync_to_async(sessions.update)(
        expire_date=timezone.now() + timedelta(hours=1)
    )
    await asyncio.sleep(2.5)  # past the first expiry: checked, and kept
    assert await is_open(socket, trainer)
    await socket.disconnect()


async def test_the_socket_beyond_the_cap_is_refused_and_takes_nothing(
    agent, trainer, hosted_quiz, settings
):
    settings.SOCKETS_PER_USER = 3
    client = await sync_to_async(logged_in)(agent)
    await sync_to_async(client.post)(reverse("contests:join"), {"pin": hosted_quiz.pin})
    playing = await open_socket(f"/ws/quiz/{hosted_quiz.pk}/", client)
    await playing.receive_from()
    seat = await sync_to_async(Entry.objects.get)(user=agent)
    feeds = [await open_feed(client) for _ in range(2)]
    for feed in feeds:  # connected, not refused
        assert await feed.receive_nothing(timeout=0.2)

    refused = await open_socket("/ws/me/", client)
    assert await closed_with(refused) == CLOSE_TOO_MANY_SOCKETS
    second_tab = await open_socket(f"/ws/quiz/{hosted_quiz.pk}/", client)
    assert await closed_with(second_tab) == CLOSE_TOO_MANY_SOCKETS
    # The first tab keeps its seat: the refused one took nothing over.
    assert (await sync_to_async(Entry.objects.get)(user=agent)).channel_name == (
        seat.channel_name
    )
    assert await playing.receive_nothing(timeout=0.3)

    await feeds[0].disconnect()
    freed = await open_feed(client)
    assert await is_open(freed, trainer)
    for socket in (freed, feeds[1], playing):
        await socket.disconnect()


async def test_places_of_sockets_nobody_renews_lapse(agent, settings, monkeypatch):
    """A killed worker gives no place back: its leases lapse on their own."""
    settings.SOCKETS_PER_USER = 2
    monkeypatch.setattr(socket_cap, "LEASE_S", 1)
    claim = sync_to_async(socket_cap.claim)
    assert await claim([(agent.pk, "a"), (agent.pk, "b"), (agent.pk, "c")]) == [
        True,
        True,
        False,
    ]
    await asyncio.sleep(1.2)
    assert await claim([(agent.pk, "c")]) == [True]
    await sync_to_async(socket_cap.release)(agent.pk, "c")


async def test_places_of_open_sockets_are_renewed_and_given_back(
    agent, settings, monkeypatch
):
    settings.SOCKETS_PER_USER = 1
    monkeypatch.setattr(socket_cap, "LEASE_S", 2)
    claim = sync_to_async(socket_cap.claim)
    assert await claim([(agent.pk, "open")]) == [True]
    for _ in range(3):  # well past the first lease
        await asyncio.sleep(0.8)
        await sync_to_async(socket_cap.renew)([(agent.pk, "open")])
    assert await claim([(agent.pk, "another")]) == [False]
    await sync_to_async(socket_cap.release)(agent.pk, "open")
    assert await claim([(agent.pk, "another")]) == [True]
    await sync_to_async(socket_cap.release)(agent.pk, "another")


def _make_admin(user) -> None:
    user.is_staff = user.is_superuser = True
    user.save()


async def test_an_ending_arriving_while_the_socket_signs_in_still_closes_it(
    agent, monkeypatch
):
    """The session is read as valid, then the account is disabled before the
    socket is listed: the process remembers the ending and applies it."""
    from people import consumers

    def admit_then_disable(sockets):
        admitted = session_end.admit(sockets)
        type(agent).objects.get(pk=agent.pk).delete()  # ends all their sessions
        time.sleep(0.3)  # the ending reaches this process before the listing
        return admitted

    monkeypatch.setattr(consumers, "admit", admit_then_disable)
    client = await sync_to_async(logged_in)(agent)
    socket = await open_socket("/ws/me/", client)
    assert await closed_with(socket) == CLOSE_SIGNED_OUT
