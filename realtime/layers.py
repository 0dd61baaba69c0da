"""Channels' in-memory layer for the embedded mode, without its quadratic sweep.

The stock layer looks through every channel and every group for expired
messages on every ``receive`` and ``group_send``. Every connected socket
waits in ``receive``, so a connect storm or a fan-out to N sockets sweeps N
times over N channels: in a profile of 2000 players it was about 40 % of the
server's CPU. Expiry is measured in tens of seconds (60 s for a message, a
day for a group membership), so sweeping once a second loses nothing.
"""

from __future__ import annotations

import time

from channels.layers import InMemoryChannelLayer as StockInMemoryChannelLayer

SWEEP_EVERY_S = 1.0


class InMemoryChannelLayer(StockInMemoryChannelLayer):
    swept_at = 0.0

    def _clean_expired(self) -> None:
        now = time.monotonic()
        if now - self.swept_at < SWEEP_EVERY_S:
            return
        self.swept_at = now
        super()._clean_expired()
