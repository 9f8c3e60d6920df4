"""`gql-server serve`: one process or N workers, a graceful shutdown, start-up frozen."""

from __future__ import annotations

import gc
import logging
import os
import signal
from collections.abc import Callable
from types import FrameType
from typing import Any, TypeAlias

import uvicorn
from starlette.applications import Starlette

from ..telemetry.logs import configure_logging

logger = logging.getLogger("gql_server.cli")
Handler: TypeAlias = "Callable[[int, FrameType | None], object]"


class GracefulServer(uvicorn.Server):
    """uvicorn's server, telling the app the moment shutdown begins (so /readyz answers 503)
    while in-flight requests finish within the graceful-shutdown timeout."""

    def __init__(self, config: uvicorn.Config, app: Starlette) -> None:
        super().__init__(config)
        self.gateway = app

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        self.gateway.state.shutting_down = True
        super().handle_exit(sig, frame)


def serve(host: str, port: int, workers: int = 1) -> None:
    from ..app import create_app
    from ..config import load_settings

    settings = load_settings()
    configure_logging(settings.log_format, settings.gql_log_level)
    # Built in this process even with workers: a setting only the app checks (the persisted
    # query manifest) stops the command here, with exit code 2, not in a worker.
    app = create_app(settings)
    mode = "demo data (built-in simulator)" if settings.demo else settings.base_url
    print(
        f"gql-server: GraphQL on http://{host}:{port}/graphql, upstream: {mode}, "
        f"{describe_workers(workers, shared=settings.gql_redis_url is not None)}",
        flush=True,
    )
    if workers > 1 and settings.gql_redis_url is None:
        logger.warning(
            "%d workers without GQL_REDIS_URL: each worker keeps its own upstream rate limits, "
            "in-flight calls and persisted queries; set GQL_REDIS_URL to share them",
            workers,
        )
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_config": None,
        "access_log": False,
        "loop": "uvloop",
        "http": "httptools",
        "timeout_graceful_shutdown": int(settings.gql_shutdown_timeout),
    }
    if workers > 1:
        del app
        # Each worker is a process of the fleet: while it cannot share rates through Redis it
        # takes 1/(GQL_FLEET_SIZE x N) of them, so N workers together stay within the rate.
        os.environ["GQL_FLEET_SIZE"] = str(settings.gql_fleet_size * workers)
        # uvicorn's supervisor starts each worker as a fresh interpreter, which builds its own
        # app from the environment through the factory.
        uvicorn.run(f"{__name__}:worker_app", factory=True, workers=workers, **options)
        return
    config = uvicorn.Config(app, **options)
    freeze_start_up_objects()
    GracefulServer(config, app).run()


def describe_workers(workers: int, *, shared: bool) -> str:
    """How many processes answer, and whether they share state, for the start-up line."""
    count = f"{workers} worker{'s' if workers > 1 else ''}"
    if shared:
        return f"{count}, sharing state through Redis (GQL_REDIS_URL)"
    return f"{count}, each keeping its own state" if workers > 1 else f"{count}, own state"


def worker_app() -> Starlette:
    """The app of one worker of `serve --workers N`, built from the environment in the
    worker's own process (uvicorn calls it there)."""
    from ..app import create_app
    from ..config import load_settings

    settings = load_settings()
    configure_logging(settings.log_format, settings.gql_log_level)
    app = create_app(settings)
    announce_shutdown_to(app)
    freeze_start_up_objects()
    return app


def announce_shutdown_to(app: Starlette) -> None:
    """Tell `app` the moment a worker's shutdown begins (so /readyz answers 503).

    uvicorn's supervisor runs its own server class in each worker, which installs its signal
    handlers before it loads the app: the app's handler runs first, then hands on to them.
    """
    for signum in (signal.SIGINT, signal.SIGTERM):
        handler = signal.getsignal(signum)
        if not callable(handler):
            continue

        def announce(sig: int, frame: FrameType | None, handler: Handler = handler) -> None:
            app.state.shutting_down = True
            handler(sig, frame)

        signal.signal(signum, announce)


def freeze_start_up_objects() -> None:
    # Everything built so far (schema, modules, caches) lives as long as the process: frozen,
    # the cycle collector stops walking it (a full collection was ~18 ms per pause, felt in
    # the tail latency); what requests allocate is collected as before.
    gc.collect()
    gc.freeze()
