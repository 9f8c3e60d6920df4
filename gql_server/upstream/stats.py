"""What one GraphQL request cost upstream: calls made, calls saved, retries, time waited."""

from __future__ import annotations

import time
from dataclasses import dataclass, field


@dataclass(slots=True)
class UpstreamStats:
    """Counters for one request; the client updates them, the response reports them.

    `wait_seconds` is wall-clock time during which at least one upstream call was in flight,
    so concurrent calls are not counted twice. `cache_hits` are GETs answered by the read
    cache shared across requests, `cache_stale` those of them past their fresh time.
    """

    calls: int = 0
    cached: int = 0
    retries: int = 0
    cache_hits: int = 0
    cache_stale: int = 0
    wait_seconds: float = 0.0
    _in_flight: int = field(default=0, repr=False)
    _busy_since: float = field(default=0.0, repr=False)

    def call_started(self) -> None:
        """An upstream call of this request's own begins."""
        self.calls += 1
        self._wait_started()

    def shared_started(self) -> None:
        """This request begins waiting on an identical call another request made."""
        self.cached += 1
        self._wait_started()

    def cache_hit(self, *, stale: bool) -> None:
        """A GET was answered by the read cache, without a call."""
        self.cache_hits += 1
        if stale:
            self.cache_stale += 1

    def held_started(self) -> None:
        """This request begins waiting for a slot the rate governor gave it."""
        self._wait_started()

    def held_finished(self) -> None:
        self._wait_finished()

    def fleet_wait_started(self) -> None:
        """This request begins waiting on an identical call another process makes."""
        self._wait_started()

    def fleet_wait_finished(self, *, shared: bool) -> None:
        """The wait ended: with the other process's answer (`shared`), or with none, and this
        request then makes the call itself."""
        if shared:
            self.cached += 1
        self._wait_finished()

    def _wait_started(self) -> None:
        if self._in_flight == 0:
            self._busy_since = time.perf_counter()
        self._in_flight += 1

    def call_finished(self) -> None:
        self._wait_finished()

    def shared_finished(self) -> None:
        self._wait_finished()

    def _wait_finished(self) -> None:
        self._in_flight -= 1
        if self._in_flight == 0:
            self.wait_seconds += time.perf_counter() - self._busy_since

    def as_extension(self) -> dict[str, float | int]:
        """The `extensions.upstream` entry of a response."""
        return {
            "calls": self.calls,
            "cached": self.cached,
            "retries": self.retries,
            "waitMs": round(self.wait_seconds * 1000, 3),
            "cacheHits": self.cache_hits,
            "cacheStale": self.cache_stale,
        }
