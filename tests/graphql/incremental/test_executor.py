"""@defer and @stream as a client sees them: the parts add up to the plain answer, in both
formats, and cost exactly the plain query's upstream calls."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from gql_server.simulator import Fault, SimulatorStore

from ...gateway import Gateway, open_gateway
from ...multipart import merge, read_parts, spec_of, strip_directives
from ..test_table import table_store

DEFER_2022 = (
    "multipart/mixed;deferSpec=20220824,application/graphql-response+json,application/json;q=0.9"
)
V02 = (
    "multipart/mixed;incrementalSpec=v0.2,application/graphql-response+json,application/json;q=0.9"
)
ACCEPTS = {"deferSpec=20220824": DEFER_2022, "incrementalSpec=v0.2": V02}

SHAPES = {
    "a row's cells deferred": """{ resources(first: 10) { nodes { id
        schema { name fields { label type } }
        values { nodes { id ... @defer { cells { id text number field { label }
          choice { label } choices { label } } } } } } } }""",
    "nested defers, labelled": """{ values(first: 20) { nodes { id
        ... @defer(label: "cells") { cells { id raw
          ... @defer(label: "columns") { field { label type options { label } } } } } } } }""",
    "a labelled fragment spread": """query Columns { schemas { nodes { name
        ...Columns @defer(label: "columns") } } }
        fragment Columns on Schema { fields { label type options { label } } }""",
    "a defer written only in a named fragment": """query { values(first: 5) { nodes { ...Row }
        } } fragment Row on CustomResourcesValue { id ... @defer { cells { raw } } }""",
    "a deferred field of an object also selected outside the fragment": """{ values(first: 9) {
        nodes { id attachable { id } ... @defer { attachable { fullName email } } } } }""",
    "defer at the root": """{ schemas { totalCount } ... @defer { values(first: 5) { nodes { id
        cells { raw } } } } }""",
    "two sibling fragments with nested defers": """{ values(first: 12) { nodes { id
        ... @defer(label: "owner") { attachable { fullName } ... @defer { resource { id } } }
        ... @defer(label: "cells") { cells { raw ... @defer { field { label } } } } } } }""",
    "stream, initialCount 0": """{ values(first: 20) { nodes @stream(initialCount: 0) { id
        attachable { fullName } cells { raw field { label } } } } }""",
    "stream, initialCount 2": """{ values(first: 20) { nodes @stream(initialCount: 2) { id
        resource { id schema { name } } cells { raw } } } }""",
    "stream of edges": """{ resources { edges @stream(initialCount: 1) { cursor node { id
        attachable { fullName } } } } }""",
    "stream and defer together": """{ values(first: 20) { nodes @stream(initialCount: 2) { id
        ... @defer { attachable { fullName } cells { raw field { label } } } } } }""",
    "stream inside a deferred fragment": """{ schemas { nodes { name
        ... @defer { fields @stream(initialCount: 1) { label options { label } } } } } }""",
    "streams inside streamed items": """{ values(first: 10) { nodes @stream(initialCount: 1) {
        id cells @stream(initialCount: 2) { raw field { label } } } } }""",
}


@pytest.fixture
def store() -> SimulatorStore:
    return table_store(rows_per_resource=3, employees=4)


async def plain(gw: Gateway, query: str) -> tuple[dict[str, Any], Counter[str]]:
    gw.sim.reset_calls()
    response = await gw.post(strip_directives(query), headers={"accept": "application/json"})
    assert response.status_code == 200
    return response.json(), Counter(gw.sim.calls)


async def in_parts(gw: Gateway, query: str, accept: str) -> list[dict[str, Any]]:
    gw.sim.reset_calls()
    response = await gw.post(query, headers={"accept": accept})
    assert response.status_code == 200, response.text
    content_type = response.headers["content-type"]
    assert accept.startswith(content_type.split(";")[0])
    assert spec_of(content_type) in accept
    return read_parts(response.content, content_type)


def without_cost(answer: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in answer.items() if k != "extensions"}


@pytest.mark.parametrize("spec", list(ACCEPTS))
@pytest.mark.parametrize("shape", list(SHAPES))
async def test_the_parts_add_up_to_the_plain_answer_at_its_cost(
    gateway: Gateway, shape: str, spec: str
) -> None:
    query = SHAPES[shape]
    expected, plain_calls = await plain(gateway, query)
    assert "errors" not in expected
    parts = await in_parts(gateway, query, ACCEPTS[spec])
    assert len(parts) >= 3  # the initial part, at least one increment, the closing part
    merged = merge(parts, spec)
    assert without_cost(merged) == without_cost(expected)
    assert Counter(gateway.sim.calls) == plain_calls
    # The bill, whole, in the last part (and nowhere before).
    assert parts[-1] == {"hasNext": False, "extensions": merged["extensions"]}
    assert merged["extensions"]["upstream"]["calls"] == plain_calls.total()
    assert merged["extensions"]["upstream"]["estimated"] >= plain_calls.total()
    assert all("extensions" not in part for part in parts[:-1])


@pytest.mark.parametrize("spec", list(ACCEPTS))
async def test_the_initial_part_leaves_out_what_is_deferred_and_streamed(
    gateway: Gateway, spec: str
) -> None:
    query = """{ values(first: 4) { nodes @stream(initialCount: 1) { id
        ... @defer(label: "cells") { cells { raw } } } } }"""
    first = (await in_parts(gateway, query, ACCEPTS[spec]))[0]
    (row,) = first["data"]["values"]["nodes"]
    assert list(row) == ["id"]
    assert "errors" not in first
    if spec == "incrementalSpec=v0.2":
        assert first["pending"] == [
            {"id": "0", "path": ["values", "nodes"]},
            {"id": "1", "path": ["values", "nodes", 0], "label": "cells"},
        ]
    else:
        assert "pending" not in first


async def test_a_defer_that_is_off_is_one_ordinary_answer(gateway: Gateway) -> None:
    query = """query($on: Boolean!) { values(first: 5) { nodes { id
        ... @defer(if: $on) { cells { raw } } } } }"""
    response = await gateway.post(query, {"on": False}, headers={"accept": V02})
    assert response.headers["content-type"] == "application/graphql-response+json"
    body = response.json()
    assert "hasNext" not in body
    assert all("cells" in row for row in body["data"]["values"]["nodes"])
    multipart = await gateway.post(query, {"on": True}, headers={"accept": V02})
    assert multipart.headers["content-type"].startswith("multipart/mixed")


async def test_initial_count_may_be_a_variable(gateway: Gateway) -> None:
    query = """query($n: Int!) { values(first: 6) { nodes @stream(initialCount: $n) { id } } }"""
    response = await gateway.post(query, {"n": 4}, headers={"accept": V02})
    parts = read_parts(response.content, response.headers["content-type"])
    assert len(parts[0]["data"]["values"]["nodes"]) == 4
    assert len(merge(parts, "incrementalSpec=v0.2")["data"]["values"]["nodes"]) == 6
    refused = await gateway.post(query, {"n": -1}, headers={"accept": V02})
    body = refused.json()
    assert body["data"] == {"values": None}
    assert body["errors"][0]["message"] == "@stream's initialCount must be 0 or more."


async def test_a_stream_with_nothing_left_after_its_initial_count_is_one_answer(
    gateway: Gateway,
) -> None:
    query = "{ values(first: 3) { nodes @stream(initialCount: 5) { id } } }"
    response = await gateway.post(query, headers={"accept": DEFER_2022})
    assert response.headers["content-type"] == "application/graphql-response+json"
    assert len(response.json()["data"]["values"]["nodes"]) == 3


@pytest.mark.parametrize("spec", list(ACCEPTS))
async def test_an_error_in_a_deferred_fragment_is_in_its_part_only(spec: str) -> None:
    store = table_store(rows_per_resource=2, employees=2)
    query = """{ values(first: 6) { nodes { id
        ... @defer(label: "cells") { cells { raw } } } } }"""
    async with open_gateway(store) as gw:
        # The cells of the first row read fail; the others answer.
        gw.sim.inject(Fault(route="custom_fields/values", status=403, times=1))
        expected, _ = await plain(gw, query)
        gw.sim.inject(Fault(route="custom_fields/values", status=403, times=1))
        parts = await in_parts(gw, query, ACCEPTS[spec])
    assert "errors" not in parts[0]
    (error,) = [
        e
        for part in parts[1:]
        for entry in part.get("incremental", ())
        for e in entry.get("errors", ())
    ]
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert error["path"] == ["values", "nodes", 0, "cells"]
    assert [e["path"] for e in expected["errors"]] == [error["path"]]
    merged = merge(parts, spec)
    assert without_cost(merged) == without_cost(expected)
    assert merged["data"]["values"]["nodes"][0]["cells"] is None


@pytest.mark.parametrize("spec", list(ACCEPTS))
async def test_a_null_reaching_a_fragments_root_fails_that_fragment_only(
    gateway: Gateway, spec: str
) -> None:
    """`Field.options` is non-null: when a choice column's options cannot be read, the null
    reaches the root of the fragment they are deferred in, which fails at that column with
    its error. The same fragment at the other columns (no options to read) and the column's
    other fragment are delivered."""
    query = """{ schemas { nodes { name fields { label
        ... @defer(label: "options") { options { label } }
        ... @defer(label: "kind") { type } } } } }"""
    gateway.sim.inject(Fault(route="custom_fields/options", status=403))
    parts = await in_parts(gateway, query, ACCEPTS[spec])
    columns = [f for s in parts[0]["data"]["schemas"]["nodes"] for f in s["fields"]]
    assert len(columns) == 10
    entries = [entry for part in parts[1:] for entry in part.get("incremental", ())]
    if spec == "incrementalSpec=v0.2":
        pending = {p["id"]: p for part in parts for p in part.get("pending", ())}
        completed = [c for part in parts[1:] for c in part.get("completed", ())]
        failed = [c for c in completed if "errors" in c]
        assert all(pending[c["id"]]["label"] == "options" for c in failed)
        delivered = [pending[e["id"]]["label"] for e in entries]
    else:
        failed = [e for e in entries if e.get("data", {}) is None]
        assert all(e["label"] == "options" and e["errors"] for e in failed)
        delivered = [e["label"] for e in entries if e.get("data")]
    assert sorted(delivered) == ["kind"] * 10 + ["options"] * 8
    errors = [e for f in failed for e in f["errors"]]
    assert len(errors) == 2
    assert {e["extensions"]["code"] for e in errors} == {"FORBIDDEN"}
    merged = merge(parts, spec)
    laptops = merged["data"]["schemas"]["nodes"][0]["fields"]
    failing = {tuple(e["path"]) for e in errors}
    for index, column in enumerate(laptops):
        assert column["type"]
        choice = column["type"] in ("SINGLE_CHOICE", "MULTIPLE_CHOICE")
        assert ("options" not in column) == choice
        assert (("schemas", "nodes", 0, "fields", index, "options") in failing) == choice
