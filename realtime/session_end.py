"""A socket ends with the session that opened it.

Logging out, the session expiring, a manager disabling an account or changing
its role, a password change: each closes the person's open sockets (``/ws/me/``
and quizzes) at once, with a close code the page understands
(docs/protocol.md), instead of letting them receive notices and answer until
they happen to reconnect.

Every process keeps its own open sockets by person and by session, and one
listener channel in the group ``groups.SESSIONS``. An ending is sent to
that group once, after its transaction commits: one message per process
(through Redis, to every worker), however many sockets, and no socket joins a
group of its own for this, so a floor connecting at once costs the channel
layer nothing more. Each process then closes the sockets it holds:

- a logout: that session's sockets, 4401;
- an account disabled or deleted: all of the person's sockets, 4401;
- a password change: Django signs out every other session of the person and
  keeps the one that changed its own password, under a new key. A second
  after the change (the request has then renewed its session) each of the
  person's sockets is checked: one whose session is still stored but no
  longer signs them in closes with 4401; one whose session is gone (renewed
  under a new key) closes with 4205, and its page reloads with the new one;
- a role change: all of the person's sockets, 4205 (reload): the pages they
  came from (a console, a trainer's menu) may no longer be theirs;
- expiry: each socket re-reads its session when it is due to expire (known
  when it connected) and closes with 4401 unless the session was extended.

A socket still signing in when an ending arrives (its session read, not yet
listed) is caught by the process remembering endings for RECENT_S.

Changes made by ``QuerySet.update()`` send no signal and so close nothing:
the socket then lives until its next check (expiry) or reconnect.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
import weakref
from collections import deque
from dataclasses import dataclass, field

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.utils import timezone

from realtime import groups, live, sessions, socket_cap

logger = logging.getLogger(__name__)

# Private-use close codes (RFC 6455 4000-4999); docs/protocol.md lists them.
CLOSE_SIGNED_OUT = 4401
CLOSE_ACCOUNT_CHANGED = 4205  # as HTTP's 205 Reset Content: reload the page
CLOSE_TOO_MANY_SOCKETS = 4429

ENDED = "sessions.ended"
RECENT_S = 60.0
RENEW_GROUP_S = 3600.0
# The database says a session expired only once its expiry is past.
EXPIRY_GRACE_S = 1.0
# A password change is saved a moment before its request renews its own
# session (django.contrib.auth.update_session_auth_hash).
RECHECK_AFTER_S = 1.0


def session_digest(key: str) -> str:
    """A session's name on the channel layer, which never carries the key."""
    return hashlib.sha256(key.encode()).hexdigest()[:32]


# Sent from the request's side, after the transaction commits.


def end_session(session_key: str) -> None:
    """The session was logged out: close its sockets."""
    if session_key:
        _send({"session": session_digest(session_key), "code": CLOSE_SIGNED_OUT})


def end_user_sessions(user_id: int, *, code: int = CLOSE_SIGNED_OUT) -> None:
    """Close all the person's sockets with ``code``."""
    _send({"user": user_id, "code": code})


def recheck_user_sessions(user_id: int) -> None:
    """Close the person's sockets whose session no longer signs them in."""
    _send({"user": user_id, "code": CLOSE_SIGNED_OUT, "recheck": True})


def _send(ending: dict) -> None:
    live.send_after_commit(groups.SESSIONS, {"type": ENDED, **ending})


# Signing a socket in.


def admit(sockets: list[tuple[str, str]]) -> list[tuple[object, bool]]:
    """For sockets connecting, each (session key, channel name): who the
    session signs in (a ``sessions.SignedIn``, None if nobody) and whether
    the socket got one of its person's places (realtime/socket_cap.py). Blocks:
    for the database thread."""
    found = sessions.signed_in([key for key, _channel in sockets])
    signed = [(found.get(key), channel) for key, channel in sockets]
    held = iter(
        socket_cap.claim(
            [(who.user.pk, channel) for who, channel in signed if who is not None]
        )
    )
    return [(who, who is not None and next(held)) for who, _channel in signed]


class SessionBound:
    """A consumer whose socket closes when its session ends.

    ``connect`` calls ``listen_for_endings`` before it reads the session,
    admits the socket (``admit``), keeps its lease in ``session_lease`` and
    calls ``bind_session``; ``disconnect`` calls ``unbind_session``."""

    session_binding = None
    session_lease: tuple[int, str] | None = None
    session_over = False

    async def listen_for_endings(self) -> float:
        """Make sure this process hears endings from now on; returns the
        moment to pass to ``bind_session``."""
        await _registry().listen()
        return time.monotonic()

    async def bind_session(self, key: str, who, since: float) -> None:
        """From now on the socket closes when the session ends. ``since``:
        from ``listen_for_endings``, called before the session was read."""
        self.session_binding = await _registry().bind(self, key, who, since)

    async def unbind_session(self) -> None:
        binding, self.session_binding = self.session_binding, None
        if binding is not None:
            binding.registry.unbind(binding)
        lease, self.session_lease = self.session_lease, None
        if lease is not None:
            try:
                await asyncio.to_thread(socket_cap.release, *lease)
            except Exception:  # it lapses on its own
                logger.warning("Could not release a socket's place", exc_info=True)

    async def end_session(self, code: int) -> None:
        if self.session_over:
            return
        self.session_over = True
        await self.close(code=code)

    async def websocket_receive(self, message: dict) -> None:
        if self.session_over:
            return  # closed: nothing more is answered or acted on
        await super().websocket_receive(message)


@dataclass(eq=False, slots=True)
class Binding:
    registry: Registry
    # Weak: a consumer that died without its disconnect (an error) must not
    # stay listed, nor keep renewing its place, for ever.
    consumer_ref: weakref.ref
    user_id: int
    session_key: str
    digest: str
    channel_name: str
    expiry: asyncio.TimerHandle | None = None
    checking: set = field(default_factory=set)

    async def end(self, code: int) -> None:
        consumer = self.consumer_ref()
        if consumer is None:
            self.registry.unbind(self)
        else:
            await consumer.end_session(code)


class Registry:
    """This process's open sockets by person and session, and the listener
    that closes them."""

    def __init__(self, layer):
        self.layer = layer
        self.loop = asyncio.get_running_loop()
        self.channel_name = ""
        self.by_user: dict[int, set[Binding]] = {}
        self.by_session: dict[str, set[Binding]] = {}
        self.recent: deque[tuple[float, dict]] = deque()
        self.started: asyncio.Future | None = None
        self.tasks: list[asyncio.Task] = []
        self.checking: set[asyncio.Task] = set()

    async def bind(self, consumer, key: str, who, since: float) -> Binding:
        binding = Binding(
            self,
            weakref.ref(consumer),
            who.user.pk,
            key,
            session_digest(key),
            consumer.channel_name,
        )
        self.by_user.setdefault(binding.user_id, set()).add(binding)
        self.by_session.setdefault(binding.digest, set()).add(binding)
        self.expire_at(binding, who.expires_at)
        missed = [
            ending
            for at, ending in self.recent
            if at >= since and self.concerns(ending, binding)
        ]
        for ending in missed:
            await self.handle(ending, [binding])
        return binding

    def unbind(self, binding: Binding) -> None:
        for index, name in (
            (self.by_user, binding.user_id),
            (self.by_session, binding.digest),
        ):
            bound = index.get(name, set())
            bound.discard(binding)
            if not bound:
                index.pop(name, None)
        if binding.expiry is not None:
            binding.expiry.cancel()

    async def listen(self) -> None:
        """Return once this process's channel is in the group: an ending sent
        after that reaches it. The listener then runs as long as the process
        (or the event loop) does."""
        if self.started is None:
            self.started = asyncio.ensure_future(self.start())
        started = self.started
        try:
            await asyncio.shield(started)
        except Exception:
            if self.started is started:
                self.started = None
            raise

    async def start(self) -> None:
        if not self.channel_name:
            self.channel_name = await self.layer.new_channel()
        await self.layer.group_add(groups.SESSIONS, self.channel_name)
        self.tasks = [
            self.loop.create_task(self.run()),
            self.loop.create_task(self.upkeep()),
        ]

    async def run(self) -> None:
        while True:
            try:
                ending = await self.layer.receive(self.channel_name)
            except Exception:  # e.g. Redis restarting: listen again shortly
                _stop_if_cancelled()
                logger.warning("Could not hear ended sessions", exc_info=True)
                await asyncio.sleep(1)
                continue
            if ending.get("type") != ENDED:
                continue
            now = time.monotonic()
            self.recent.append((now, ending))
            while self.recent and self.recent[0][0] < now - RECENT_S:
                self.recent.popleft()
            bound = set(self.by_session.get(ending.get("session"), ()))
            bound |= self.by_user.get(ending.get("user"), set())
            await self.handle(ending, list(bound))

    async def upkeep(self) -> None:
        """Renew the sockets' places (socket_cap) and, hourly, the group
        (channel-layer groups expire after a day)."""
        joined = time.monotonic()
        while True:
            await asyncio.sleep(socket_cap.RENEW_EVERY_S)
            bindings = [b for bound in self.by_user.values() for b in bound]
            for gone in [b for b in bindings if b.consumer_ref() is None]:
                self.unbind(gone)
            held = [(b.user_id, b.channel_name) for b in bindings if b.consumer_ref()]
            try:
                await asyncio.to_thread(socket_cap.renew, held)
                if time.monotonic() - joined > RENEW_GROUP_S:
                    await self.layer.group_add(groups.SESSIONS, self.channel_name)
                    joined = time.monotonic()
            except Exception:
                _stop_if_cancelled()
                logger.warning("Could not renew the sockets' places", exc_info=True)

    @staticmethod
    def concerns(ending: dict, binding: Binding) -> bool:
        return (
            ending.get("user") == binding.user_id
            or ending.get("session") == binding.digest
        )

    async def handle(self, ending: dict, bound: list[Binding]) -> None:
        if ending.get("recheck"):
            # It waits a moment: meanwhile the listener goes on.
            task = self.loop.create_task(self.apply(ending, bound))
            self.checking.add(task)
            task.add_done_callback(self.checking.discard)
        else:
            await self.apply(ending, bound)

    async def apply(self, ending: dict, bound: list[Binding]) -> None:
        try:
            if ending.get("recheck"):
                await self.recheck(bound)
                return
            for binding in bound:
                await binding.end(ending["code"])
        except Exception:
            logger.exception("Could not close the sockets of an ended session")

    async def recheck(self, bound: list[Binding]) -> None:
        """After a password change: close the sockets it signed out."""
        if not bound:
            return
        await asyncio.sleep(RECHECK_AFTER_S)
        keys = [binding.session_key for binding in bound]
        found, stored = await database_sync_to_async(_signed_in_and_stored)(keys)
        for binding in bound:
            if _still_signed_in(binding, found):
                continue
            if binding.session_key in stored:
                await binding.end(CLOSE_SIGNED_OUT)
            else:  # renewed under a new key: the page reloads with it
                await binding.end(CLOSE_ACCOUNT_CHANGED)

    def expire_at(self, binding: Binding, expires_at) -> None:
        delay = (expires_at - timezone.now()).total_seconds() + EXPIRY_GRACE_S
        binding.expiry = self.loop.call_later(
            max(delay, 0.0), self.check_expiry, binding
        )

    def check_expiry(self, binding: Binding) -> None:
        task = self.loop.create_task(self.expire(binding))
        binding.checking.add(task)
        task.add_done_callback(binding.checking.discard)

    async def expire(self, binding: Binding) -> None:
        if binding not in self.by_user.get(binding.user_id, ()):
            return  # closed meanwhile
        found = await database_sync_to_async(sessions.signed_in)([binding.session_key])
        if _still_signed_in(binding, found):
            # Extended since it connected (the session was saved again).
            self.expire_at(binding, found[binding.session_key].expires_at)
            return
        await binding.end(CLOSE_SIGNED_OUT)


def _signed_in_and_stored(keys: list[str]) -> tuple[dict, set[str]]:
    return sessions.signed_in(keys), sessions.existing(keys)


def _still_signed_in(binding: Binding, found: dict) -> bool:
    who = found.get(binding.session_key)
    return who is not None and who.user.pk == binding.user_id


_registries: dict[int, Registry] = {}


def _registry() -> Registry:
    """The registry of this process's channel layer, on the running loop."""
    layer = get_channel_layer()
    registry = _registries.get(id(layer))
    loop = asyncio.get_running_loop()
    if registry is None or registry.layer is not layer or registry.loop is not loop:
        registry = _registries[id(layer)] = Registry(layer)
    return registry


def _stop_if_cancelled() -> None:
    """A listener being cancelled (its event loop closing) stops, even when
    the cancellation reached it as another error: channels_redis's receive,
    cancelled mid-read, can raise ConnectionError instead, and a loop that
    took that for Redis restarting would never end."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError
