"""serve(): run any ASGI app on a real port for the length of a `with` block."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any, Literal

import uvicorn

STARTUP_TIMEOUT = 10.0
SHUTDOWN_TIMEOUT = 10.0


@contextmanager
def serve(
    app: Any,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    lifespan: Literal["auto", "on", "off"] = "on",
) -> Iterator[str]:
    """Serve `app` with uvicorn in a daemon thread and yield its base URL.

    Port 0 picks a free port. With lifespan "on" a failing startup is an error here instead
    of a server that half works; pass "off" for bare ASGI callables without lifespan support.
    """
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        lifespan=lifespan,
        log_level="warning",
        timeout_graceful_shutdown=2,
    )
    server = uvicorn.Server(config)

    def run() -> None:
        # uvicorn leaves with sys.exit when the app's startup fails; the wait below reports it.
        with suppress(SystemExit):
            server.run()

    thread = threading.Thread(target=run, name="live-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the server stopped during startup (uvicorn logged why)")
        if time.monotonic() > deadline:
            server.should_exit = True
            raise RuntimeError(f"the server did not start within {STARTUP_TIMEOUT} s")
        time.sleep(0.01)
    try:
        bound_port = server.servers[0].sockets[0].getsockname()[1]
        yield f"http://{host}:{bound_port}"
    finally:
        server.should_exit = True
        thread.join(SHUTDOWN_TIMEOUT)
