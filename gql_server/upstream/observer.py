"""What the client tells an observer (metrics) about its calls; it knows no metrics library."""

from __future__ import annotations

from typing import Protocol


class CallObserver(Protocol):
    """Receives one event per upstream attempt, per retry and per attempt held back."""

    def call_finished(self, method: str, route: str, outcome: str, seconds: float) -> None:
        """An attempt ended: `outcome` is the HTTP status, or an error code when none came."""

    def retried(self, method: str, route: str) -> None:
        """A failed attempt is about to be tried again."""

    def rate_limited(self, method: str, route: str, outcome: str) -> None:
        """The rate governor held an attempt back: `outcome` is "delayed" or "refused"."""

    def cache_lookup(self, outcome: str) -> None:
        """The read cache was asked for a GET: "hit", "stale", "miss", "bypass" (the request
        asked for fresh data) or "unavailable" (Redis failed, or an invalidation is owed)."""

    def cache_invalidated(self, outcome: str) -> None:
        """A write expired what it may have changed: "done", or "owed" until Redis is back."""

    def cache_refreshed(self, outcome: str) -> None:
        """A stale entry's background refresh ended: "done" or "failed"."""


class NoObserver:
    def call_finished(self, method: str, route: str, outcome: str, seconds: float) -> None:
        return None

    def retried(self, method: str, route: str) -> None:
        return None

    def rate_limited(self, method: str, route: str, outcome: str) -> None:
        return None

    def cache_lookup(self, outcome: str) -> None:
        return None

    def cache_invalidated(self, outcome: str) -> None:
        return None

    def cache_refreshed(self, outcome: str) -> None:
        return None


def route_of(path: str) -> str:
    """A path with its record id templated: `custom_resources/values/{id}`."""
    parts = path.split("/")
    return "/".join(parts[:2]) + ("/{id}" if len(parts) > 2 else "")
