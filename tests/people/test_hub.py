"""The hub: one message per process for a group, written to each local member."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from people import hub

pytestmark = pytest.mark.asyncio


class Screen:
    """Stands in for a consumer: what the hub wrote to its socket."""

    def __init__(self, broken: bool = False):
        self.frames: list[str] = []
        self.broken = broken

    async def base_send(self, message: dict) -> None:
        if self.broken:
            raise ConnectionResetError("the phone went into a lift")
        self.frames.append(message["text"])


async def until(condition, limit_s: float = 10.0) -> None:
    for _ in range(int(limit_s / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)


async def test_each_member_gets_its_language_once_and_a_broken_one_costs_nothing(
    caplog,
):
    group = f"contest-hub-{uuid.uuid4().hex[:8]}"
    chinese, english, broken, left = Screen(), Screen(), Screen(True), Screen()
    for screen, language in [
        (broken, "en"),  # first in line: the others must still get the frame
        (chinese, "zh-hans"),
        (english, "en"),
        (left, "zh-hans"),
    ]:
        await hub.join(group, screen, language)
    hub.leave(group, left)

    await hub.publish(group, {"zh-hans": "<p>第 1 题</p>", "en": "<p>Question 1</p>"})
    await until(lambda: chinese.frames and english.frames)

    assert chinese.frames == ["<p>第 1 题</p>"]
    assert english.frames == ["<p>Question 1</p>"]
    assert left.frames == []
    assert "could not write to a socket" in caplog.text
    for screen in (broken, chinese, english):
        hub.leave(group, screen)
