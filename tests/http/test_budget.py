"""Operations estimated to need more upstream calls than the budget are refused before running."""

from __future__ import annotations

import pytest

from ..gateway import Gateway, build_store, open_gateway
from ..graphql.test_table import table_store

DEEP = (
    "{ values { nodes { resource { schema { resources { nodes {"
    " values { nodes { cells { text } } } } } } } } } }"
)


@pytest.mark.parametrize("accept", ["application/json", "application/graphql-response+json"])
async def test_an_operation_over_budget_is_refused_with_its_estimate(accept: str) -> None:
    async with open_gateway(build_store(resources=5), gql_cost_budget=50) as gw:
        response = await gw.post(DEEP, headers={"accept": accept})
        assert response.status_code == (200 if accept == "application/json" else 400)
        body = response.json()
        assert "data" not in body
        [error] = body["errors"]
        assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX"
        assert error["extensions"]["budget"] == 50
        assert error["extensions"]["estimate"] > 50
        assert gw.sim.total_calls == 0


async def test_every_response_reports_the_estimate_beside_the_calls(gateway: Gateway) -> None:
    body = await gateway.query("{ values(first: 10) { nodes { resource { schema { id } } } } }")
    price = body["extensions"]["upstream"]
    assert price["estimated"] == 3
    assert price["calls"] == 3


async def test_estimates_learn_the_callers_collection_sizes() -> None:
    async with open_gateway(build_store(resources=30, values_per_resource=2)) as gw:
        query = "{ schemas { nodes { resources { nodes { values { totalCount } } } } } }"
        first = (await gw.query(query))["extensions"]["upstream"]
        # The first time, sizes are assumed (1000 records each): a loose bound.
        assert first["estimated"] > first["calls"]
        second = (await gw.query(query))["extensions"]["upstream"]
        # The sizes read by the first (schemas, resources) are now known: a tighter bound.
        assert second["calls"] <= second["estimated"] < first["estimated"]


async def test_table_queries_are_estimated_as_upper_bounds() -> None:
    store = table_store(rows_per_resource=4, employees=3)
    query = """{ resources { nodes { attachable { fullName }
        schema { fields { label options { label } } }
        values { nodes { attachable { id } cells { field { label } choice { label } raw }
          byslug: cell(slug: "model") { raw } } } } } }"""
    async with open_gateway(store) as gw:
        await gw.query(query)  # learn the sizes
        gw.sim.reset_calls()
        body = await gw.query(query)
        # "model" is a column of the Laptops table only: the Certifications rows say so.
        assert {(e["extensions"]["field"], e["path"][-1]) for e in body["errors"]} == {
            ("slug", "byslug")
        }
        price = body["extensions"]["upstream"]
        assert (
            price["estimated"]
            >= gw.sim.total_calls
            == price["calls"] + price["cached"] - price["cached"]
        )


async def test_writes_are_estimated_too() -> None:
    store = table_store()
    schema = next(s.id for s in store.schemas.values() if s.name == "Laptops")
    model = next(f.slug for f in store.fields.values() if f.label_text == "Model")
    notes = next(f.slug for f in store.fields.values() if f.label_text == "Notes")
    async with open_gateway(store) as gw:
        body = await gw.query(
            "mutation($i: CreateValueInput!) { createValue(input: $i) { id } }",
            {
                "i": {
                    "schemaId": str(schema),
                    "employeeId": "5000",
                    "cells": [
                        {"slug": model, "value": {"text": "A"}},
                        {"slug": notes, "value": {"text": "B"}},
                    ],
                }
            },
        )
        price = body["extensions"]["upstream"]
        assert "errors" not in body
        assert price["estimated"] >= price["calls"] == gw.sim.total_calls


async def test_an_operation_is_estimated_once_per_inputs(monkeypatch: pytest.MonkeyPatch) -> None:
    import gql_server.http.budget as budget_module

    walks: list[int] = []
    real = budget_module.estimate_calls

    def counting(*args: object, **kwargs: object) -> int:
        walks.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(budget_module, "estimate_calls", counting)
    async with open_gateway(build_store(resources=3)) as gw:
        query = "query($f: Int) { values(first: $f) { nodes { id } } }"
        await gw.data(query, {"f": 5})  # learns the values' size: the next key differs
        walks.clear()
        for _ in range(3):
            await gw.data(query, {"f": 5})
        assert len(walks) == 1
        await gw.data(query, {"f": 6})  # other variables: walked again
        assert len(walks) == 2
        await gw.data("{ schemas { totalCount } }")  # learns the schemas' size: new key
        await gw.data(query, {"f": 5})
        assert len(walks) == 4
