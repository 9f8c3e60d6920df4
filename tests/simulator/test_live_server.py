"""tests/live_server.serve: a real port for any ASGI app, and a loud failed startup."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from tests.live_server import serve


async def hello(request: Request) -> PlainTextResponse:
    return PlainTextResponse("hello")


def test_serves_on_a_free_port_and_stops() -> None:
    app = Starlette(routes=[Route("/", hello)])
    with serve(app) as base:
        assert base.startswith("http://127.0.0.1:")
        assert not base.endswith(":0")
        assert httpx.get(base).text == "hello"
    with pytest.raises(httpx.ConnectError):
        httpx.get(base, timeout=1)


def test_runs_the_lifespan() -> None:
    events: list[str] = []

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        events.append("startup")
        yield
        events.append("shutdown")

    with serve(Starlette(lifespan=lifespan)):
        assert events == ["startup"]
    assert events == ["startup", "shutdown"]


def test_a_failing_startup_raises() -> None:
    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        raise RuntimeError("boom")
        yield

    with pytest.raises(RuntimeError, match="startup"), serve(Starlette(lifespan=lifespan)):
        pass
