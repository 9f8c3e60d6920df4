"""The gateway's ASGI app in this process, over recorded upstream answers (b, d, profiles)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable

import httpx
from starlette.applications import Starlette

from gql_server.app import create_app
from gql_server.config import Settings

from .inmemory import API_VERSION, BASE_URL, CREDENTIAL, MemoryClient


def gateway_settings() -> Settings:
    return Settings(
        factorial_base_url=BASE_URL,
        factorial_api_key=CREDENTIAL.secret,
        factorial_api_version=API_VERSION,
        gql_demo=False,
        gql_cost_budget=1_000_000,
    )


@contextlib.asynccontextmanager
async def running_gateway(
    settings: Settings,
    client: Callable[[httpx.AsyncClient], MemoryClient] | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> AsyncIterator[Starlette]:
    """The gateway app with its lifespan running; `client` replaces its upstream client."""
    app = create_app(settings, transport=transport)
    async with app.router.lifespan_context(app):
        if client is not None:
            app.state.client = client(app.state.client.http)
        yield app
