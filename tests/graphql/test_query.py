"""The Query root: records by id, filtered connections, links, pagination."""

from __future__ import annotations

from typing import Any

import pytest

from gql_server.simulator import Simulator, SimulatorStore

from ..gateway import Gateway, build_store, open_gateway

ALL_FIELDS = """
query One($s: ID!, $r: ID!, $v: ID!) {
  schema(id: $s) { id name companyId hidden position }
  resource(id: $r) {
    id schemaId attachableType attachableId name companyId createdAt updatedAt
  }
  value(id: $v) { id resourceId attachableId }
}
"""


async def test_every_field_of_the_three_types(gateway: Gateway, store: SimulatorStore) -> None:
    schema = next(iter(store.schemas.values()))
    resource = next(iter(store.resources.values()))
    value = next(iter(store.values.values()))
    data = await gateway.data(
        ALL_FIELDS, {"s": str(schema.id), "r": str(resource.id), "v": str(value.id)}
    )
    assert data["schema"] == {
        "id": str(schema.id),
        "name": schema.name,
        "companyId": str(store.company_id),
        "hidden": schema.hidden,
        "position": schema.position,
    }
    got = data["resource"]
    assert got["id"] == str(resource.id)
    assert got["schemaId"] == str(resource.schema_id)
    assert got["attachableType"] == "Employee"
    assert got["attachableId"] == str(resource.attachable_id)
    assert got["companyId"] == str(store.company_id)
    assert got["createdAt"].startswith(resource.created_at.isoformat()[:19])
    assert got["updatedAt"] is not None
    assert got["name"]  # the community SDK's field, sent by the simulator
    assert data["value"] == {
        "id": str(value.id),
        "resourceId": str(value.resource_id),
        "attachableId": str(value.attachable_id),
    }


async def test_absent_records_are_null_without_errors(gateway: Gateway) -> None:
    body = await gateway.query('{ schema(id: "999999") { id } value(id: "424242") { id } }')
    assert body["data"] == {"schema": None, "value": None}
    assert "errors" not in body


async def test_links_in_both_directions(gateway: Gateway, store: SimulatorStore) -> None:
    data = await gateway.data(
        "{ schemas { nodes { id resources { totalCount nodes { id schema { id } "
        "values { totalCount nodes { id resource { id } } } } } } } }"
    )
    for schema in data["schemas"]["nodes"]:
        expected = [r for r in store.resources.values() if str(r.schema_id) == schema["id"]]
        assert schema["resources"]["totalCount"] == len(expected)
        assert [r["id"] for r in schema["resources"]["nodes"]] == [str(r.id) for r in expected]
        for resource in schema["resources"]["nodes"]:
            assert resource["schema"]["id"] == schema["id"]
            rows = [v for v in store.values.values() if str(v.resource_id) == resource["id"]]
            assert resource["values"]["totalCount"] == len(rows)
            assert [v["id"] for v in resource["values"]["nodes"]] == [str(v.id) for v in rows]
            assert all(v["resource"]["id"] == resource["id"] for v in resource["values"]["nodes"])


async def test_values_of_a_non_employee_owner_come_from_the_whole_collection() -> None:
    store = build_store(resources=4, values_per_resource=3, owner_type="Team")
    async with open_gateway(store) as gw:
        data = await gw.data("{ resources { nodes { id values { nodes { resourceId } } } } }")
        for node in data["resources"]["nodes"]:
            assert [v["resourceId"] for v in node["values"]["nodes"]] == [node["id"]] * 3
        assert gw.sim.calls == {
            "GET custom_resources/resources": 1,
            "GET custom_resources/values": 1,
        }
        assert all(not any(k == "employee_ids[]" for k, _ in c.params) for c in gw.sim.call_log)


async def test_filters_are_passed_upstream(gateway: Gateway, store: SimulatorStore) -> None:
    resource = next(iter(store.resources.values()))
    employee = str(resource.attachable_id)
    data = await gateway.data(
        "query($e: [ID!]) { resources(employeeIds: $e) { totalCount nodes { attachableId } } "
        "values(employeeIds: $e) { totalCount nodes { attachableId } } }",
        {"e": [employee]},
    )
    owned = [r for r in store.resources.values() if r.attachable_id == resource.attachable_id]
    assert data["resources"]["totalCount"] == len(owned)
    assert {n["attachableId"] for n in data["resources"]["nodes"]} == {employee}
    assert {n["attachableId"] for n in data["values"]["nodes"]} == {employee}
    ids = [str(i) for i in list(store.schemas)[:1]]
    data = await gateway.data(
        "query($ids: [ID!]) { schemas(ids: $ids) { totalCount nodes { id } } }", {"ids": ids}
    )
    assert data["schemas"] == {"totalCount": 1, "nodes": [{"id": ids[0]}]}


async def walk(gw: Gateway, field: str, first: int) -> list[dict[str, Any]]:
    """Page a connection with endCursor as Apollo's relayStylePagination does."""
    seen: list[dict[str, Any]] = []
    after = None
    for _ in range(1000):
        data = await gw.data(
            f"query($first: Int, $after: String) {{ {field}(first: $first, after: $after) "
            "{ totalCount edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }",
            {"first": first, "after": after},
        )
        page = data[field]
        seen.extend(e["node"] for e in page["edges"])
        if not page["pageInfo"]["hasNextPage"]:
            return seen
        after = page["pageInfo"]["endCursor"]
    raise AssertionError("pagination did not end")


@pytest.mark.parametrize("first", [1, 7, 100])
async def test_paging_a_connection_visits_every_record_once(first: int) -> None:
    store = build_store(resources=23, values_per_resource=11)
    async with open_gateway(store) as gw:
        seen = await walk(gw, "values", first)
        assert [n["id"] for n in seen] == [str(i) for i in sorted(store.values)]
        pages = -(-len(store.values) // first)
        # One upstream call a page: an edge cursor is its record id, which after_id takes.
        assert gw.sim.total_calls == pages


async def test_any_edge_cursor_resumes_right_after_its_edge(gateway: Gateway) -> None:
    data = await gateway.data("{ values(first: 5) { edges { cursor node { id } } } }")
    edges = data["values"]["edges"]
    resumed = await gateway.data(
        "query($a: String) { values(first: 3, after: $a) { nodes { id } } }",
        {"a": edges[1]["cursor"]},
    )
    assert [n["id"] for n in resumed["values"]["nodes"]] == [e["node"]["id"] for e in edges[2:5]]


async def test_derived_connections_page_too(gateway: Gateway, store: SimulatorStore) -> None:
    schema = next(iter(store.schemas))
    query = (
        "query($s: ID!, $a: String) { schema(id: $s) { resources(first: 2, after: $a) "
        "{ totalCount nodes { id } pageInfo { hasNextPage hasPreviousPage endCursor } } } }"
    )
    first = (await gateway.data(query, {"s": str(schema), "a": None}))["schema"]["resources"]
    second = (await gateway.data(query, {"s": str(schema), "a": first["pageInfo"]["endCursor"]}))[
        "schema"
    ]["resources"]
    expected = [str(r.id) for r in store.resources.values() if r.schema_id == schema]
    assert [n["id"] for n in first["nodes"] + second["nodes"]] == expected[:4]
    assert first["pageInfo"]["hasNextPage"] is True
    assert second["pageInfo"]["hasPreviousPage"] is True
    assert first["totalCount"] == len(expected)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ('{ values(after: "not a cursor") { nodes { id } } }', "after"),
        ("{ values(first: -1) { nodes { id } } }", "first"),
        ('{ schemas(ids: [""]) { nodes { id } } }', "ids"),
        (
            "{ resources(employeeIds: [" + ",".join(['"1"'] * 101) + "]) { nodes { id } } }",
            "employeeIds",
        ),
    ],
)
async def test_bad_arguments_are_refused_before_any_upstream_call(
    gateway: Gateway, query: str, field: str
) -> None:
    body = await gateway.query(query)
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == field
    assert field in error["message"]
    assert gateway.sim.total_calls == 0


async def test_first_above_100_is_refused_never_cut() -> None:
    async with open_gateway(build_store(resources=150)) as gw:
        data = await gw.data("{ resources(first: 100) { nodes { id } pageInfo { hasNextPage } } }")
        assert len(data["resources"]["nodes"]) == 100
        assert data["resources"]["pageInfo"]["hasNextPage"] is True
        assert gw.sim.total_calls == 1
        body = await gw.query("{ resources(first: 500) { nodes { id } } }")
        assert body["data"] == {"resources": None}
        [error] = body["errors"]
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "first"}
        assert "at most 100" in error["message"] and "endCursor" in error["message"]
        assert gw.sim.total_calls == 1


async def test_without_any_credential_fields_fail_unauthenticated_and_nothing_is_called() -> None:
    sim = Simulator(build_store())
    async with open_gateway(sim, factorial_api_key=None) as gw:
        body = await gw.query("{ schemas { nodes { id } } }")
        assert body["data"] == {"schemas": None}
        assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        assert sim.total_calls == 0


async def test_the_callers_credential_is_forwarded_instead_of_the_servers() -> None:
    sim = Simulator(build_store(), api_keys={"caller-key"}, access_tokens={"caller-token"})
    async with open_gateway(sim) as gw:
        # The server's own key is not accepted by this upstream: only the callers' are.
        body = await gw.query("{ schemas { totalCount } }")
        assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        ok = await gw.query("{ schemas { totalCount } }", headers={"x-api-key": "caller-key"})
        assert ok["data"]["schemas"]["totalCount"] == 1
        ok = await gw.query(
            "{ schemas { totalCount } }", headers={"authorization": "Bearer caller-token"}
        )
        assert ok["data"]["schemas"]["totalCount"] == 1
        assert [c.credential_kind for c in sim.call_log] == ["api_key", "api_key", "bearer"]
