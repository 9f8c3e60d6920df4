"""The estimate made before execution bounds the calls the operation really makes."""

from __future__ import annotations

import pytest
from graphql import OperationDefinitionNode, parse

from gql_server.graphql.connection import Cursor
from gql_server.graphql.cost import estimate_calls
from gql_server.simulator import SimulatorStore

from ..gateway import build_store, open_gateway
from .test_table import table_store
from .test_upstream_cost import SHAPES, cases, sized_store


def estimate(query: str, sizes: dict[str, int], variables: dict[str, object] | None = None) -> int:
    document = parse(query)
    [operation] = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    return estimate_calls(document, operation, variables, lambda name: sizes[name])


def sizes_of(store: SimulatorStore) -> dict[str, int]:
    return {
        "schemas": len(store.schemas),
        "resources": len(store.resources),
        "values": len(store.values),
    }


@pytest.mark.parametrize(("resources", "team_every", "shape"), list(cases()))
async def test_the_estimate_is_an_upper_bound_of_every_shape(
    resources: int, team_every: int | None, shape: str
) -> None:
    store = sized_store(resources, team_every)
    query = "{ " + SHAPES[shape][0] + " }"
    async with open_gateway(store, gql_cost_budget=100_000) as gw:
        await gw.data(query)
        actual = gw.sim.total_calls
    bound = estimate(query, sizes_of(store))
    assert bound >= actual
    if shape == "values":
        assert bound == actual  # no derived rows to guess: the estimate is exact


SIZES = {"schemas": 10, "resources": 1000, "values": 20_000}


def test_top_level_lists_cost_their_pages() -> None:
    assert estimate("{ schemas { nodes { id } } }", SIZES) == 1
    assert estimate("{ values(first: 5) { totalCount } }", SIZES) == 1
    skip = Cursor(None, 150).encode()
    assert (
        estimate("query($a: String) { values(after: $a) { nodes { id } } }", SIZES, {"a": skip})
        == 3
    )


def test_by_id_root_fields_batch() -> None:
    fields = " ".join(f'r{i}: resource(id: "{i}") {{ id }}' for i in range(250))
    assert estimate("{ " + fields + " }", SIZES) == 3


def test_collections_are_read_once_per_request() -> None:
    query = """{
      a: schemas { nodes { resources { totalCount } } }
      b: schemas(first: 3) { nodes { resources(first: 1) { totalCount } } }
    }"""
    # two schema pages + the resources collection (10 pages) once
    assert estimate(query, SIZES) == 2 + 10


def test_identical_fields_cost_once_and_fragments_are_expanded() -> None:
    once = estimate("{ values { nodes { resource { id } } } }", SIZES)
    query = """
      query { ...V  again: values { ...W } values { nodes { resource { schemaId } } } }
      fragment V on Query { values { ...W } }
      fragment W on CustomResourcesValueConnection { nodes { resource { id } } }
    """
    assert estimate(query, SIZES) == once == 2


def test_deep_nesting_is_bounded_by_collection_sizes() -> None:
    query = (
        "{ values { nodes { resource { schema { resources { nodes {"
        " values { nodes { resource { schema { id } } } } } } } } } } }"
    )
    cost = estimate(query, SIZES)
    # values page, owners, their schemas, resources collection, rows (employee batches or
    # the collection); the rows' owner and its schema are loaded already.
    assert cost == 1 + 1 + 1 + 10 + (10 + 200)


def test_mutations_cost_one_call_each() -> None:
    query = (
        'mutation { a: createSchema(input: {name: "x", companyId: "1"}) '
        "{ id resources { totalCount } } }"
    )
    assert estimate(query, SIZES) == 1 + 10


def test_last_costs_like_first_plus_its_extra_calls() -> None:
    before = Cursor("42", 0).encode()
    # The end of the list: the first page, then up to two offset pages.
    assert estimate("{ values(last: 5) { nodes { id } } }", SIZES) == 3
    # Before a cursor: the page, and the check of how `before_id` answers.
    query = "query($b: String) { values(last: 100, before: $b) { nodes { id } } }"
    assert estimate(query, SIZES, {"b": before}) == 2
    # An in-memory window reads as many rows for `last` as for `first`.
    nested = "{ schemas { nodes { resources(%s: 3) { nodes { schema { id } } } } } }"
    assert estimate(nested % "last", SIZES) == estimate(nested % "first", SIZES)


@pytest.mark.parametrize("records", [0, 100, 101, 250])
async def test_the_estimate_bounds_backward_reads(records: int) -> None:
    store = build_store(resources=1, values_per_resource=records)
    async with open_gateway(store, gql_cost_budget=100_000) as gw:
        query = "{ values(last: 100) { nodes { id } pageInfo { startCursor } } }"
        data = await gw.data(query)
        actual = gw.sim.total_calls
        assert estimate(query, sizes_of(store)) >= actual
        start = data["values"]["pageInfo"]["startCursor"]
        gw.sim.calls.clear()
        query = "query($b: String) { values(last: 100, before: $b) { nodes { id } } }"
        await gw.data(query, {"b": start})
        assert estimate(query, sizes_of(store), {"b": start}) >= gw.sim.total_calls


@pytest.mark.parametrize("argument", ["fieldId", "slug"])
async def test_empty_cells_asked_by_column_are_within_the_estimate(argument: str) -> None:
    # A column added to the laptops table after its rows: no row has a cell in it, so each
    # `cell(...)` checks the column against its row's table (the row's resource, the table's
    # columns); rows of the other tables answer BAD_USER_INPUT.
    store = table_store(rows_per_resource=3)
    schema = next(iter(store.schemas.values()))
    column = store.add_field(label="Added later")
    store.add_resource_field(schema_id=schema.id, field_id=column.id)
    given = column.id if argument == "fieldId" else f'"{column.slug}"'
    query = f"{{ values {{ nodes {{ id cell({argument}: {given}) {{ raw }} }} }} }}"
    async with open_gateway(store, gql_cost_budget=100_000) as gw:
        answer = (await gw.post(query)).json()
        actual = gw.sim.total_calls
    assert {e["extensions"]["code"] for e in answer["errors"]} == {"BAD_USER_INPUT"}
    assert sum(row["cell"] is None for row in answer["data"]["values"]["nodes"]) == 13
    sizes = {
        **sizes_of(store),
        "fields": len(store.fields),
        "options": len(store.options),
        "cells": len(store.cells),
        "employees": len(store.employees),
    }
    assert estimate(query, sizes) >= actual
