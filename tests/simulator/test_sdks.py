"""Both Factorial SDKs on PyPI read the simulator, on a real port, as they read Factorial.

`factorialhr` (community, 2026-04-01, integer ids, `page=` offset pagination fetched in
parallel) and `factorial-api-client` (official, 2026-10-01, string ids, `after_id` cursors).
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import factorialhr
import pytest
from factorial_api_client import FactorialClient  # type: ignore[import-untyped]
from factorial_api_client.generated.models import (  # type: ignore[import-untyped]
    PostApi20261001ResourcesCustomResourcesSchemasBody as SchemaBody,
)
from factorial_api_client.generated.models import (
    PostApi20261001ResourcesCustomResourcesValuesBody as ValueBody,
)

from gql_server.simulator import Simulator, SimulatorStore, build_demo_store
from tests.live_server import serve

SDK_KEY = "sdk-key"
SDK_TOKEN = "sdk-token"
HUGE = 18_000_000_000_000_001
COUNT = 250  # three pages of 100


@pytest.fixture(scope="module")
def big_store() -> SimulatorStore:
    return build_demo_store(schemas=COUNT, resources=COUNT, values_per_resource=1, id_start=HUGE)


@pytest.fixture
def sim(big_store: SimulatorStore) -> Simulator:
    return Simulator(big_store, api_keys={SDK_KEY}, access_tokens={SDK_TOKEN})


@pytest.fixture
def base_url(sim: Simulator) -> Iterator[str]:
    with serve(sim.app) as url:
        yield url


def pages_sent(sim: Simulator, route: str) -> list[str]:
    return sorted(v for r in sim.call_log if r.route == route for k, v in r.params if k == "page")


# factorialhr (2026-04-01)


def community(base_url: str, *, bearer: bool = False) -> factorialhr.ApiClient:
    auth: factorialhr.ApiKeyAuth | factorialhr.AccessTokenAuth = (
        factorialhr.AccessTokenAuth(SDK_TOKEN) if bearer else factorialhr.ApiKeyAuth(SDK_KEY)
    )
    return factorialhr.ApiClient(base_url, auth=auth)


async def test_community_all_walks_every_page(
    base_url: str, sim: Simulator, big_store: SimulatorStore
) -> None:
    async with community(base_url) as api:
        schemas = list((await factorialhr.CustomResourcesSchemasEndpoint(api).all()).data())
        resources = list((await factorialhr.ResourcesEndpoint(api).all()).data())
        values = list((await factorialhr.CustomResourcesValuesEndpoint(api).all()).data())
    assert [s.id for s in schemas] == sorted(big_store.schemas)
    assert [r.id for r in resources] == sorted(big_store.resources)
    assert [v.id for v in values] == sorted(big_store.values)
    assert schemas[0].id == HUGE  # exact beyond 2**53
    assert schemas[0].name == "Laptops"
    assert (
        resources[0].name == big_store.schemas[big_store.resources[resources[0].id].schema_id].name
    )
    assert resources[0].created_at.tzinfo is not None
    assert values[0].resource_id in big_store.resources
    pages = math.ceil(COUNT / 100)
    assert sim.calls["GET custom_resources/schemas"] == pages
    assert pages_sent(sim, "custom_resources/schemas") == ["1", "2", "3"]


async def test_community_get_reads_one_page_with_meta(base_url: str) -> None:
    async with community(base_url, bearer=True) as api:
        page = await factorialhr.CustomResourcesValuesEndpoint(api).get(params={"limit": 10})
        second = await factorialhr.CustomResourcesValuesEndpoint(api).get(
            params={"limit": 10, "page": 2}
        )
    assert page.meta.total == COUNT
    assert page.meta.limit == 10
    assert page.meta.has_next_page is True
    assert page.meta.has_previous_page is False
    first_ids = [v.id for v in page.data()]
    second_ids = [v.id for v in second.data()]
    assert len(first_ids) == len(second_ids) == 10
    assert max(first_ids) < min(second_ids)


async def test_community_get_by_id_and_filters(base_url: str, big_store: SimulatorStore) -> None:
    resource = next(iter(big_store.resources.values()))
    value = next(iter(big_store.values.values()))
    async with community(base_url) as api:
        schema = await factorialhr.CustomResourcesSchemasEndpoint(api).get_by_id(HUGE)
        got_resource = await factorialhr.ResourcesEndpoint(api).get_by_id(resource.id)
        got_value = await factorialhr.CustomResourcesValuesEndpoint(api).get_by_id(str(value.id))
        by_ids = await factorialhr.CustomResourcesSchemasEndpoint(api).all(
            params={"ids[]": [HUGE, HUGE + 1]}
        )
    assert (schema.id, schema.name, schema.hidden) == (
        HUGE,
        "Laptops",
        big_store.schemas[HUGE].hidden,
    )
    assert got_resource.id == resource.id
    assert (got_value.id, got_value.resource_id, got_value.attachable_id) == (
        value.id,
        value.resource_id,
        value.attachable_id,
    )
    assert [s.id for s in by_ids.data()] == [HUGE, HUGE + 1]


async def test_community_creates() -> None:
    store = build_demo_store()
    sim = Simulator(store)
    with serve(sim.app) as url:
        async with community(url) as api:
            schema = await factorialhr.CustomResourcesSchemasEndpoint(api).create(
                {"name": "Parking spots", "company_id": 1, "hidden": False, "position": 9}
            )
            value = await factorialhr.CustomResourcesValuesEndpoint(api).create(
                {"schema_id": schema.id, "employee_id": 1001, "field_id": 77, "value": "P-12"}
            )
    assert (schema.name, schema.company_id, schema.hidden, schema.position) == (
        "Parking spots",
        1,
        False,
        9,
    )
    assert store.schemas[schema.id].name == "Parking spots"
    assert value.attachable_id == 1001
    assert store.resources[value.resource_id].schema_id == schema.id
    new_cells = [c for c in store.cells if c.valuable_id == value.id]
    assert [(c.field_id, c.value) for c in new_cells] == [(77, "P-12")]


# factorial-api-client (2026-10-01)


@pytest.fixture
def official(base_url: str) -> Iterator[FactorialClient]:
    client = FactorialClient(api_key=SDK_KEY, base_url=base_url)
    yield client
    client._client.get_httpx_client().close()


def test_official_all_follows_end_cursors(
    official: FactorialClient, sim: Simulator, big_store: SimulatorStore
) -> None:
    schemas = official.custom_resources.schemas.all()
    resources = official.custom_resources.resources.all(limit=40)
    values = official.custom_resources.values.all()
    assert [s.id for s in schemas] == [str(i) for i in sorted(big_store.schemas)]
    assert [r.id for r in resources] == [str(i) for i in sorted(big_store.resources)]
    assert [v.id for v in values] == [str(i) for i in sorted(big_store.values)]
    assert schemas[0].id == str(HUGE)
    assert schemas[0].company_id == "1"
    first = resources[0]
    assert first.schema_id == str(big_store.resources[int(first.id)].schema_id)
    assert first["name"]  # the community fields ride along as additional properties
    assert sim.calls["GET custom_resources/resources"] == math.ceil(COUNT / 40)
    cursors = [
        dict(r.params).get("after_id") for r in sim.call_log if r.route.endswith("resources")
    ]
    assert cursors[0] is None
    assert all(cursors[1:])


def test_official_list_and_filters(official: FactorialClient, big_store: SimulatorStore) -> None:
    page = official.custom_resources.values.list()
    assert len(page.data) == 100
    assert page.meta.total == COUNT
    assert page.meta.has_next_page is True
    assert page.meta.limit == 100
    employee = next(
        r.attachable_id for r in big_store.resources.values() if r.attachable_type == "Employee"
    )
    owned = official.custom_resources.resources.list(employee_ids=[str(employee)])
    assert owned.data
    assert {r.attachable_id for r in owned.data} == {str(employee)}
    by_ids = official.custom_resources.schemas.list(ids=[str(HUGE + 1), str(HUGE)])
    assert [s.id for s in by_ids.data] == [str(HUGE), str(HUGE + 1)]


def test_official_get_by_id(official: FactorialClient, big_store: SimulatorStore) -> None:
    resource = next(iter(big_store.resources.values()))
    value = next(iter(big_store.values.values()))
    schema = official.custom_resources.schemas.get(str(HUGE))
    got_resource = official.custom_resources.resources.get(str(resource.id))
    got_value = official.custom_resources.values.get(str(value.id))
    assert (schema.id, schema.name) == (str(HUGE), "Laptops")
    assert (got_resource.id, got_resource.attachable_type) == (
        str(resource.id),
        resource.attachable_type,
    )
    assert (got_value.resource_id, got_value.attachable_id) == (
        str(value.resource_id),
        str(value.attachable_id),
    )


async def test_official_async_paginate(
    official: FactorialClient, big_store: SimulatorStore
) -> None:
    seen = [v.id async for v in await official.custom_resources.values.paginate_async(limit=90)]
    assert seen == [str(i) for i in sorted(big_store.values)]


def test_official_creates_with_a_bearer_token() -> None:
    store = build_demo_store()
    sim = Simulator(store, access_tokens={SDK_TOKEN})
    with serve(sim.app) as url:
        client = FactorialClient(token=SDK_TOKEN, base_url=url)
        schema = client.custom_resources.schemas.create(
            body=SchemaBody(name="Parking spots", company_id="1", hidden=True)
        )
        value = client.custom_resources.values.create(
            body=ValueBody(schema_id=schema.id, employee_id="1001", field_id="77", value="P-12")
        )
        client._client.get_httpx_client().close()
    assert (schema.name, schema.company_id, schema.hidden) == ("Parking spots", "1", True)
    assert isinstance(schema.id, str)
    assert value.attachable_id == "1001"
    assert store.resources[int(value.resource_id)].schema_id == int(schema.id)
    assert {r.credential_kind for r in sim.call_log} == {"bearer"}
