"""The baseline server of suite (c): the direct client behind the thinnest ASGI app.

Any POST answers `{"data": …}` for the nested query, built by `DirectClient` from the same
upstream calls the gateway makes; served like the gateway, by one uvicorn worker.
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import AsyncIterator

import orjson
import uvicorn

from .direct_client import DirectClient, open_http
from .sim_server import Receive, Scope, Send


class DirectApp:
    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.client: DirectClient | None = None

    @contextlib.asynccontextmanager
    async def _lifespan(self) -> AsyncIterator[None]:
        async with open_http() as http:
            self.client = DirectClient(http, self.upstream)
            yield

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._run_lifespan(receive, send)
            return
        more = True
        while more:
            message = await receive()
            more = message.get("more_body", False)
        assert self.client is not None
        body = orjson.dumps({"data": await self.client.nested()})
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def _run_lifespan(self, receive: Receive, send: Send) -> None:
        await receive()
        async with self._lifespan():
            await send({"type": "lifespan.startup.complete"})
            await receive()
        await send({"type": "lifespan.shutdown.complete"})


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.direct_server")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--upstream", required=True)
    args = parser.parse_args()
    uvicorn.run(
        DirectApp(args.upstream),
        host="127.0.0.1",
        port=args.port,
        log_level="warning",
        access_log=False,
    )


if __name__ == "__main__":
    main()
