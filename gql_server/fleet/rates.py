"""A rate (`200/minute`) and the GCRA that holds calls to it, as the fleet's fallback runs it.

GCRA (the generic cell rate algorithm) keeps one number per key, the theoretical arrival time
(`tat`) of the next call. A call may go once `now >= tat - tolerance`; going moves `tat` on by
one `interval`. `tolerance` lets `burst` calls go back to back after a quiet spell.

A rate of N per period must never let more than N calls into any window of one period, so the
burst is paid for by a slower pace: `burst` is a tenth of N (at least 1) and the interval is
`(period + margin) / (N - burst + 1)`. The margin (a tenth of the period, at most a second)
is for the way to Factorial: calls admitted on schedule can still arrive closer together
than they left (a slower connection, a wait for a connection slot), and Factorial counts
arrivals. 200/minute lets 20 calls go at once, then one every 0.34 s.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PERIODS = {"second": 1.0, "minute": 60.0, "hour": 3600.0}
OFF = frozenset({"", "off", "none", "0"})
# Seconds a window is widened by, at most, for arrival jitter on the way to Factorial.
MAX_MARGIN = 1.0
_RATE = re.compile(r"\s*(\d+)\s*/\s*(second|minute|hour)s?\s*", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Rate:
    """At most `count` calls in any window of `period` seconds."""

    count: int
    period: float

    @property
    def burst(self) -> int:
        """Calls that may go back to back after a quiet spell."""
        return max(1, self.count // 10)

    @property
    def interval(self) -> float:
        """Seconds between calls at the sustained pace."""
        margin = min(self.period / 10, MAX_MARGIN)
        return (self.period + margin) / (self.count - self.burst + 1)

    @property
    def tolerance(self) -> float:
        return (self.burst - 1) * self.interval

    def share(self, processes: int) -> Rate:
        """What one of `processes` may use on its own so that together they keep the rate:
        a whole number of calls per period (rounded down), or one call per longer period when
        there are fewer calls than processes."""
        if self.count >= processes:
            return Rate(self.count // processes, self.period)
        return Rate(1, self.period * processes / self.count)


def parse_rate(text: str) -> Rate | None:
    """`N/second`, `N/minute` or `N/hour` (N >= 1); `off` (or empty, `none`, `0`) is None."""
    if text.strip().lower() in OFF:
        return None
    match = _RATE.fullmatch(text)
    if match is None or int(match.group(1)) < 1:
        raise ValueError(
            "should be N/second, N/minute or N/hour, N at least 1 (such as 200/minute), or off"
        )
    return Rate(int(match.group(1)), PERIODS[match.group(2).lower()])


class LocalBuckets:
    """The GCRA over this process's clock, one `tat` per key: the fallback of the shared one.

    Keys whose `tat` has passed are as good as new, so they are dropped when the table grows.
    """

    MAX_KEYS = 4096

    def __init__(self) -> None:
        self._tat: dict[str, float] = {}

    def admit(self, key: str, rate: Rate, now: float, not_before: float, max_wait: float) -> float:
        """Seconds until `key`'s next call may go, no earlier than `not_before`; the slot is
        taken when that is within `max_wait`, else left for others (the caller refuses)."""
        tat = self._tat.get(key, now)
        go = max(now, tat - rate.tolerance, not_before)
        delay = go - now
        if delay <= max_wait:
            if len(self._tat) >= self.MAX_KEYS:
                self._tat = {k: t for k, t in self._tat.items() if t > now}
            self._tat[key] = max(tat, go) + rate.interval
        return delay
