"""How many messages one socket may send: a token bucket per connection."""

from __future__ import annotations

import time


class TokenBucket:
    """``capacity`` messages at once, refilled at ``rate`` a second."""

    def __init__(self, capacity: int, rate: float):
        self.capacity, self.rate = capacity, rate
        self.tokens = float(capacity)
        self.checked = time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.checked) * self.rate)
        self.checked = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True
