"""Factorial's one published rate limit: writes per credential in a sliding window, then 429.

Off unless set (`Simulator.write_limit = WriteLimit(200, 60.0)` for Factorial's 200 POSTs a
minute). A refused write answers 429 with `Retry-After`, the seconds until the oldest write of
the window leaves it, and is not counted as a write. Credentials are kept by a digest.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass
class WriteLimit:
    """At most `count` writes per credential in any `seconds` long window."""

    count: int
    seconds: float
    clock: Callable[[], float] = time.monotonic
    _writes: dict[str, deque[float]] = field(default_factory=dict)
    refused: int = 0
    peak: int = 0  # the most writes one credential had in a window

    def retry_after(self, method: str, secret: str | None) -> int | None:
        """None when this call may go (a write is then recorded); else whole seconds to wait."""
        if method not in WRITES or secret is None:
            return None
        key = hashlib.sha256(secret.encode()).hexdigest()
        now = self.clock()
        window = self._writes.setdefault(key, deque())
        while window and window[0] <= now - self.seconds:
            window.popleft()
        if len(window) < self.count:
            window.append(now)
            self.peak = max(self.peak, len(window))
            return None
        self.refused += 1
        return max(1, math.ceil(window[0] + self.seconds - now))
