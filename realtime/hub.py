"""One fan-out per process: a broadcast reaches every local socket in one pass.

A plain Channels group puts one copy of a message on every member's channel;
each consumer's task then wakes, dispatches and writes. For a quiz with 1000
players on one floor that is 1000 copies, 1000 task wake-ups and 1000 trips
through the dispatcher for one frame, and it made the question reach the last
phone ~30 times later than a bare WebSocket server does (docs/performance.md).

Here a process joins a group once, with its hub's own channel. A broadcast is
then one channel-layer message per process (one in the embedded mode; one per
daphne worker through Redis), and the hub writes the frame, already rendered
once per language, to each local member through that member's ASGI ``send``.
What a member sees is the same as before: the frames arrive in the order they
were published, and the layer carries them between workers as it always did.

Under daphne the hub goes one step further. daphne's own path for a frame
(ASGI send, autobahn's framing, Twisted's write buffer, then a writer
callback per socket on the next turn of the loop) left the last of 1000
players waiting 358 ms (p99) for a question; the hub frames each language's
text once (autobahn's ``PreparedMessage``) and hands the bytes to each socket
at once through Twisted's ``writeSomeData``, the call Twisted itself flushes
with: 61 ms, against 30 ms for a bare ``websockets`` server on the same
machine (docs/performance.md). When a socket still has bytes queued, or is
not the plain daphne WebSocket over TCP this expects (TLS in daphne, another
ASGI server), the frame goes the ordinary way, so the order of frames on a
socket never changes.

Use ``publish`` for frames that are the same for everyone in the group (a
quiz's stage for its players). ``publish_each`` carries a personal payload per
member (a quiz's results at a reveal) in the same single message per process;
each member's consumer renders its own in its language (``personal_text``).

One hub serves every quiz in the process, so its failures are kept small: a
member that cannot be written to is logged and dropped, the others still get
the frame; a message that cannot be delivered is logged, the next one is; a
frame UTF-8 cannot carry goes out with the character replaced; the delivery
task, should it die anyway, is logged and started again; and a consumer that
ends in any way, a crash included, leaves every group (``Membership``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from channels.layers import get_channel_layer

from realtime.direct import (
    SocketGone,
    direct_writer,
    prepare,
    prepare_shared,
)

logger = logging.getLogger(__name__)

FRAME = "hub.frame"
PERSONAL = "hub.personal"
# Rendering a thousand personal frames holds the event loop for a while: let
# other sockets through every so many.
PERSONAL_BETWEEN_YIELDS = 50
RENEW_GROUP_S = 3600
# A delivery task that died (the channel layer failing, a bug) starts again
# after this long: soon enough that players hardly notice, slow enough not to
# spin while Redis is down.
RESTART_AFTER_S = 1.0
# A Redis restarted without its data has forgotten every group, and nothing
# tells the processes: each hub puts its channel back in its groups this
# often, so players get the stage again within seconds (bench/faults).
REFRESH_GROUPS_S = 5.0
# After the channel layer failed (Redis restarting), listen again after this.
RETRY_RECEIVE_S = 0.5


async def join(
    group: str, consumer, language: str, *, held: bool = False, writer=None
) -> None:
    """From now on ``consumer`` gets the group's frames in ``language``.

    ``held``: not yet; keep what arrives, in order, until ``release`` (a
    socket whose snapshot is still being read must not miss a change made
    meanwhile, nor get it before the snapshot). ``writer``: the consumer's
    ``direct_writer``, if it already made one.
    """
    await _hub().join(group, consumer, language, held, writer)


async def release(group: str, consumer) -> None:
    """Start writing to a held member, beginning with what arrived meanwhile."""
    hub = _existing_hub()
    if hub is not None:
        await hub.release(group, consumer)


def leave(group: str, consumer) -> None:
    hub = _existing_hub()
    if hub is not None:
        hub.leave(group, consumer)


class Membership:
    """A consumer mixin: however the consumer ends, the hub stops listing it.

    A consumer that dies of an exception never gets its ``disconnect``, so
    it would stay a member of its groups, written to at every broadcast."""

    async def __call__(self, scope, receive, send):
        try:
            await super().__call__(scope, receive, send)
        finally:
            hub = _existing_hub()
            if hub is not None:
                hub.forget(self)


async def publish(group: str, html: dict[str, str]) -> None:
    """Send every member of ``group``, in every process, its language's frame."""
    message = {"type": FRAME, "group": group, "html": html}
    await get_channel_layer().group_send(group, message)


async def publish_each(group: str, payloads: dict[str, object]) -> None:
    """Send each member of ``group``, in every process, its own frame:
    ``payloads`` maps a member's channel name to what its consumer's
    ``personal_text`` turns into that frame. Members not named get nothing.

    The payloads travel as one JSON text: for a floor, thousands of small
    dicts that the in-memory layer would deep-copy one by one (and Redis's
    layer pack one by one) become a single string."""
    each = json.dumps(payloads, ensure_ascii=False, separators=(",", ":"))
    message = {"type": PERSONAL, "group": group, "each": each}
    await get_channel_layer().group_send(group, message)


@dataclass(eq=False, slots=True)
class Member:
    language: str
    writer: Callable | None  # straight to daphne's socket, when possible
    held: bool = False
    backlog: list[str] = field(default_factory=list)  # frames while held


class Hub:
    """This process's members of hub groups, and the task that feeds them."""

    def __init__(self, layer):
        self.layer = layer
        self.loop = asyncio.get_running_loop()
        self.channel_name = ""
        self.members: dict[str, dict[object, Member]] = {}
        self.entered: dict[str, tuple[float, asyncio.Future]] = {}
        self.task: asyncio.Task | None = None

    async def join(self, group, consumer, language: str, held: bool, writer) -> None:
        if not self.channel_name:
            # The layer's usual prefix: channels-redis fetches a process's
            # messages for all channels under one prefix at once; under
            # another one the hub would wait its turn behind every consumer.
            name = await self.layer.new_channel()
            self.channel_name = self.channel_name or name
        if self.task is None:
            self.start()
        member = Member(language, writer or direct_writer(consumer), held)
        self.members.setdefault(group, {})[consumer] = member
        await self.enter(group)

    async def enter(self, group: str) -> None:
        """Make sure this process's channel is in ``group``: one ``group_add``
        for a whole storm of joins (2000 at once through Redis ran its
        connection pool dry), renewed hourly (groups expire after a day),
        and every joiner waits until it has landed."""
        now = time.monotonic()
        entry = self.entered.get(group)
        if entry is None or now - entry[0] > RENEW_GROUP_S:
            adding = asyncio.ensure_future(
                self.layer.group_add(group, self.channel_name)
            )
            entry = self.entered[group] = (now, adding)
        try:
            await asyncio.shield(entry[1])
        except Exception:
            if self.entered.get(group) is entry:
                del self.entered[group]
            raise

    async def release(self, group: str, consumer) -> None:
        member = self.members.get(group, {}).get(consumer)
        if member is None or not member.held:
            return
        member.held = False
        backlog, member.backlog = member.backlog, []
        try:
            for text in backlog:
                await _write(consumer, member.writer, text)
        except SocketGone:
            self.forget(consumer)

    def start(self) -> None:
        self.task = self.loop.create_task(self.run())
        self.task.add_done_callback(self.ended)

    def ended(self, task: asyncio.Task) -> None:
        """Supervises the delivery task: one that died is logged and, while
        anybody is listening, started again (without it no member of any
        group in this process would get another frame)."""
        if task.cancelled():
            return
        logger.error("hub: the delivery task died", exc_info=task.exception())
        if self.task is task:
            self.task = None
            self.loop.call_later(RESTART_AFTER_S, self.restart)

    def restart(self) -> None:
        if self.task is None and self.members:
            logger.warning("hub: delivery task restarted")
            self.start()

    def forget(self, consumer) -> None:
        """Drop ``consumer`` from every group (its socket is gone)."""
        for group in [g for g, members in self.members.items() if consumer in members]:
            self.leave(group, consumer)

    def leave(self, group: str, consumer) -> None:
        members = self.members.get(group, {})
        members.pop(consumer, None)
        if not members:
            self.members.pop(group, None)
        if not self.members and self.task is not None:
            # Nobody left to feed: stop listening. The next join starts a new
            # task on the same channel (messages sent meanwhile wait there).
            self.task.cancel()
            self.task = None
            # Unread, its messages expire, and the in-memory layer then drops
            # the channel from every group: enter them afresh next time.
            self.entered.clear()

    async def run(self) -> None:
        refreshing = self.loop.create_task(self.refresh_groups())
        try:
            while True:
                try:
                    message = await self.layer.receive(self.channel_name)
                except Exception:
                    # The layer reconnects on the next call (Redis
                    # restarting); a hub that stopped here left every local
                    # player without another frame.
                    logger.warning("hub: the channel layer failed", exc_info=True)
                    await asyncio.sleep(RETRY_RECEIVE_S)
                    continue
                try:
                    if message.get("type") == FRAME:
                        await self.deliver(message["group"], message["html"])
                    elif message.get("type") == PERSONAL:
                        each = json.loads(message["each"])
                        await self.deliver_each(message["group"], each)
                except Exception:
                    # One message that cannot be delivered must not stop the
                    # next.
                    logger.exception(
                        "hub: could not deliver to %s", message.get("group")
                    )
        finally:
            refreshing.cancel()

    async def refresh_groups(self) -> None:
        """Keep this process's channel in its groups (REFRESH_GROUPS_S)."""
        while True:
            await asyncio.sleep(REFRESH_GROUPS_S)
            for group in list(self.members):
                try:
                    await self.layer.group_add(group, self.channel_name)
                except Exception:
                    logger.warning("hub: could not refresh %s", group, exc_info=True)

    async def deliver(self, group: str, html: dict[str, str]) -> None:
        texts, frames = {}, {}
        for consumer, member in list(self.members.get(group, {}).items()):
            language = member.language
            if language not in texts:
                texts[language] = sendable(html[language])
                if member.writer is not None:
                    frames[language] = prepare(texts[language])
            await self.write(
                group, consumer, member, texts[language], frames.get(language)
            )

    async def deliver_each(self, group: str, each: dict[str, object]) -> None:
        written = 0
        for consumer, member in list(self.members.get(group, {}).items()):
            payload = each.get(consumer.channel_name)
            if payload is None:
                continue
            try:
                text = sendable(consumer.personal_text(payload))
            except Exception:
                logger.exception("hub: could not render a frame in %s", group)
                continue
            await self.write(group, consumer, member, text)
            written += 1
            if written % PERSONAL_BETWEEN_YIELDS == 0:
                await asyncio.sleep(0)

    async def write(self, group: str, consumer, member: Member, text: str, frame=None):
        """One frame to one member: kept while it is held, else written
        (``frame``: ``text`` already prepared)."""
        try:
            if member.held:
                member.backlog.append(text)
            else:
                await _write(consumer, member.writer, text, frame)
        except SocketGone:
            self.forget(consumer)
        except Exception:
            # One broken socket must not cost the others their frame; a
            # socket that cannot be written to is not written to again.
            logger.exception("hub: could not write to a socket in %s", group)
            self.forget(consumer)


def sendable(text: str) -> str:
    """``text`` as UTF-8 can carry it. A frame holding a lone surrogate
    (stored before messages were checked at the door) would fail for every
    member; with the surrogate replaced it reaches them all."""
    try:
        text.encode()
    except UnicodeEncodeError:
        logger.warning("hub: a frame held text UTF-8 cannot carry")
        return text.encode(errors="replace").decode()
    return text


async def send(consumer, writer, text: str, *, shared: bool = False) -> None:
    """One frame to one socket: straight to daphne's socket through
    ``writer`` (from ``direct_writer``) when it can, else through the
    consumer's ASGI ``send``. ``shared``: the same text goes to many sockets."""
    frame = prepare_shared(text) if shared and writer is not None else None
    with contextlib.suppress(SocketGone):  # closing: its disconnect follows
        await _write(consumer, writer, text, frame)


async def _write(consumer, writer, text: str, frame=None) -> None:
    """Straight to the socket through ``writer`` when it can (``frame``: the
    text already prepared), else through the consumer's ASGI ``send``."""
    if writer is not None and writer(frame or prepare(text)):
        return
    await consumer.base_send({"type": "websocket.send", "text": text})


_hubs: dict[int, Hub] = {}


def _existing_hub() -> Hub | None:
    return _hubs.get(id(get_channel_layer()))


def _hub() -> Hub:
    """The hub of this process's channel layer, on the running event loop."""
    layer = get_channel_layer()
    hub = _hubs.get(id(layer))
    loop = asyncio.get_running_loop()
    if hub is None or hub.layer is not layer or hub.loop is not loop:
        hub = _hubs[id(layer)] = Hub(layer)
    return hub
