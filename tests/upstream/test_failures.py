"""The log line of a failed upstream call: one warning naming the cause, never a secret."""

from __future__ import annotations

import logging
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest

from gql_server.simulator import Fault, Simulator
from gql_server.upstream import (
    SCHEMAS,
    ClientOptions,
    Credential,
    FactorialClient,
    UpstreamError,
    UpstreamSession,
)
from gql_server.upstream.causes import transport_cause
from gql_server.upstream.retry import RetryPolicy

from ..gateway import build_store
from ..live_server import serve
from ..test_cli import free_port

CANARY_KEY = "CANARY-FAILURE-KEY-51f0"
FAST = RetryPolicy(max_retries=2, base_delay=0.01, max_delay=0.02)


@pytest.fixture
def upstream_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG, logger="gql_server.upstream")
    return caplog


def failures(caplog: pytest.LogCaptureFixture, level: int) -> list[logging.LogRecord]:
    return [
        r
        for r in caplog.records
        if r.name == "gql_server.upstream" and r.levelno == level and "failed" in r.getMessage()
    ]


@asynccontextmanager
async def open_client(
    base_url: str, transport: httpx.AsyncBaseTransport | None = None
) -> AsyncIterator[FactorialClient]:
    async with httpx.AsyncClient(transport=transport, timeout=5) as http:
        yield FactorialClient(
            http,
            base_url=base_url,
            api_version="2026-10-01",
            options=ClientOptions(retry=FAST, retry_budget_ratio=1.0),
        )


async def list_schemas(sim: Simulator, key: str = CANARY_KEY) -> str:
    """The code of a failing schema list against `sim`, in-process."""
    async with open_client("http://factorial.test", httpx.ASGITransport(app=sim.app)) as client:
        with pytest.raises(UpstreamError) as failure:
            await UpstreamSession(client, Credential("api_key", key)).list_page(SCHEMAS)
    return failure.value.code


async def test_a_retried_failure_logs_each_retry_at_debug_and_the_last_at_warning(
    upstream_log: pytest.LogCaptureFixture,
) -> None:
    sim = Simulator(build_store())
    sim.inject(Fault(route="custom_resources/schemas", status=503, error_body="CANARY-BODY"))
    assert await list_schemas(sim) == "UPSTREAM_UNAVAILABLE"
    assert sim.calls["GET custom_resources/schemas"] == 3
    [warning] = failures(upstream_log, logging.WARNING)
    message = warning.getMessage()
    assert message.startswith(
        "upstream GET custom_resources/schemas failed: Factorial failed (503)"
    )
    assert "attempt 3" in message
    facts = (warning.status, warning.attempts, warning.code)  # type: ignore[attr-defined]
    assert facts == (503, 3, "UPSTREAM_UNAVAILABLE")
    assert len(failures(upstream_log, logging.DEBUG)) == 2  # the two retried attempts
    assert CANARY_KEY not in upstream_log.text
    assert "CANARY-BODY" not in upstream_log.text


@pytest.mark.parametrize(
    ("fault", "cause"),
    [
        (Fault(status=401), "credential refused (401)"),
        (Fault(status=403), "forbidden (403): custom resources module not enabled"),
        (Fault(status=404), "no such path (404): unknown API version or wrong base URL?"),
        (Fault(body="malformed"), "bad body (unreadable JSON)"),
        (Fault(body="html"), "bad body (not JSON)"),
    ],
)
async def test_a_failure_is_logged_once_with_its_cause(
    upstream_log: pytest.LogCaptureFixture, fault: Fault, cause: str
) -> None:
    sim = Simulator(build_store())
    sim.inject(fault)
    await list_schemas(sim)
    [warning] = failures(upstream_log, logging.WARNING)
    assert cause in warning.getMessage()
    assert warning.cause.startswith(cause)  # type: ignore[attr-defined]
    assert CANARY_KEY not in upstream_log.text


async def test_a_refused_key_of_a_simulator_that_checks_keys_is_named(
    upstream_log: pytest.LogCaptureFixture,
) -> None:
    sim = Simulator(build_store(), api_keys={"the-right-key"})
    assert await list_schemas(sim) == "UNAUTHENTICATED"
    [warning] = failures(upstream_log, logging.WARNING)
    assert "credential refused (401)" in warning.getMessage()
    assert CANARY_KEY not in upstream_log.text


async def test_an_absent_record_is_no_warning(upstream_log: pytest.LogCaptureFixture) -> None:
    sim = Simulator(build_store())
    async with open_client("http://factorial.test", httpx.ASGITransport(app=sim.app)) as client:
        session = UpstreamSession(client, Credential("api_key", CANARY_KEY))
        assert await session.get(SCHEMAS, "424242") is None
    assert failures(upstream_log, logging.WARNING) == []
    [debug] = failures(upstream_log, logging.DEBUG)
    assert "no such record (404)" in debug.getMessage()


async def test_a_refused_connection_is_named(upstream_log: pytest.LogCaptureFixture) -> None:
    port = free_port()  # bound and released: nothing listens there
    async with open_client(f"http://127.0.0.1:{port}") as client:
        with pytest.raises(UpstreamError):
            await UpstreamSession(client, Credential("api_key", CANARY_KEY)).list_page(SCHEMAS)
    [warning] = failures(upstream_log, logging.WARNING)
    assert "failed: connection refused" in warning.getMessage()
    assert "host 127.0.0.1" in warning.getMessage()


async def test_tls_to_a_plain_http_server_is_named(upstream_log: pytest.LogCaptureFixture) -> None:
    sim = Simulator(build_store())
    with serve(sim.app) as url:
        async with open_client(url.replace("http://", "https://")) as client:
            with pytest.raises(UpstreamError):
                await UpstreamSession(client, Credential("api_key", CANARY_KEY)).list_page(SCHEMAS)
    [warning] = failures(upstream_log, logging.WARNING)
    assert "failed: TLS error" in warning.getMessage()


def test_a_failed_name_lookup_is_named() -> None:
    # Built as httpx raises it (ConnectError from the resolver's gaierror), without asking a
    # resolver: test traffic goes to 127.0.0.1 only.
    lookup = socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    error = httpx.ConnectError(str(lookup))
    error.__cause__ = lookup
    assert transport_cause(error) == "name resolution failed"
    assert transport_cause(httpx.ConnectError("other")) == "connection failed"
