"""Fault: a scripted misbehaviour of the upstream, and FaultBook, which picks one per request."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Literal

BodyKind = Literal["malformed", "truncated", "html", "huge", "empty"]
HUGE_BYTES = 20_000_000


@dataclass(frozen=True, kw_only=True)
class Fault:
    """A misbehaviour for the requests it matches (every filter left None matches anything).

    A fault with `status` answers in Factorial's place (nothing happens upstream: a POST does not
    write), with `error_body` as the raw body or else the documented error body. A fault without
    `status` mangles the real answer (a POST does write). Then, on either:

    - `body`: "malformed" (not JSON), "truncated" (the JSON cut in half), "html" (a text/html
      page), "huge" (the JSON padded to about `huge_bytes` with a junk field), "empty" (no body,
      status 200 unless `status` says otherwise);
    - `drip`: stream the body in several chunks, one every `drip` seconds;
    - `retry_after`, `set_cookie`: extra headers;
    - `latency`: seconds to wait before answering (add a client timeout to get a timeout).

    `times` limits the fault to its next N applications; `rate` is the probability (seeded)
    that a matching request gets it.
    """

    route: str | None = None
    method: str | None = None
    credential: str | None = field(default=None, repr=False)
    times: int | None = None
    rate: float = 1.0
    status: int | None = None
    retry_after: str | None = None
    latency: float = 0.0
    body: BodyKind | None = None
    drip: float | None = None
    set_cookie: bool = False
    error_body: str | None = None
    huge_bytes: int = HUGE_BYTES

    def matches(self, method: str, route: str, secret: str | None) -> bool:
        """Whether a request (method, call-counter route, credential secret) is in scope."""
        return (
            (self.route is None or self.route in route)
            and (self.method is None or self.method.upper() == method.upper())
            and (self.credential is None or self.credential == secret)
        )


@dataclass(slots=True)
class _Armed:
    fault: Fault
    remaining: int | None


class FaultBook:
    """The injected faults, in insertion order; the first that matches and fires wins."""

    def __init__(self, rng: random.Random) -> None:
        self._armed: list[_Armed] = []
        self._rng = rng

    def add(self, fault: Fault) -> None:
        """Arm `fault` after the ones already armed."""
        self._armed.append(_Armed(fault, fault.times))

    def clear(self) -> None:
        """Disarm every fault."""
        self._armed.clear()

    def take(self, method: str, route: str, secret: str | None) -> Fault | None:
        """The fault this request gets, counting it against the fault's `times`."""
        for armed in self._armed:
            fault = armed.fault
            if armed.remaining == 0 or not fault.matches(method, route, secret):
                continue
            if fault.rate < 1.0 and self._rng.random() >= fault.rate:
                continue
            if armed.remaining is not None:
                armed.remaining -= 1
            return fault
        return None
