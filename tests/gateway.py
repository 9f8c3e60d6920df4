"""Driving the real gateway app against a simulator, in-process, as the tests do."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx

from gql_server.app import create_app
from gql_server.config import Settings
from gql_server.http.asgi import GatewayApp
from gql_server.simulator import Simulator, SimulatorStore

UPSTREAM_URL = "http://factorial.test"
API_KEY = "server-key"


@dataclass
class Gateway:
    """The gateway's HTTP client plus the simulator behind it (for its call counter)."""

    http: httpx.AsyncClient
    sim: Simulator
    app: GatewayApp | None = None

    async def post(
        self,
        query: str,
        variables: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        body: dict[str, Any] = {"query": query}
        if variables is not None:
            body["variables"] = dict(variables)
        return await self.http.post("/graphql", json=body, headers=dict(headers or {}))

    async def query(
        self,
        query: str,
        variables: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> dict[str, Any]:
        """Run a query that must succeed at the HTTP level; returns the whole JSON body."""
        response = await self.post(query, variables, headers)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def data(self, query: str, variables: Mapping[str, Any] | None = None) -> Any:
        """Run a query that must succeed without errors; returns `data`."""
        body = await self.query(query, variables)
        assert "errors" not in body, body["errors"]
        return body["data"]


async def until(condition: Callable[[], bool], *, turns: int = 2000) -> None:
    """Let the loop run until `condition` holds (it is a bug if it never does)."""
    for _ in range(turns):
        if condition():
            return
        await asyncio.sleep(0.005)
    raise AssertionError("the condition never held")


@asynccontextmanager
async def open_gateway(
    store_or_sim: SimulatorStore | Simulator,
    *,
    upstream: Callable[[httpx.AsyncBaseTransport], httpx.AsyncBaseTransport] | None = None,
    **settings: Any,
) -> AsyncIterator[Gateway]:
    """The gateway app (lifespan running) over a simulator, with a server-held API key;
    `upstream` wraps the transport to the simulator (to hold its answers back, say)."""
    sim = store_or_sim if isinstance(store_or_sim, Simulator) else Simulator(store_or_sim)
    values: dict[str, Any] = {
        "factorial_base_url": UPSTREAM_URL,
        "factorial_api_key": API_KEY,
        "gql_demo": False,
    }
    values.update(settings)
    to_simulator: httpx.AsyncBaseTransport = httpx.ASGITransport(app=sim.app)
    if upstream is not None:
        to_simulator = upstream(to_simulator)
    app = create_app(Settings(**values), transport=to_simulator)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as http:
            yield Gateway(http, sim, app)


def build_store(
    *,
    schemas: int = 1,
    resources: int = 1,
    values_per_resource: int | Callable[[int], int] = 1,
    employees: int | None = None,
    id_start: int = 1,
    owner_start: int = 1000,
    owner_type: str = "Employee",
    team_every: int | None = None,
    name_prefix: str = "Table",
) -> SimulatorStore:
    """A store of exact shape: resources spread round-robin over schemas and employees.

    `values_per_resource` may depend on the resource's index; with `team_every`, every n-th
    resource belongs to a team instead.
    """
    store = SimulatorStore(id_start=id_start)
    schema_rows = [store.add_schema(name=f"{name_prefix} {i}", position=i) for i in range(schemas)]
    owners = employees or resources
    for i in range(resources):
        team = team_every is not None and i % team_every == team_every - 1
        resource = store.add_resource(
            schema_id=schema_rows[i % schemas].id,
            attachable_type="Team" if team else owner_type,
            attachable_id=owner_start + i % owners,
        )
        count = values_per_resource(i) if callable(values_per_resource) else values_per_resource
        for _ in range(count):
            store.add_value(resource_id=resource.id)
    if owner_type == "Employee":
        # Last, and with ids of their own, so the records above keep their ids.
        for owner in range(owner_start, owner_start + min(owners, resources)):
            store.add_employee(
                id=owner, access_id=owner, first_name="Employee", last_name=str(owner)
            )
    return store
