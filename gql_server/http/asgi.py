"""The application class: Starlette, with the GraphQL route answered without its layers.

Every request through Starlette passes its error middleware, its exception middleware, the
router's matching and the route's own exception wrapper: closures and coroutines made anew
for each request, about 5 KiB and 7% of a small query's CPU, for a route that needs none of
them (the endpoint answers every method and every failure of the request itself). When no
middleware is configured (CORS adds one), `/graphql` goes straight to the endpoint; every
other path, and `/graphql` under a root path, goes through Starlette as usual.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from ..graphql.errors import INTERNAL_MESSAGE, request_error

GRAPHQL_PATH = "/graphql"

Handler = Callable[[Request], Awaitable[Response]]

_INTERNAL = orjson.dumps({"errors": [request_error("INTERNAL_SERVER_ERROR", INTERNAL_MESSAGE)]})


class GatewayApp(Starlette):
    """The gateway's ASGI app; `graphql` answers `/graphql` directly when it is set."""

    graphql: Handler | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        handler = self.graphql
        if (
            handler is None
            or scope["type"] != "http"
            or scope["path"] != GRAPHQL_PATH
            or scope.get("root_path")
        ):
            await super().__call__(scope, receive, send)
            return
        scope["app"] = self
        try:
            response = await handler(Request(scope, receive, send))
        except Exception:
            # What Starlette's error middleware does, in the endpoint's own format: nothing
            # was sent yet, so answer 500 (no detail), and let the server log the exception.
            await Response(_INTERNAL, 500, media_type="application/json")(scope, receive, send)
            raise
        await response(scope, receive, send)
