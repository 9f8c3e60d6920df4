"""Retries, the retry budget, the circuit breaker and the concurrency caps, against faults."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.types import ASGIApp, Receive, Scope, Send

from gql_server.simulator import Fault, Simulator
from gql_server.upstream import (
    SCHEMAS,
    ClientOptions,
    Credential,
    FactorialClient,
    UpstreamError,
    UpstreamSession,
)
from gql_server.upstream.breaker import BreakerState
from gql_server.upstream.retry import RetryBudget, RetryPolicy

from ..gateway import build_store

KEY = Credential("api_key", "resilience-key")
FAST = RetryPolicy(max_retries=2, base_delay=0.01, max_delay=0.02)


@pytest.fixture
def sim() -> Simulator:
    return Simulator(build_store(schemas=2))


async def client_for(app: ASGIApp, **options: object) -> AsyncIterator[FactorialClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app)) as http:
        yield FactorialClient(
            http,
            base_url="http://factorial.test",
            api_version="2026-10-01",
            options=ClientOptions(**{"retry": FAST, **options}),  # type: ignore[arg-type]
        )


@pytest.fixture
async def client(sim: Simulator) -> AsyncIterator[FactorialClient]:
    async for c in client_for(sim.app):
        yield c


async def code_of(session: UpstreamSession) -> str | None:
    try:
        await session.list_page(SCHEMAS)
    except UpstreamError as error:
        return error.code
    return None


@pytest.mark.parametrize("status", [502, 503, 504, 429])
async def test_transient_failures_of_a_get_are_retried(
    sim: Simulator, client: FactorialClient, status: int
) -> None:
    sim.inject(Fault(status=status, times=2))
    session = UpstreamSession(client, KEY)
    page = await session.list_page(SCHEMAS)
    assert len(page.records) == 2
    assert sim.total_calls == 3
    assert (session.stats.calls, session.stats.retries) == (3, 2)


async def test_at_most_two_retries(sim: Simulator, client: FactorialClient) -> None:
    sim.inject(Fault(status=503))
    session = UpstreamSession(client, KEY)
    assert await code_of(session) == "UPSTREAM_UNAVAILABLE"
    assert sim.total_calls == 3


@pytest.mark.parametrize("status", [500, 400, 401, 403, 404, 422])
async def test_answers_that_are_not_transient_are_not_retried(
    sim: Simulator, client: FactorialClient, status: int
) -> None:
    sim.inject(Fault(status=status))
    await code_of(UpstreamSession(client, KEY))
    assert sim.total_calls == 1


async def test_posts_are_never_retried(sim: Simulator, client: FactorialClient) -> None:
    sim.inject(Fault(status=503))
    with pytest.raises(UpstreamError):
        await UpstreamSession(client, KEY).create(SCHEMAS, {"name": "x"})
    assert sim.total_calls == 1


async def test_a_retry_after_that_fits_the_deadline_is_honoured(
    sim: Simulator, client: FactorialClient
) -> None:
    sim.inject(Fault(status=429, retry_after="1", times=1))
    session = UpstreamSession(client, KEY, deadline=time.monotonic() + 5)
    started = time.monotonic()
    await session.list_page(SCHEMAS)
    assert time.monotonic() - started >= 0.9
    assert sim.total_calls == 2


async def test_no_retry_starts_after_the_deadline(sim: Simulator, client: FactorialClient) -> None:
    sim.inject(Fault(status=503, latency=0.3))
    session = UpstreamSession(client, KEY, deadline=time.monotonic() + 0.4)
    started = time.monotonic()
    assert await code_of(session) in ("UPSTREAM_UNAVAILABLE", "UPSTREAM_TIMEOUT")
    assert time.monotonic() - started < 1.0
    assert sim.total_calls <= 2


async def test_connection_failures_are_retried_then_unavailable() -> None:
    async with httpx.AsyncClient() as http:
        client = FactorialClient(
            http,
            base_url="http://127.0.0.1:9",
            api_version="2026-10-01",
            options=ClientOptions(retry=FAST),
        )
        session = UpstreamSession(client, KEY)
        assert await code_of(session) == "UPSTREAM_UNAVAILABLE"
        assert (session.stats.calls, session.stats.retries) == (3, 2)


def test_the_retry_budget_allows_about_a_fifth_of_calls() -> None:
    budget = RetryBudget(ratio=0.2, window=60, min_retries=5)
    for _ in range(100):
        budget.record_call()
    granted = sum(budget.try_spend() for _ in range(100))
    assert granted == 20


async def test_a_failing_upstream_is_not_hammered_by_retries(sim: Simulator) -> None:
    sim.inject(Fault(status=503))
    async for client in client_for(sim.app, breaker_threshold=10_000):
        for _ in range(100):
            await code_of(UpstreamSession(client, KEY))
        # 100 calls; without a budget 200 retries would follow.
        assert sim.total_calls <= 100 + 5 + int(0.2 * sim.total_calls) + 1


async def test_the_breaker_opens_fails_fast_and_probes_before_closing(sim: Simulator) -> None:
    async for client in client_for(sim.app, breaker_threshold=3, breaker_cooldown=0.3):
        sim.inject(Fault(status=500))
        for _ in range(3):
            assert await code_of(UpstreamSession(client, KEY)) == "UPSTREAM_UNAVAILABLE"
        assert client.breaker.state is BreakerState.OPEN
        calls = sim.total_calls
        fast = UpstreamSession(client, KEY)
        assert await code_of(fast) == "UPSTREAM_UNAVAILABLE"
        assert sim.total_calls == calls  # failed fast: no upstream call while open
        assert fast.stats.retries == 0
        await asyncio.sleep(0.35)
        assert await code_of(UpstreamSession(client, KEY)) == "UPSTREAM_UNAVAILABLE"
        assert sim.total_calls == calls + 1  # one probe, which failed: open again
        assert client.breaker.state is BreakerState.OPEN
        sim.clear_faults()
        await asyncio.sleep(0.35)
        assert await code_of(UpstreamSession(client, KEY)) is None
        assert client.breaker.state is BreakerState.CLOSED


@pytest.mark.parametrize("status", [401, 403, 404, 422, 429])
async def test_one_callers_errors_never_open_the_breaker(sim: Simulator, status: int) -> None:
    async for client in client_for(sim.app, breaker_threshold=2, retry=RetryPolicy(0)):
        sim.inject(Fault(status=status))
        for _ in range(5):
            await code_of(UpstreamSession(client, KEY))
        assert client.breaker.state is BreakerState.CLOSED


def counting_concurrency(app: ASGIApp) -> tuple[ASGIApp, list[int]]:
    """The app, and a list whose last item is the most requests it ever had at once."""
    state = {"now": 0}
    peak = [0]

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        state["now"] += 1
        peak[0] = max(peak[0], state["now"])
        try:
            await app(scope, receive, send)
        finally:
            state["now"] -= 1

    return wrapped, peak


async def test_calls_per_credential_and_overall_are_capped(sim: Simulator) -> None:
    sim.latency = 0.05
    app, peak = counting_concurrency(sim.app)
    async for client in client_for(app, max_concurrency=4, max_concurrency_per_credential=2):
        one = Credential("api_key", "one")
        await asyncio.gather(
            *(UpstreamSession(client, one).list_page(SCHEMAS, ids=[str(i)]) for i in range(8))
        )
        assert peak[0] == 2
        peak[0] = 0
        keys = [Credential("api_key", f"k{i}") for i in range(8)]
        await asyncio.gather(*(UpstreamSession(client, k).list_page(SCHEMAS) for k in keys))
        assert peak[0] == 4
        assert client.limiter._by_credential == {}  # idle credentials are forgotten


async def test_waiting_too_long_for_a_slot_is_unavailable_and_not_retried(
    sim: Simulator,
) -> None:
    sim.latency = 0.5
    async for client in client_for(sim.app, max_concurrency_per_credential=1, max_queue_wait=0.1):
        sessions = [UpstreamSession(client, KEY) for _ in range(3)]
        results = await asyncio.gather(*(code_of_ids(s, str(i)) for i, s in enumerate(sessions)))
        assert sorted(results, key=str) == [None, "UPSTREAM_UNAVAILABLE", "UPSTREAM_UNAVAILABLE"]
        assert sim.total_calls == 1
        assert sum(s.stats.retries for s in sessions) == 0


async def code_of_ids(session: UpstreamSession, record_id: str) -> str | None:
    try:
        await session.list_page(SCHEMAS, ids=[record_id])
    except UpstreamError as error:
        return error.code
    return None
