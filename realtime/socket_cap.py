"""A cap on the sockets one person holds open at once, for every worker together.

Each open socket holds a lease on one of its person's SOCKETS_PER_USER places
until a time LEASE_S ahead; its process renews the leases of all its open
sockets every RENEW_EVERY_S, and a closing socket gives its lease back. A
worker that is killed gives nothing back: its leases lapse within LEASE_S, so
nothing leaks. A socket beyond the cap is refused before it takes anything
else (a quiz seat, a group).

With REDIS_URL the leases live in Redis, one sorted set per person (member:
the socket's channel name, score: when the lease lapses, on Redis's clock so
workers on several machines agree), claimed by a script so two workers cannot
both take the last place. Without it they live in this process, which is then
the only one (config.layer refuses a second).

These calls block (a round trip to Redis): call them from the database thread
or another thread, never on the event loop.
"""

from __future__ import annotations

import threading
import time
from functools import cache

from django.conf import settings

LEASE_S = 60
RENEW_EVERY_S = 20

# KEYS: the person's set. ARGV: the cap, the lease in seconds, the socket.
# Returns 1 when the socket holds a place, 0 when all are taken.
_CLAIM = """
local now = redis.call('TIME')
local seconds = tonumber(now[1]) + tonumber(now[2]) / 1000000
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', seconds)
if not redis.call('ZSCORE', KEYS[1], ARGV[3])
   and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then
  return 0
end
redis.call('ZADD', KEYS[1], seconds + tonumber(ARGV[2]), ARGV[3])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2]) + 1)
return 1
"""

# Renews a lease still held; one that lapsed stays lapsed (its place may
# have gone to another socket meanwhile).
_RENEW = """
local now = redis.call('TIME')
local seconds = tonumber(now[1]) + tonumber(now[2]) / 1000000
local lapses = seconds + tonumber(ARGV[1])
if redis.call('ZADD', KEYS[1], 'XX', 'CH', lapses, ARGV[2]) == 1 then
  redis.call('EXPIRE', KEYS[1], tonumber(ARGV[1]) + 1)
end
return 1
"""


def cap() -> int:
    return settings.SOCKETS_PER_USER


def claim(sockets: list[tuple[int, str]]) -> list[bool]:
    """For each (user id, socket id): whether it now holds a place."""
    if not sockets:
        return []
    if settings.REDIS_URL:
        return _redis_claim(sockets)
    return [_local.claim(user_id, socket) for user_id, socket in sockets]


def renew(sockets: list[tuple[int, str]]) -> None:
    """The leases of these open sockets run LEASE_S from now."""
    if not sockets:
        return
    if settings.REDIS_URL:
        client = _redis()
        renew_one = client.register_script(_RENEW)
        with client.pipeline(transaction=False) as pipe:
            for user_id, socket in sockets:
                renew_one(keys=[_key(user_id)], args=[LEASE_S, socket], client=pipe)
            pipe.execute()
        return
    for user_id, socket in sockets:
        _local.renew(user_id, socket)


def release(user_id: int, socket: str) -> None:
    """The socket closed: its place is free."""
    if settings.REDIS_URL:
        _redis().zrem(_key(user_id), socket)
    else:
        _local.release(user_id, socket)


def _redis_claim(sockets: list[tuple[int, str]]) -> list[bool]:
    client = _redis()
    claim_one = client.register_script(_CLAIM)
    # One round trip for a whole batch of a floor connecting together.
    with client.pipeline(transaction=False) as pipe:
        for user_id, socket in sockets:
            claim_one(keys=[_key(user_id)], args=[cap(), LEASE_S, socket], client=pipe)
        return [bool(held) for held in pipe.execute()]


def _key(user_id: int) -> str:
    prefix = settings.CACHES["default"].get("KEY_PREFIX") or "servicestar"
    return f"{prefix}:sockets:{user_id}"


def _redis():
    return _client(settings.REDIS_URL)


@cache
def _client(url: str):
    import redis

    return redis.Redis.from_url(url, socket_timeout=5)


class _Leases:
    """The embedded mode's leases: this process is the only one."""

    def __init__(self):
        self.lock = threading.Lock()
        self.held: dict[int, dict[str, float]] = {}

    def claim(self, user_id: int, socket: str) -> bool:
        now = time.monotonic()
        with self.lock:
            leases = self.held.setdefault(user_id, {})
            for lapsed in [s for s, until in leases.items() if until <= now]:
                del leases[lapsed]
            if socket not in leases and len(leases) >= cap():
                return False
            leases[socket] = now + LEASE_S
            return True

    def renew(self, user_id: int, socket: str) -> None:
        with self.lock:
            leases = self.held.get(user_id, {})
            if socket in leases:
                leases[socket] = time.monotonic() + LEASE_S

    def release(self, user_id: int, socket: str) -> None:
        with self.lock:
            leases = self.held.get(user_id, {})
            leases.pop(socket, None)
            if not leases:
                self.held.pop(user_id, None)


_local = _Leases()
