"""Every query shape costs exactly its minimum plan of upstream calls, at every data size.

The plan, computed here from the data alone: a list or by-id level costs
`ceil(distinct keys / 100)` calls; a derived level costs the pages of what it must read: the
rows of its employees, 100 employees a call, or the whole collection once when an owner is not
an employee. The reported price must equal the calls the simulator counted.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Iterator
from typing import Any

import pytest

from gql_server.loading.batch_loader import BatchLoader
from gql_server.simulator import ResourceRow, SimulatorStore

from ..gateway import build_store, open_gateway

SCHEMAS = 3


def pages(rows: int) -> int:
    return max(1, math.ceil(rows / 100))


def resources_of(store: SimulatorStore, schema_id: int) -> list[ResourceRow]:
    return [r for r in store.resources.values() if r.schema_id == schema_id]


def values_level(store: SimulatorStore, shown: list[ResourceRow]) -> int:
    """Calls to read the rows of `shown` resources (in the order the query meets them)."""
    if not shown:
        return 0
    if any(r.attachable_type != "Employee" for r in shown):
        return pages(len(store.values))
    employees = list(dict.fromkeys(r.attachable_id for r in shown))
    calls = 0
    for start in range(0, len(employees), 100):
        chunk = set(employees[start : start + 100])
        rows = sum(1 for v in store.values.values() if v.attachable_id in chunk)
        calls += pages(rows)
    return calls


def plan_tables(store: SimulatorStore) -> int:
    shown_schemas = sorted(store.schemas)[:100]
    shown = [r for s in shown_schemas for r in resources_of(store, s)[:100]]
    return 1 + pages(len(store.resources)) + values_level(store, shown)


def plan_resources(store: SimulatorStore) -> int:
    shown = list(store.resources.values())[:100]
    return 1 + 1 + values_level(store, shown)


def plan_values(store: SimulatorStore) -> int:
    return 1 + 1 + 1 + pages(len(store.resources))


SHAPES = {
    "tables": (
        "schemas { nodes { resources { nodes { values { nodes { id } } } } } }",
        plan_tables,
    ),
    "resources": (
        "resources(first: 100) { nodes { schema { name } values { nodes { resource { id } } } } }",
        plan_resources,
    ),
    "values": (
        "values(first: 100) { nodes { resource { schema { resources { totalCount } } } } }",
        plan_values,
    ),
}


def sized_store(resources: int, team_every: int | None) -> SimulatorStore:
    return build_store(
        schemas=SCHEMAS,
        resources=resources,
        values_per_resource=lambda i: 1 + (i * 7) % 20,
        employees=max(1, resources // 2),
        team_every=team_every,
    )


def cases() -> Iterator[Any]:
    for resources in (1, 10, 100, 1000):
        for team_every in (None, 10):
            for shape in SHAPES:
                yield pytest.param(
                    resources, team_every, shape, id=f"{shape}-{resources}-{team_every}"
                )


@pytest.fixture
def delayed_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every load awaits first: 0, 1 or 2 event-loop turns, varying from key to key."""
    original = BatchLoader.load
    turns = iter(range(10**9))

    async def load(self: BatchLoader[Any], key: str) -> Any:
        for _ in range(next(turns) % 3):
            await asyncio.sleep(0)
        return await original(self, key)

    monkeypatch.setattr(BatchLoader, "load", load)


async def check(store: SimulatorStore, query: str, expected: int) -> None:
    async with open_gateway(store, gql_cost_budget=100_000) as gw:
        body = await gw.query(query)
        assert "errors" not in body, body["errors"]
        assert gw.sim.total_calls == expected
        assert body["extensions"]["upstream"]["calls"] == expected


@pytest.mark.parametrize(("resources", "team_every", "shape"), list(cases()))
async def test_a_shape_costs_its_minimum_plan(
    resources: int, team_every: int | None, shape: str
) -> None:
    store = sized_store(resources, team_every)
    selection, plan = SHAPES[shape]
    await check(store, "{ " + selection + " }", plan(store))


@pytest.mark.parametrize("shape", list(SHAPES))
async def test_the_same_selection_twice_under_two_aliases_costs_once(shape: str) -> None:
    store = sized_store(100, None)
    selection, plan = SHAPES[shape]
    await check(store, "{ a: " + selection + " b: " + selection + " }", plan(store))


@pytest.mark.parametrize("shape", list(SHAPES))
@pytest.mark.usefixtures("delayed_loads")
async def test_loads_delayed_by_awaits_still_batch_whole(shape: str) -> None:
    store = sized_store(100, None)
    selection, plan = SHAPES[shape]
    await check(store, "{ " + selection + " }", plan(store))
