"""Callers never see each other's data: per-request loaders, credential-keyed sharing."""

from __future__ import annotations

import asyncio
import random

from gql_server.simulator import Simulator

from .gateway import build_store, open_gateway

TENANTS = ("alpha", "beta", "gamma")
QUERY = """
{ schemas { nodes { id name resources { nodes { id attachableId
    values { nodes { id resource { id schema { name } } } } } } } }
  values(first: 20) { nodes { id resource { schema { name } } } } }
"""


async def test_three_tenants_with_the_same_ids_never_mix() -> None:
    # Same shapes, so the same ids exist in every tenant, with different names and owners.
    stores = {
        name: build_store(
            schemas=3,
            resources=12,
            values_per_resource=2,
            name_prefix=name,
            owner_start=1000 * (i + 1),
        )
        for i, name in enumerate(TENANTS)
    }
    sim = Simulator(build_store(name_prefix="default"), tenants=stores)
    sim.latency = 0.01  # let requests overlap in flight
    rng = random.Random(7)
    async with open_gateway(sim, factorial_api_key=None) as gw:
        wrong = 0
        for _ in range(5):
            callers = [rng.choice(TENANTS) for _ in range(30)]
            bodies = await asyncio.gather(
                *(gw.query(QUERY, headers={"x-api-key": tenant}) for tenant in callers)
            )
            for tenant, body in zip(callers, bodies, strict=True):
                assert "errors" not in body
                names: list[str] = []
                owners: list[int] = []
                for schema in body["data"]["schemas"]["nodes"]:
                    names.append(schema["name"])
                    for resource in schema["resources"]["nodes"]:
                        owners.append(int(resource["attachableId"]))
                        for value in resource["values"]["nodes"]:
                            names.append(value["resource"]["schema"]["name"])
                for value in body["data"]["values"]["nodes"]:
                    names.append(value["resource"]["schema"]["name"])
                wrong += sum(not n.startswith(tenant) for n in names)
                low = 1000 * (TENANTS.index(tenant) + 1)
                wrong += sum(not low <= o < low + 1000 for o in owners)
                assert len(names) > 30
        assert wrong == 0
    assert sim.total_calls > 0
