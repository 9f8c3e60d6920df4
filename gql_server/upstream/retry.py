"""When a failed call is tried again, after how long, and how many retries may be spent.

One predicate (`retry_delay`) and one backoff (capped exponential with full jitter). Only GETs
are retried: Factorial's POSTs are not idempotent. A retry budget keeps retries to a fraction
of calls over a sliding window, so a failing upstream is not hammered by our retries.
"""

from __future__ import annotations

import random
import time
from collections import deque
from dataclasses import dataclass

from .errors import UpstreamError, UpstreamRateLimited, UpstreamShed, UpstreamUnavailable

RETRYABLE_STATUSES = frozenset({502, 503, 504})


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """At most `max_retries` retries, waiting up to `base * 2**attempt` (capped) each."""

    max_retries: int = 2
    base_delay: float = 0.1
    max_delay: float = 2.0

    def backoff(self, attempt: int) -> float:
        """Full jitter: uniform between 0 and the capped exponential delay."""
        ceiling = min(self.max_delay, self.base_delay * 2**attempt)
        return random.uniform(0, ceiling)  # noqa: S311 - jitter, not security


def is_retryable(method: str, error: UpstreamError) -> bool:
    """GETs that failed to connect, met a 502/503/504, or were rate limited."""
    if method != "GET":
        return False
    if isinstance(error, UpstreamRateLimited):
        return True
    if isinstance(error, UpstreamShed):
        return False
    if isinstance(error, UpstreamUnavailable):
        # No status: the connection failed. A 500 is an answer, not a transient failure.
        return error.status is None or error.status in RETRYABLE_STATUSES
    return False


def retry_delay(
    policy: RetryPolicy, method: str, error: UpstreamError, attempt: int, remaining: float
) -> float | None:
    """Seconds to wait before retrying, or None to give up and raise `error`.

    A `Retry-After` that does not fit the remaining deadline ends the retries at once, so the
    caller learns `retryAfter` instead of waiting out its deadline.
    """
    if attempt >= policy.max_retries or not is_retryable(method, error):
        return None
    if isinstance(error, UpstreamRateLimited) and error.retry_after is not None:
        return error.retry_after if error.retry_after < remaining else None
    delay = policy.backoff(attempt)
    return delay if delay < remaining else None


class RetryBudget:
    """Retries may be at most `ratio` of the calls of the last `window` seconds.

    `min_retries` are always allowed in a window, so a quiet server can still retry a blip.
    """

    def __init__(self, ratio: float = 0.2, window: float = 10.0, min_retries: int = 5) -> None:
        self.ratio = ratio
        self.window = window
        self.min_retries = min_retries
        self._calls: deque[float] = deque()
        self._retries: deque[float] = deque()

    def _trim(self, now: float) -> None:
        horizon = now - self.window
        for events in (self._calls, self._retries):
            while events and events[0] < horizon:
                events.popleft()

    def record_call(self) -> None:
        self._calls.append(time.monotonic())

    def try_spend(self) -> bool:
        """Take one retry from the budget, if any is left."""
        now = time.monotonic()
        self._trim(now)
        allowed = max(self.min_retries, int(self.ratio * len(self._calls)))
        if len(self._retries) >= allowed:
            return False
        self._retries.append(now)
        return True
