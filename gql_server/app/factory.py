"""The ASGI application: routes, and a lifespan that owns the one upstream HTTP client."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from ..config import Settings
from ..fleet import RateGovernor, SharedStore
from ..fleet.cache import LocalCache
from ..http.asgi import GRAPHQL_PATH, GatewayApp
from ..http.graphiql import ASSETS_PATH
from ..http.security import cors_middleware
from ..telemetry.metrics import Metrics
from ..upstream import FactorialClient
from .caching import describe_cache, read_cache
from .parts import (
    ALL_METHODS,
    DEMO_BASE_URL,
    client_options,
    create_endpoint,
    demo_transport,
    describe_fleet,
    describe_posture,
    fleet_flights,
    graphiql_assets_dir,
    log_graphiql_assets,
    no_cookies,
    oauth_tokens,
)

logger = logging.getLogger("gql_server.app")


def create_app(
    settings: Settings, *, transport: httpx.AsyncBaseTransport | None = None
) -> GatewayApp:
    """The gateway as an ASGI app.

    `transport` replaces the network for the upstream client (tests pass the simulator's ASGI
    app through `httpx.ASGITransport`); in demo mode the simulator is used without asking.
    """
    base_url = settings.base_url
    if transport is None and settings.demo:
        transport = demo_transport(settings)
        base_url = DEMO_BASE_URL

    metrics = Metrics() if settings.gql_metrics else None
    redis_url = settings.gql_redis_url
    store = SharedStore(
        redis_url.get_secret_value() if redis_url is not None else None,
        timeout=settings.gql_redis_timeout,
    )
    tokens = oauth_tokens(settings, base_url, store)
    cache = read_cache(settings, store)

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
            client = FactorialClient(
                http,
                base_url=base_url,
                api_version=settings.factorial_api_version,
                options=client_options(settings),
                observer=metrics,
                governor=RateGovernor(store, fleet_size=settings.gql_fleet_size),
                flights=fleet_flights(settings, store),
                cache=cache,
            )
            if metrics is not None:
                metrics.watch_breaker(lambda: client.breaker.state.value)
                if store.shared:
                    metrics.watch_redis(lambda: store.up)
                if isinstance(cache, LocalCache):
                    metrics.watch_cache_bytes(lambda: cache.bytes)
            app.state.client = client
            if tokens is not None:
                tokens.attach(http)
                await tokens.start()
            app.state.store = store
            if settings.demo:
                logger.warning(
                    "Demo mode: no Factorial upstream is configured, so the built-in simulator "
                    "serves generated demo data. Set FACTORIAL_BASE_URL and FACTORIAL_API_KEY "
                    "(or FACTORIAL_ACCESS_TOKEN) to use a real Factorial."
                )
            logger.info("%s", describe_posture(settings))
            logger.info("%s", describe_fleet(settings))
            logger.info("%s", describe_cache(settings))
            watcher = asyncio.create_task(store.watch()) if store.shared else None
            if settings.graphiql_enabled:
                log_graphiql_assets(settings, assets_dir)
            app.state.ready = True
            try:
                yield
            finally:
                app.state.ready = False
                logger.info("shutting down: closing the upstream client")
                if watcher is not None:
                    watcher.cancel()
                await client.aclose()  # refreshes under way are not waited for
                if client.flights is not None:
                    await client.flights.settle()  # hand over the answers still landing
                await store.close()

    assets_dir = graphiql_assets_dir(settings)
    endpoint = create_endpoint(
        settings, observer=metrics, assets_dir=assets_dir, store=store, tokens=tokens
    )

    async def healthz(request: Request) -> Response:
        """Alive: the process answers. Never touches the upstream."""
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> Response:
        """Ready for traffic: started, not shutting down, and the server-held OAuth
        credential (if any) not refused; a refusal is given as the reason."""
        state = request.app.state
        ready = getattr(state, "ready", False) and not getattr(state, "shutting_down", False)
        refusal = await tokens.check() if ready and tokens is not None else None
        if refusal is not None:
            return JSONResponse({"ready": False, "reason": refusal}, status_code=503)
        return JSONResponse({"ready": ready}, status_code=200 if ready else 503)

    async def metrics_page(request: Request) -> Response:
        assert metrics is not None
        return Response(metrics.render(), media_type=metrics.content_type)

    async def root(request: Request) -> Response:
        return RedirectResponse("/graphql")

    routes: list[BaseRoute] = [
        # Every method reaches the endpoint, which answers the ones it does not take with a
        # JSON 405 naming the ones it does (CORS preflights are answered before routing).
        Route(GRAPHQL_PATH, endpoint.handle, methods=ALL_METHODS),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        Route("/", root, methods=["GET"]),
    ]
    if metrics is not None:
        routes.append(Route("/metrics", metrics_page, methods=["GET"]))
    if assets_dir is not None and settings.graphiql_enabled:
        assets = StaticFiles(directory=assets_dir, follow_symlink=True)
        routes.append(Mount(ASSETS_PATH, app=assets, name="graphiql-assets"))
    middleware = cors_middleware(settings.gql_cors_origins, settings.gql_cors_allow_credentials)
    app = GatewayApp(routes=routes, middleware=middleware, lifespan=lifespan)
    if not middleware:
        app.graphql = endpoint.handle
    return app
