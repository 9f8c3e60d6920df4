"""A circuit breaker: stop calling an upstream that keeps failing, and probe before trusting it.

Only failures that say the upstream itself is unwell count (5xx, timeouts, connection errors);
401/403/404/422/429 are one caller's business and never open the circuit.
"""

from __future__ import annotations

import time
from enum import StrEnum

from .errors import UpstreamError, UpstreamShed, UpstreamTimeout, UpstreamUnavailable


class BreakerState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


def counts_against_upstream(error: UpstreamError) -> bool:
    if isinstance(error, UpstreamShed):
        return False
    return isinstance(error, UpstreamUnavailable | UpstreamTimeout)


class CircuitBreaker:
    """Opens after `threshold` consecutive upstream failures; after `cooldown` seconds lets one
    probe through (half open): its success closes the circuit, its failure opens it again."""

    def __init__(self, threshold: int = 5, cooldown: float = 5.0) -> None:
        self.threshold = threshold
        self.cooldown = cooldown
        self.state = BreakerState.CLOSED
        self._failures = 0
        self._opened_at = 0.0
        self._probing = False

    def before_call(self) -> None:
        """Raise at once while the circuit is open; admit a single probe once it may close."""
        if self.state is BreakerState.CLOSED:
            return
        if self.state is BreakerState.OPEN:
            if time.monotonic() - self._opened_at < self.cooldown:
                raise UpstreamShed("Factorial is failing; calls are paused for a moment.")
            self.state = BreakerState.HALF_OPEN
            self._probing = False
        if self._probing:
            raise UpstreamShed("Factorial is failing; calls are paused for a moment.")
        self._probing = True

    def record_success(self) -> None:
        self._failures = 0
        self._probing = False
        self.state = BreakerState.CLOSED

    def record_failure(self, error: UpstreamError) -> None:
        if not counts_against_upstream(error):
            # The upstream answered; it is alive. A half-open probe that got such an answer
            # still proves that.
            self.record_success()
            return
        self._failures += 1
        self._probing = False
        if self.state is BreakerState.HALF_OPEN or self._failures >= self.threshold:
            self.state = BreakerState.OPEN
            self._opened_at = time.monotonic()
