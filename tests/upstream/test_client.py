"""The upstream client against the simulator: wire format, errors, limits."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.types import ASGIApp, Receive, Scope, Send

from gql_server.app import no_cookies
from gql_server.simulator import Fault, Simulator, SimulatorStore
from gql_server.upstream import (
    RESOURCES,
    SCHEMAS,
    VALUES,
    ClientOptions,
    Credential,
    FactorialClient,
    UpstreamBadInput,
    UpstreamBadResponse,
    UpstreamError,
    UpstreamRateLimited,
    UpstreamSession,
    UpstreamStats,
    UpstreamTimeout,
    UpstreamUnauthenticated,
    fetch_all,
)

from ..gateway import build_store

KEY = Credential("api_key", "client-test-key")
HUGE_ID = 18_000_000_000_000_001  # beyond 2**53: a float would round it


async def open_session(
    sim: Simulator, version: str = "2026-10-01", **options: float
) -> AsyncIterator[UpstreamSession]:
    transport = httpx.ASGITransport(app=sim.app)
    async with httpx.AsyncClient(transport=transport, cookies=no_cookies()) as http:
        client = FactorialClient(
            http,
            base_url="http://factorial.test",
            api_version=version,
            options=ClientOptions(**options),  # type: ignore[arg-type]
        )
        yield UpstreamSession(client, KEY, UpstreamStats())


@pytest.fixture
def sim() -> Simulator:
    return Simulator(build_store(schemas=2, resources=3, values_per_resource=2))


@pytest.fixture
async def session(sim: Simulator) -> AsyncIterator[UpstreamSession]:
    async for s in open_session(sim):
        yield s


@pytest.mark.parametrize("huge", [HUGE_ID, 2**70 + 1], ids=["past-2^53", "past-2^64"])
@pytest.mark.parametrize("version", ["2026-04-01", "2026-07-01", "2026-10-01"])
async def test_ids_are_exact_strings_in_every_version(version: str, huge: int) -> None:
    store = build_store(resources=2, id_start=huge)
    async for session in open_session(Simulator(store), version):
        records = await fetch_all(session, VALUES)
        assert [r.id for r in records] == [str(i) for i in store.values]
        assert records[0].resource_id == str(huge + 1)
        one = await session.get(RESOURCES, str(huge + 1))
        assert one is not None and one.schema_id == str(huge)
        assert session.client.integer_ids is (version == "2026-04-01")


async def test_both_resource_shapes_decode(sim: Simulator) -> None:
    for sdk_fields in (True, False):
        sim.sdk_fields = sdk_fields
        async for session in open_session(sim):
            [resource, *_] = await fetch_all(session, RESOURCES)
            assert resource.schema_id is not None and resource.attachable_type == "Employee"
            assert (resource.created_at is not None) is sdk_fields
            assert (resource.name is not None) is sdk_fields


async def test_a_collection_is_read_with_concurrent_offset_pages() -> None:
    store = build_store(resources=130, values_per_resource=2)
    sim = Simulator(store)
    async for session in open_session(sim):
        records = await fetch_all(session, VALUES)
        assert [r.id for r in records] == [str(i) for i in store.values]
        assert sim.calls["GET custom_resources/values"] == 3
        pages = [dict(c.params).get("page") for c in sim.call_log]
        assert pages[0] is None
        assert sorted(pages[1:]) == ["2", "3"]
        assert session.known_size(VALUES) == 260


def ignoring_page(app: ASGIApp) -> ASGIApp:
    """An upstream that does not honour `page=`: every offset page is the first page."""

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            query = [p for p in scope["query_string"].split(b"&") if not p.startswith(b"page=")]
            scope = {**scope, "query_string": b"&".join(query)}
        await app(scope, receive, send)

    return wrapped


async def test_an_upstream_without_offset_pages_is_read_by_cursor() -> None:
    store = build_store(resources=130, values_per_resource=2)
    sim = Simulator(store)
    transport = httpx.ASGITransport(app=ignoring_page(sim.app))
    async with httpx.AsyncClient(transport=transport) as http:
        client = FactorialClient(http, base_url="http://factorial.test", api_version="2026-10-01")
        session = UpstreamSession(client, KEY)
        records = await fetch_all(session, VALUES)
        assert [r.id for r in records] == [str(i) for i in store.values]
        assert client.offset_pages is False
        sim.reset_calls()
        again = await fetch_all(UpstreamSession(client, KEY), VALUES)
        assert len(again) == 260
        # Learned: the second read follows cursors from the start, one call a page.
        assert sim.calls["GET custom_resources/values"] == 3
        afters = [dict(c.params).get("after_id") for c in sim.call_log]
        assert afters[0] is None
        assert all(afters[1:])


async def test_identical_gets_in_one_request_cost_one_call(sim: Simulator) -> None:
    async for session in open_session(sim):
        first, second = await asyncio.gather(session.list_page(SCHEMAS), session.list_page(SCHEMAS))
        assert first == second
        await session.list_page(SCHEMAS)
        assert sim.total_calls == 1
        assert (session.stats.calls, session.stats.cached) == (1, 2)


async def test_long_filtered_calls_are_remembered_by_their_whole_query(sim: Simulator) -> None:
    """A filtered call naming a hundred owners is remembered as a digest of its query: the
    same call again is cached, and calls differing only in their last id are not."""
    owners = [str(1000 + n) for n in range(100)]
    others = [*owners[:-1], "9999"]
    async for session in open_session(sim):
        first = await session.list_page(RESOURCES, employee_ids=owners)
        again = await session.list_page(RESOURCES, employee_ids=owners)
        await session.list_page(RESOURCES, employee_ids=others)
        assert again is first
        assert sim.total_calls == 2
        assert (session.stats.calls, session.stats.cached) == (2, 1)
        # Kept until the request ends: each key is small, not the kilobyte query it stands for.
        assert all(len(key) <= 96 for key in session._responses)


async def test_rows_share_the_id_string_of_their_resource(sim: Simulator) -> None:
    """A resource's id is one string however many rows name it (memory, not just equality)."""
    async for session in open_session(sim):
        resources = (await session.list_page(RESOURCES)).records
        values = (await session.list_page(VALUES)).records
        by_id = {r.id: r for r in resources}
        assert values and all(v.resource_id is by_id[v.resource_id].id for v in values)


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (400, "BAD_USER_INPUT"),
        (401, "UNAUTHENTICATED"),
        (403, "FORBIDDEN"),
        (404, "NOT_FOUND"),
        (422, "BAD_USER_INPUT"),
        (429, "RATE_LIMITED"),
        (500, "UPSTREAM_UNAVAILABLE"),
        (502, "UPSTREAM_UNAVAILABLE"),
        (503, "UPSTREAM_UNAVAILABLE"),
    ],
)
async def test_statuses_map_to_our_codes(
    sim: Simulator, session: UpstreamSession, status: int, code: str
) -> None:
    sim.inject(Fault(status=status, error_body='{"errors":[{"message":"CANARY-BODY"}]}'))
    with pytest.raises(UpstreamError) as caught:
        await session.list_page(SCHEMAS)
    assert caught.value.code == code
    assert "CANARY" not in str(caught.value)


async def test_a_retry_after_beyond_the_deadline_is_rate_limited_at_once(
    sim: Simulator, session: UpstreamSession
) -> None:
    sim.inject(Fault(status=429, retry_after="7"))
    session.deadline = time.monotonic() + 1.0
    with pytest.raises(UpstreamRateLimited) as caught:
        await session.list_page(SCHEMAS)
    assert caught.value.retry_after == 7.0
    assert sim.total_calls == 1
    assert session.stats.retries == 0


async def test_validation_field_is_kept_only_when_it_is_a_plain_name(
    sim: Simulator, session: UpstreamSession
) -> None:
    sim.inject(Fault(status=422, times=1, error_body='{"errors":[{"field":"name"}]}'))
    with pytest.raises(UpstreamBadInput) as caught:
        await session.create(SCHEMAS, {})
    assert caught.value.field == "name"
    sim.inject(Fault(status=422, times=1, error_body='{"errors":[{"field":"<script>"}]}'))
    with pytest.raises(UpstreamBadInput) as caught:
        await session.create(SCHEMAS, {})
    assert caught.value.field is None


@pytest.mark.parametrize("body", ["malformed", "truncated", "html", "empty"])
async def test_unreadable_bodies_are_bad_responses(
    sim: Simulator, session: UpstreamSession, body: str
) -> None:
    sim.inject(Fault(body=body))  # type: ignore[arg-type]
    with pytest.raises(UpstreamBadResponse):
        await session.list_page(VALUES)


async def test_a_body_over_the_cap_is_refused(sim: Simulator) -> None:
    sim.inject(Fault(body="huge", huge_bytes=300_000))
    async for session in open_session(sim, max_response_bytes=100_000):
        with pytest.raises(UpstreamBadResponse):
            await session.list_page(VALUES)


async def test_a_slow_upstream_times_out(sim: Simulator) -> None:
    sim.inject(Fault(latency=2.0))
    async for session in open_session(sim, timeout=0.2):
        with pytest.raises(UpstreamTimeout):
            await session.list_page(VALUES)


async def test_a_refused_connection_is_unavailable() -> None:
    async with httpx.AsyncClient() as http:
        client = FactorialClient(http, base_url="http://127.0.0.1:9", api_version="2026-10-01")
        with pytest.raises(UpstreamError) as caught:
            await UpstreamSession(client, KEY).list_page(SCHEMAS)
        assert caught.value.code == "UPSTREAM_UNAVAILABLE"


async def test_no_credential_fails_before_any_call(sim: Simulator) -> None:
    async for session in open_session(sim):
        anonymous = UpstreamSession(session.client, None)
        with pytest.raises(UpstreamUnauthenticated):
            await anonymous.list_page(SCHEMAS)
        assert sim.total_calls == 0


async def test_cookies_set_upstream_are_never_kept(sim: Simulator) -> None:
    sim.inject(Fault(set_cookie=True))
    transport = httpx.ASGITransport(app=sim.app)
    async with httpx.AsyncClient(transport=transport, cookies=no_cookies()) as http:
        client = FactorialClient(http, base_url="http://factorial.test", api_version="2026-10-01")
        await UpstreamSession(client, KEY).list_page(SCHEMAS)
        assert len(http.cookies.jar) == 0


async def test_stats_count_calls_and_time(sim: Simulator, session: UpstreamSession) -> None:
    await fetch_all(session, SCHEMAS)
    await session.get(SCHEMAS, "999999")
    assert session.stats.calls == 2
    assert session.stats.wait_seconds > 0


def test_store_fixture_shape(sim: Simulator) -> None:
    assert isinstance(sim.store, SimulatorStore)
