"""Which calls to Factorial the fleet's rate governor holds back, and the waits and refusals.

Factorial publishes one limit, 200 POSTs a minute per credential: every write (POST, PUT,
PATCH, DELETE) counts against the write rate, reads against the read rate (off unless
configured). Rates and pauses are kept per credential fingerprint, never per secret. A 429
with `Retry-After` pauses the credential's calls, reads and writes, on every process.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from ..fleet import Rate, RateExceeded, RateGovernor
from .credentials import Credential
from .errors import UpstreamRateLimited
from .observer import CallObserver
from .stats import UpstreamStats

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
FACTORIAL_WRITE_RATE = Rate(200, 60.0)


@dataclass(frozen=True, slots=True)
class RateLimits:
    """The rates one credential's calls are held to; None is no limit."""

    write: Rate | None = FACTORIAL_WRITE_RATE
    read: Rate | None = None


class UpstreamThrottle:
    """Holds each attempt until its credential's rate and pause let it go."""

    def __init__(self, governor: RateGovernor, limits: RateLimits, observer: CallObserver) -> None:
        self.governor = governor
        self.limits = limits
        self.observer = observer

    async def wait_turn(
        self,
        method: str,
        route: str,
        credential: Credential,
        stats: UpstreamStats,
        remaining: float,
    ) -> None:
        """Wait for the attempt's slot if it comes within `remaining` seconds; else
        UpstreamRateLimited with the seconds until it would, and no call is made."""
        write = method in WRITE_METHODS
        rate = self.limits.write if write else self.limits.read
        key = self.governor.store.key
        fingerprint = credential.fingerprint
        bucket = key("rate", fingerprint, "write" if write else "read")
        try:
            wait = await self.governor.admit(bucket, key("pause", fingerprint), rate, remaining)
        except RateExceeded as refused:
            self.observer.rate_limited(method, route, "refused")
            raise UpstreamRateLimited(
                "Too many calls to Factorial with this credential: try again later.",
                status=None,
                retry_after=refused.retry_after,
            ) from None
        if wait <= 0:
            return
        self.observer.rate_limited(method, route, "delayed")
        stats.held_started()
        try:
            await asyncio.sleep(wait)
        finally:
            stats.held_finished()

    async def pause(self, credential: Credential, seconds: float) -> None:
        """Factorial asked this credential to wait `seconds`: hold its calls on every process."""
        await self.governor.pause(self.governor.store.key("pause", credential.fingerprint), seconds)
