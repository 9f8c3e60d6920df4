"""The simulator's control routes, for tests that run it in another process (`gql-server
simulate`): the calls counted so far, and faults armed and disarmed over HTTP.

    GET    /_simulator/calls    {"calls": {"POST custom_resources/values": 2, ...}}
    POST   /_simulator/faults   a JSON object of Fault's fields (route, method, status, times,
                                latency, retry_after): armed after those already armed
    DELETE /_simulator/faults   every fault disarmed

Factorial has none of these; nothing under /api/ changes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .faults import Fault

# The fields a fault may be given over HTTP, with their types.
_FIELDS: dict[str, tuple[type, ...]] = {
    "route": (str,),
    "method": (str,),
    "times": (int,),
    "status": (int,),
    "latency": (int, float),
    "retry_after": (str,),
}


class Controlled(Protocol):
    calls: Any

    def inject(self, fault: Fault) -> None: ...

    def clear_faults(self) -> None: ...


def control_routes(simulator: Controlled) -> list[Route]:
    async def calls(request: Request) -> Response:
        return JSONResponse({"calls": dict(simulator.calls)})

    async def faults(request: Request) -> Response:
        if request.method == "DELETE":
            simulator.clear_faults()
            return Response(status_code=204)
        try:
            fields = await request.json()
        except ValueError:
            fields = None
        problem = _problem(fields)
        if problem is not None:
            return JSONResponse({"error": problem}, status_code=400)
        simulator.inject(Fault(**fields))
        return Response(status_code=204)

    endpoints: list[tuple[str, Callable[[Request], Any], list[str]]] = [
        ("/_simulator/calls", calls, ["GET"]),
        ("/_simulator/faults", faults, ["POST", "DELETE"]),
    ]
    return [Route(path, endpoint, methods=methods) for path, endpoint, methods in endpoints]


def _problem(fields: object) -> str | None:
    """What is wrong with a fault's fields, or None."""
    if not isinstance(fields, dict):
        return "send a JSON object of the fault's fields"
    for name, value in fields.items():
        kinds = _FIELDS.get(name)
        if kinds is None:
            return f"unknown field {name!r}: use {', '.join(_FIELDS)}"
        if not isinstance(value, kinds) or isinstance(value, bool):
            return f"{name!r} should be {' or '.join(k.__name__ for k in kinds)}"
    return None
