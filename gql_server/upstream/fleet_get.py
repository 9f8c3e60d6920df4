"""A GET made once for the whole fleet: another process's identical call joined, or this
process's call made and its answer handed over (`fleet/flights.py` keeps the flights).

Any trouble with Redis fails open: the call is made here, as without a fleet. A failed call
is not handed over: each waiter then makes its own call and gets the error it earns.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from typing import Any

import msgspec

from ..fleet import Flights, Seat, StoreDown
from .stats import UpstreamStats

# msgspec both ways, as the exchange decodes: integers past 64 bits stay exact.
_ENCODE = msgspec.json.Encoder()
_DECODE = msgspec.json.Decoder()


def flight_name(path: str, query: str) -> str:
    """The flight of a GET: its path and query string, digested (they name ids)."""
    return hashlib.sha256(f"{path}?{query}".encode()).hexdigest()[:32]


async def fleet_get(
    flights: Flights | None,
    fingerprint: str,
    path: str,
    query: str,
    stats: UpstreamStats,
    deadline: float | None,
    call: Callable[[], Awaitable[Any]],
    ticket: str = "",
) -> Any:
    """The decoded body of one GET, made by `call` here unless another process makes it.

    `ticket` names the read cache's state the read began under (see shared_get.py): only
    calls begun under the same one are joined."""
    seat = None
    if flights is not None and flights.store.shared:
        name = (flight_name(path, query), ticket) if ticket else (flight_name(path, query),)
        try:
            seat = await flights.board(fingerprint, *name)
        except StoreDown:
            seat = None
    if seat is None or flights is None:
        return await call()
    if not seat.leading:
        body = await _wait(flights, seat, stats, deadline)
        if body is not None:
            return body
    try:
        body = await call()
    except BaseException:
        flights.land(seat, None)
        raise
    flights.land(seat, lambda: _ENCODE.encode(body))
    return body


async def _wait(flights: Flights, seat: Seat, stats: UpstreamStats, deadline: float | None) -> Any:
    """Another process's answer, counted as shared; None when this process must call."""
    stats.fleet_wait_started()
    body = None
    try:
        answer = await flights.wait(seat, deadline)
        if answer is not None:
            try:
                body = _DECODE.decode(answer)
            except msgspec.DecodeError:
                body = None
    finally:
        stats.fleet_wait_finished(shared=body is not None)
    return body
