"""The ASGI application: routes, and a lifespan that owns the one upstream HTTP client."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from http.cookiejar import Cookie, CookieJar
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from .config import Settings
from .endpoint import EndpointOptions, GraphQLEndpoint
from .graphiql import graphiql_html
from .graphql import build_schema
from .graphql.document import DocumentCache
from .upstream import ClientOptions, Credential, FactorialClient

logger = logging.getLogger("gql_server.app")

DEMO_BASE_URL = "http://simulator.demo"
DEMO_CREDENTIAL = Credential("api_key", "demo-api-key")


def server_credential(settings: Settings) -> Credential | None:
    """The credential used for requests that bring none of their own."""
    if settings.factorial_access_token is not None:
        return Credential("bearer", settings.factorial_access_token.get_secret_value())
    if settings.factorial_api_key is not None:
        return Credential("api_key", settings.factorial_api_key.get_secret_value())
    if settings.demo:
        return DEMO_CREDENTIAL
    return None


class NoCookieJar(CookieJar):
    """A cookie jar that keeps nothing: a cookie one caller's answer sets must never ride
    along on another caller's request through the shared client."""

    def extract_cookies(self, response: Any, request: Any) -> None:
        return None

    def set_cookie(self, cookie: Cookie) -> None:
        return None


def no_cookies() -> CookieJar:
    """The cookie store of the shared upstream client."""
    return NoCookieJar()


def demo_transport(settings: Settings) -> httpx.AsyncBaseTransport:
    """The in-process simulator with demo data, as an httpx transport."""
    from .simulator import Simulator, build_demo_store

    simulator = Simulator(build_demo_store(resources=settings.gql_demo_resources))
    return httpx.ASGITransport(app=simulator.app)


def create_app(
    settings: Settings, *, transport: httpx.AsyncBaseTransport | None = None
) -> Starlette:
    """The gateway as an ASGI app.

    `transport` replaces the network for the upstream client (tests pass the simulator's ASGI
    app through `httpx.ASGITransport`); in demo mode the simulator is used without asking.
    """
    base_url = settings.base_url
    if transport is None and settings.demo:
        transport = demo_transport(settings)
        base_url = DEMO_BASE_URL

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        timeout = httpx.Timeout(
            settings.upstream_timeout, connect=settings.upstream_connect_timeout
        )
        limits = httpx.Limits(
            max_connections=settings.upstream_max_connections,
            max_keepalive_connections=settings.upstream_max_connections,
        )
        async with httpx.AsyncClient(
            transport=transport, timeout=timeout, limits=limits, cookies=no_cookies()
        ) as http:
            app.state.client = FactorialClient(
                http,
                base_url=base_url,
                api_version=settings.factorial_api_version,
                options=ClientOptions(timeout=settings.upstream_timeout),
            )
            if settings.demo:
                logger.warning(
                    "Demo mode: no Factorial upstream is configured, so the built-in simulator "
                    "serves generated demo data. Set FACTORIAL_BASE_URL and FACTORIAL_API_KEY "
                    "(or FACTORIAL_ACCESS_TOKEN) to use a real Factorial."
                )
            yield

    schema = build_schema()
    endpoint = GraphQLEndpoint(
        DocumentCache(schema._schema),
        EndpointOptions(
            report_cost=settings.gql_report_cost,
            graphiql_html=graphiql_html() if settings.gql_graphiql else None,
            server_credential=server_credential(settings),
        ),
    )

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def root(request: Request) -> Response:
        return RedirectResponse("/graphql")

    return Starlette(
        routes=[
            Route("/graphql", endpoint.handle, methods=["GET", "POST"]),
            Route("/healthz", healthz, methods=["GET"]),
            Route("/", root, methods=["GET"]),
        ],
        lifespan=lifespan,
    )
