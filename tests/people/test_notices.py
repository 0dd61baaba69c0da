"""Trainers send notices; agents see them on their home page and live."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.urls import reverse

from people.consumers import CLOSE_UNAUTHENTICATED
from people.models import Notice
from people.services import post_notice
from realtime import groups
from tests.sockets import connect


def test_trainer_sends_a_notice_that_agents_see_on_their_home(client, trainer, agent):
    client.force_login(trainer)
    response = client.post(
        reverse("people:notice_create"), {"text": "  15:00 业务知识擂台赛，3号培训室  "}
    )
    assert response.status_code == 302
    notice = Notice.objects.get()
    assert notice.text == "15:00 业务知识擂台赛，3号培训室"
    assert notice.sender == trainer
    client.force_login(agent)
    assert notice.text in client.get(reverse("people:home")).content.decode()


def test_a_team_notice_stays_within_the_team(client, trainer, agent, other_agent):
    post_notice(sender=trainer, text="一班今晚加班", team=agent.team)
    client.force_login(other_agent)
    assert "一班今晚加班" not in client.get(reverse("people:home")).content.decode()
    client.force_login(agent)
    assert "一班今晚加班" in client.get(reverse("people:home")).content.decode()


def test_htmx_post_returns_the_panel_with_errors_next_to_the_field(client, trainer):
    client.force_login(trainer)
    response = client.post(
        reverse("people:notice_create"),
        {"text": "x" * 201},
        HTTP_HX_REQUEST="true",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" not in page  # the partial, not the whole page
    assert "at most 200 characters" in page
    assert not Notice.objects.exists()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_connected_agents_receive_a_notice_live_in_their_language(trainer, agent):
    chinese, ok_zh, _ = await connect("/ws/me/", agent, language="zh-hans")
    english, ok_en, _ = await connect("/ws/me/", agent, language="en")
    assert ok_zh and ok_en
    await sync_to_async(post_notice)(sender=trainer, text="系统升级，请保存工单")
    zh_frame = await chinese.receive_from(timeout=2)
    en_frame = await english.receive_from(timeout=2)
    assert "系统升级，请保存工单" in zh_frame and "通知" in zh_frame
    assert "系统升级，请保存工单" in en_frame and "Notice" in en_frame
    assert 'hx-swap-oob="afterbegin"' in zh_frame
    await chinese.disconnect()
    await english.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_team_notices_reach_only_that_team(trainer, agent, other_agent):
    mine, _, _ = await connect("/ws/me/", agent)
    theirs, _, _ = await connect("/ws/me/", other_agent)
    await sync_to_async(post_notice)(
        sender=trainer, text="一班例会改到周五", team=agent.team
    )
    assert "一班例会改到周五" in await mine.receive_from(timeout=2)
    assert await theirs.receive_nothing(timeout=0.3)
    await mine.disconnect()
    await theirs.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_anonymous_websocket_is_closed_with_a_code_the_page_sees():
    """Accepted, then closed: a refused handshake reaches the page as 1006,
    which htmx would retry forever."""
    socket, connected, _ = await connect("/ws/me/")
    assert connected
    assert (await socket.receive_output())["code"] == CLOSE_UNAUTHENTICATED


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_feed_hears_what_is_sent_the_moment_it_is_open(agent):
    """Open means subscribed: a notice sent right after the page's feed
    opened was lost while the feed was still joining its groups."""
    feed, ok, _ = await connect("/ws/me/", agent, language="en")
    assert ok
    await get_channel_layer().group_send(
        groups.FLOOR,
        {
            "type": "feed.fragment",
            "html": {"en": "<p>now</p>", "zh-hans": "<p>现在</p>"},
        },
    )
    assert await feed.receive_from(timeout=2) == "<p>now</p>"
    await feed.disconnect()
