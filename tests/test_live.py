"""The gateway on a real port, configured by environment, over a simulator on another port."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from gql_server.app import create_app
from gql_server.config import Settings
from gql_server.simulator import Simulator

from .gateway import build_store
from .live_server import serve

HUGE = 18_000_000_000_000_001  # ids of new Factorial clusters: beyond 2**53
NESTED = """
{ schemas { nodes { id name resources { nodes { id schemaId attachableId
    values { totalCount nodes { id resourceId resource { id } } } } } } } }
"""


@pytest.fixture
def upstream() -> Iterator[tuple[str, Simulator]]:
    store = build_store(
        schemas=2, resources=6, values_per_resource=3, id_start=HUGE, owner_start=HUGE * 2
    )
    sim = Simulator(store, api_keys={"live-key"})
    with serve(sim.app) as url:
        yield url, sim


@pytest.mark.parametrize("version", ["2026-04-01", "2026-10-01"])
def test_nested_query_against_a_factorial_compatible_server(
    upstream: tuple[str, Simulator], version: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, sim = upstream
    monkeypatch.setenv("FACTORIAL_BASE_URL", url)
    monkeypatch.setenv("FACTORIAL_API_KEY", "live-key")
    monkeypatch.setenv("FACTORIAL_API_VERSION", version)
    settings = Settings()
    assert not settings.demo
    with serve(create_app(settings)) as gateway_url:
        response = httpx.post(f"{gateway_url}/graphql", json={"query": NESTED}, timeout=10)
    assert response.status_code == 200
    body = response.json()
    assert "errors" not in body
    store = sim.store
    schemas = body["data"]["schemas"]["nodes"]
    assert [s["id"] for s in schemas] == [str(i) for i in store.schemas]
    for schema in schemas:
        for resource in schema["resources"]["nodes"]:
            row = store.resources[int(resource["id"])]
            assert resource["schemaId"] == schema["id"] == str(row.schema_id)
            assert resource["attachableId"] == str(row.attachable_id)
            rows = [str(v.id) for v in store.values.values() if v.resource_id == row.id]
            assert [v["id"] for v in resource["values"]["nodes"]] == rows
            assert all(int(v["id"]) > 2**53 for v in resource["values"]["nodes"])
    # schemas, resources (one read, grouped), values by employee: one call each.
    assert sim.calls == {
        "GET custom_resources/schemas": 1,
        "GET custom_resources/resources": 1,
        "GET custom_resources/values": 1,
    }
    assert body["extensions"]["upstream"]["calls"] == 3
    ids_sent = [v for c in sim.call_log for k, v in c.params if k == "employee_ids[]"]
    assert sorted(ids_sent) == sorted({str(r.attachable_id) for r in store.resources.values()})
