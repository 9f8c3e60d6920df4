"""The Factorial simulator on its own port and process, with a control route for the bench.

`GET /_bench/latency?latency=S&jitter=S` sets the upstream latency (seconds, fixed part and
uniform jitter) without a restart; `GET /_bench/calls` answers the calls counted since the last
read, and forgets them (so a long load run does not grow the simulator's call log), with the
most writes one credential made in a window; `GET /_bench/write-limit?count=N&seconds=S`
makes the simulator refuse writes past N per credential in any S seconds with 429, as
Factorial does (count=0: off).
"""

from __future__ import annotations

import argparse
from collections import Counter
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qs

import orjson
import uvicorn

from gql_server.simulator import Simulator, WriteLimit

from .data import Shape, build_store

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class ControlledSimulator:
    """The simulator's ASGI app behind the bench's control routes."""

    def __init__(self, simulator: Simulator) -> None:
        self.simulator = simulator

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not path.startswith("/_bench/"):
            await self.simulator.app(scope, receive, send)
            return
        query = parse_qs(scope.get("query_string", b"").decode())
        if path == "/_bench/latency":
            self.simulator.latency = float(query.get("latency", ["0"])[0])
            self.simulator.jitter = float(query.get("jitter", ["0"])[0])
        if path == "/_bench/write-limit":
            count = int(query.get("count", ["0"])[0])
            seconds = float(query.get("seconds", ["60"])[0])
            self.simulator.write_limit = WriteLimit(count, seconds) if count else None
        statuses = Counter(str(record.status) for record in self.simulator.call_log)
        limit = self.simulator.write_limit
        body = orjson.dumps(
            {
                "calls": dict(self.simulator.calls),
                "statuses": dict(statuses),
                "write_peak": limit.peak if limit is not None else None,
            }
        )
        if path == "/_bench/calls":
            self.simulator.reset_calls()
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.sim_server")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--resources", type=int, default=20)
    parser.add_argument("--per-schema", type=int, default=50)
    parser.add_argument("--values", type=int, default=3)
    parser.add_argument("--owners", choices=["employee", "mixed"], default="employee")
    parser.add_argument("--columns", type=int, default=0)
    args = parser.parse_args()
    shape = Shape(args.resources, args.per_schema, args.values, args.owners, args.columns)
    app = ControlledSimulator(Simulator(build_store(shape)))
    # Idle connections are kept well past a round: with uvicorn's 5 s default, a baseline
    # client that waited out the gateway's turn could send on a connection the simulator was
    # closing, and fail with a read error that no real upstream outage caused.
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=args.port,
        log_level="warning",
        access_log=False,
        timeout_keep_alive=300,
    )


if __name__ == "__main__":
    main()
