"""The batch forms of the link resolvers answer as their per-object forms, at the same price.

The gateway's executor resolves a link (a schema's resources, a resource's rows or schema, a
row's resource or cells) for every parent of a level in one call (graphql/batched.py).
graphql-core's executor calls the per-object form. Every query here runs both ways over the
same data: the bodies (data, errors with their paths and codes) and the upstream calls must
be the same, failures included.
"""

from __future__ import annotations

from typing import Any

import pytest

import gql_server.http.answers
from gql_server.graphql.execution import GatewayExecutor
from gql_server.simulator import Fault, Simulator
from gql_server.simulator.demo import build_demo_store

from ..gateway import open_gateway

QUERIES = [
    "{ schemas { nodes { id resources(first: 3) { totalCount nodes { id values { nodes { id"
    " resource { id schema { name } } } } } } } } }",
    "{ resources(first: 20) { nodes { id schema { id } values(first: 2) { nodes { id cells"
    " { fieldId text } } } } } }",
    "{ values(first: 30) { nodes { id resource { id attachableId } cells { fieldId } } } }",
    "{ schemas { nodes { resources(first: -1) { totalCount } } } }",
    '{ schemas { nodes { resources(after: "not-a-cursor") { totalCount } } } }',
]


async def _run(query: str, fault: Fault | None, *, per_object: bool) -> tuple[Any, int]:
    sim = Simulator(build_demo_store(schemas=3, resources=30))
    if fault is not None:
        sim.inject(fault)
    async with open_gateway(sim) as gateway:
        if per_object:
            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(gql_server.http.answers, "ColumnExecutor", GatewayExecutor)
                body = await gateway.query(query)
        else:
            body = await gateway.query(query)
        return body, sim.total_calls


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize(
    "fault",
    [
        None,
        Fault(route="custom_resources/values", status=500, times=99),
        Fault(route="custom_resources/resources", status=404, times=99),
    ],
    ids=["healthy", "values-failing", "resources-missing"],
)
async def test_batch_and_per_object_forms_agree(query: str, fault: Fault | None) -> None:
    batch, batch_calls = await _run(query, fault, per_object=False)
    single, single_calls = await _run(query, fault, per_object=True)
    assert batch.get("data") == single.get("data")
    assert sorted(map(repr, batch.get("errors", []))) == sorted(map(repr, single.get("errors", [])))
    assert batch_calls == single_calls


async def test_the_gateway_resolves_a_level_of_links_in_one_call() -> None:
    """Through the endpoint, a resource's rows come from one batch call for the whole level;
    graphql-core's executor calls the per-object form once per resource."""
    from gql_server.loading.loaders import Loaders

    calls = {"per_object": 0, "batch": 0}
    per_object, batch = Loaders.values_of, Loaders.rows_of

    def counted_values_of(self: Loaders, resource: Any) -> Any:
        calls["per_object"] += 1
        return per_object(self, resource)

    async def counted_rows_of(self: Loaders, resources: Any) -> Any:
        calls["batch"] += 1
        return await batch(self, resources)

    query = "{ resources(first: 25) { nodes { id values { nodes { id } } } } }"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Loaders, "values_of", counted_values_of)
        patch.setattr(Loaders, "rows_of", counted_rows_of)
        batched_body, _ = await _run(query, None, per_object=False)
        assert calls == {"per_object": 0, "batch": 1}
        single_body, _ = await _run(query, None, per_object=True)
        assert calls == {"per_object": 25, "batch": 1}
    assert batched_body["data"] == single_body["data"]
    assert len(batched_body["data"]["resources"]["nodes"]) == 25
