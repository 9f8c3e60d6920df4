"""A query level costs ceil(distinct keys / 100) upstream calls, whatever the number of parents."""

from __future__ import annotations

import pytest

from gql_server.simulator import Simulator

from ..gateway import build_store, open_gateway

VALUES_WITH_OWNERS = "{ values(first: 100) { nodes { id resource { id schema { id name } } } } }"


@pytest.mark.parametrize("resources", [1, 100])
async def test_values_with_resource_and_schema_cost_three_calls(resources: int) -> None:
    store = build_store(schemas=3, resources=resources, values_per_resource=100 // resources)
    async with open_gateway(store) as gw:
        data = await gw.data(VALUES_WITH_OWNERS)
        nodes = data["values"]["nodes"]
        assert len(nodes) == 100
        assert len({n["resource"]["id"] for n in nodes}) == resources
        for node in nodes:
            value = store.values[int(node["id"])]
            assert node["resource"]["id"] == str(value.resource_id)
            schema = store.schemas[store.resources[value.resource_id].schema_id]
            assert node["resource"]["schema"] == {"id": str(schema.id), "name": schema.name}
        assert gw.sim.total_calls == 3
        assert gw.sim.calls == {
            "GET custom_resources/values": 1,
            "GET custom_resources/resources": 1,
            "GET custom_resources/schemas": 1,
        }


async def test_a_by_id_batch_is_split_into_calls_of_at_most_100_ids() -> None:
    store = build_store(resources=250)
    # 250 aliases in one document: past the default operation limits, raised here.
    async with open_gateway(store, gql_max_aliases=250, gql_max_tokens=5000) as gw:
        ids = [str(i) for i in store.resources]
        aliases = " ".join(f'r{i}: resource(id: "{rid}") {{ id }}' for i, rid in enumerate(ids))
        data = await gw.data("{ " + aliases + " }")
        assert [data[f"r{i}"]["id"] for i in range(len(ids))] == ids
        assert gw.sim.total_calls == 3
        batches = [[v for k, v in call.params if k == "ids[]"] for call in gw.sim.call_log]
        assert sorted(len(b) for b in batches) == [50, 100, 100]
        assert sorted(i for b in batches for i in b) == sorted(ids)


async def test_repeated_and_int_like_ids_share_one_cache_entry() -> None:
    store = build_store(resources=3)
    async with open_gateway(store) as gw:
        rid = str(next(iter(store.resources)))
        data = await gw.data(
            f'{{ a: resource(id: "{rid}") {{ id }} b: resource(id: {rid}) {{ id }} '
            f'c: resource(id: " {rid}") {{ id }} }}'
        )
        assert data == {"a": {"id": rid}, "b": {"id": rid}, "c": {"id": rid}}
        assert gw.sim.total_calls == 1
        assert [v for k, v in gw.sim.call_log[0].params if k == "ids[]"] == [rid]


async def test_rows_read_by_a_list_are_primed_into_the_by_id_loaders() -> None:
    store = build_store(resources=5, values_per_resource=2)
    async with open_gateway(store) as gw:
        data = await gw.data(
            "{ resources(first: 5) { nodes { id values { nodes { id resource { id } } } } } }"
        )
        for node in data["resources"]["nodes"]:
            assert {v["resource"]["id"] for v in node["values"]["nodes"]} == {node["id"]}
        # value.resource finds every resource already read by the list: no by-id call.
        assert gw.sim.calls == {
            "GET custom_resources/resources": 1,
            "GET custom_resources/values": 1,
        }


async def test_a_failed_batch_fails_only_its_own_keys() -> None:
    from gql_server.simulator import Fault

    store = build_store(resources=150)
    sim = Simulator(store)
    async with open_gateway(sim, gql_max_aliases=150, gql_max_tokens=5000) as gw:
        ids = [str(i) for i in store.resources]
        # The first by-id call fails; the second batch of 50 ids still resolves.
        sim.inject(Fault(route="custom_resources/resources", status=500, times=1))
        aliases = " ".join(f'r{i}: resource(id: "{rid}") {{ id }}' for i, rid in enumerate(ids))
        body = await gw.query("{ " + aliases + " }")
        resolved = [k for k, v in body["data"].items() if v is not None]
        failed = {e["path"][0] for e in body["errors"]}
        assert len(resolved) == 50 and len(failed) == 100
        assert {e["extensions"]["code"] for e in body["errors"]} == {"UPSTREAM_UNAVAILABLE"}
