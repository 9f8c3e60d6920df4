"""Automatic persisted queries as Apollo Client speaks them, and the registered-only mode."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pydantic
import pytest

from gql_server.app import create_app
from gql_server.config import Settings
from gql_server.fleet import SharedStore
from gql_server.simulator import Simulator

from ..gateway import Gateway, build_store, open_gateway
from ..redis_server import RedisServer

QUERY = "query Tables { schemas { totalCount nodes { id } } }"
GQLR = "application/graphql-response+json"
PREFLIGHT = {"apollo-require-preflight": "true"}


def sha(query: str) -> str:
    return hashlib.sha256(query.encode()).hexdigest()


def extension(query: str = QUERY, version: int = 1) -> dict[str, Any]:
    return {"persistedQuery": {"version": version, "sha256Hash": sha(query)}}


async def post(
    gw: Gateway, body: dict[str, Any], accept: str = "application/json"
) -> tuple[int, dict[str, Any]]:
    response = await gw.http.post("/graphql", json=body, headers={"accept": accept})
    return response.status_code, response.json()


def code_of(body: dict[str, Any]) -> str:
    code: str = body["errors"][0]["extensions"]["code"]
    return code


async def test_the_apq_round_trip_over_post(gateway: Gateway) -> None:
    status, body = await post(gateway, {"extensions": extension()})
    assert (status, code_of(body)) == (200, "PERSISTED_QUERY_NOT_FOUND")
    assert body["errors"][0]["message"] == "PersistedQueryNotFound"
    assert "data" not in body
    status, body = await post(gateway, {"extensions": extension()}, accept=GQLR)
    assert (status, code_of(body)) == (404, "PERSISTED_QUERY_NOT_FOUND")
    assert gateway.sim.total_calls == 0

    status, body = await post(gateway, {"query": QUERY, "extensions": extension()})
    assert status == 200
    assert body["data"]["schemas"]["totalCount"] == 2

    status, again = await post(gateway, {"extensions": extension(), "operationName": "Tables"})
    assert status == 200
    assert again["data"] == body["data"]


async def test_apq_over_get(gateway: Gateway) -> None:
    params = {"extensions": json.dumps(extension())}
    response = await gateway.http.get("/graphql", params=params, headers=PREFLIGHT)
    assert code_of(response.json()) == "PERSISTED_QUERY_NOT_FOUND"
    response = await gateway.http.get(
        "/graphql", params={**params, "query": QUERY}, headers=PREFLIGHT
    )
    assert response.json()["data"]["schemas"]["totalCount"] == 2
    response = await gateway.http.get("/graphql", params=params, headers=PREFLIGHT)
    assert response.status_code == 200
    assert response.json()["data"]["schemas"]["totalCount"] == 2


async def test_a_stored_mutation_still_needs_post(gateway: Gateway) -> None:
    mutation = 'mutation { createSchema(input: {name: "T", companyId: "1"}) { id } }'
    status, _ = await post(gateway, {"query": mutation, "extensions": extension(mutation)})
    assert status == 200
    calls = gateway.sim.total_calls
    response = await gateway.http.get(
        "/graphql", params={"extensions": json.dumps(extension(mutation))}, headers=PREFLIGHT
    )
    assert response.status_code == 405
    assert gateway.sim.total_calls == calls


async def test_a_hash_that_does_not_match_is_refused(gateway: Gateway) -> None:
    status, body = await post(gateway, {"query": QUERY, "extensions": extension("{ other }")})
    assert (status, code_of(body)) == (400, "BAD_REQUEST")
    status, body = await post(gateway, {"extensions": extension()})
    assert code_of(body) == "PERSISTED_QUERY_NOT_FOUND"  # nothing was stored


@pytest.mark.parametrize(
    "persisted",
    [
        {"version": 2, "sha256Hash": sha(QUERY)},
        {"version": 1},
        "abc",
        {"version": 1, "sha256Hash": 5},
    ],
)
async def test_a_malformed_extension_is_400(gateway: Gateway, persisted: Any) -> None:
    status, body = await post(gateway, {"extensions": {"persistedQuery": persisted}})
    assert (status, code_of(body)) == (400, "BAD_REQUEST")


async def test_only_valid_documents_within_limits_are_stored(gateway: Gateway) -> None:
    for query in ("{ nope }", "{ " + " ".join(f"a{i}: __typename" for i in range(40)) + " }"):
        await post(gateway, {"query": query, "extensions": extension(query)})
        _, body = await post(gateway, {"extensions": extension(query)})
        assert code_of(body) == "PERSISTED_QUERY_NOT_FOUND"


async def test_the_store_is_bounded() -> None:
    async with open_gateway(build_store(), gql_apq_cache_size=2) as gw:
        queries = [f"query Q{i} {{ __typename }}" for i in range(3)]
        for query in queries:
            await post(gw, {"query": query, "extensions": extension(query)})
        _, body = await post(gw, {"extensions": extension(queries[0])})
        assert code_of(body) == "PERSISTED_QUERY_NOT_FOUND"
        _, body = await post(gw, {"extensions": extension(queries[2])})
        assert body["data"] == {"__typename": "Query"}


async def test_persisted_queries_can_be_turned_off() -> None:
    async with open_gateway(build_store(), gql_persisted_queries="off") as gw:
        for body in ({"extensions": extension()}, {"query": QUERY, "extensions": extension()}):
            status, answer = await post(gw, body)
            assert (status, code_of(answer)) == (200, "PERSISTED_QUERY_NOT_SUPPORTED")
        status, answer = await post(gw, {"extensions": extension()}, accept=GQLR)
        assert status == 400
        assert (await post(gw, {"query": QUERY}))[1]["data"]["schemas"]["totalCount"] == 1


@pytest.fixture
def manifest(tmp_path: Path) -> Path:
    path = tmp_path / "persisted-query-manifest.json"
    operations = [
        {"id": sha(QUERY), "name": "Tables", "type": "query", "body": QUERY},
        {"id": "custom-id-1", "name": "Typename", "type": "query", "body": "{ __typename }"},
    ]
    path.write_text(
        json.dumps(
            {"format": "apollo-persisted-query-manifest", "version": 1, "operations": operations}
        )
    )
    return path


async def test_registered_only_mode_runs_the_manifest_and_nothing_else(manifest: Path) -> None:
    async with open_gateway(
        build_store(), gql_persisted_queries="registered", gql_persisted_query_manifest=manifest
    ) as gw:
        _, body = await post(gw, {"extensions": extension()})
        assert body["data"]["schemas"]["totalCount"] == 1
        custom = {"persistedQuery": {"version": 1, "sha256Hash": "custom-id-1"}}
        assert (await post(gw, {"extensions": custom}))[1]["data"] == {"__typename": "Query"}
        assert (await post(gw, {"query": QUERY}))[1]["data"]["schemas"]["totalCount"] == 1
        calls = gw.sim.total_calls

        other = "{ schemas { nodes { id name } } }"
        _, body = await post(gw, {"extensions": extension(other)})
        assert code_of(body) == "PERSISTED_QUERY_NOT_FOUND"
        for request in ({"query": other}, {"query": other, "extensions": extension(other)}):
            status, body = await post(gw, request)
            assert (status, code_of(body)) == (200, "OPERATION_NOT_REGISTERED")
            status, body = await post(gw, request, accept=GQLR)
            assert (status, code_of(body)) == (403, "OPERATION_NOT_REGISTERED")
        _, body = await post(gw, {"extensions": extension(other)})
        assert code_of(body) == "PERSISTED_QUERY_NOT_FOUND"  # not registered by trying
        assert gw.sim.total_calls == calls


async def test_the_manifest_also_seeds_automatic_mode(manifest: Path) -> None:
    async with open_gateway(build_store(), gql_persisted_query_manifest=manifest) as gw:
        custom = {"persistedQuery": {"version": 1, "sha256Hash": "custom-id-1"}}
        assert (await post(gw, {"extensions": custom}))[1]["data"] == {"__typename": "Query"}
        assert (await post(gw, {"query": "{ schemas { totalCount } }"}))[0] == 200


def test_registered_mode_needs_a_readable_manifest(tmp_path: Path) -> None:
    with pytest.raises(pydantic.ValidationError, match="MANIFEST"):
        Settings(gql_persisted_queries="registered")
    bad = tmp_path / "manifest.json"
    bad.write_text('{"operations": []}')
    with pytest.raises(ValueError, match="apollo-persisted-query-manifest"):
        create_app(Settings(gql_persisted_query_manifest=bad))
    with pytest.raises(ValueError, match="cannot read"):
        create_app(Settings(gql_persisted_query_manifest=tmp_path / "missing.json"))


async def test_a_hash_registered_through_one_process_is_known_to_all(
    redis_server: RedisServer,
) -> None:
    sim = Simulator(build_store(schemas=2))
    async with (
        open_gateway(sim, gql_redis_url=redis_server.url) as one,
        open_gateway(sim, gql_redis_url=redis_server.url) as two,
    ):
        status, body = await post(one, {"query": QUERY, "extensions": extension()})
        assert status == 200 and body["data"]["schemas"]["totalCount"] == 2
        status, again = await post(two, {"extensions": extension()})
        assert status == 200
        assert again["data"] == body["data"]


async def test_a_hash_of_another_text_in_redis_is_not_run(redis_server: RedisServer) -> None:
    """Only a text whose SHA-256 is the hash runs, whatever the key holds."""
    store = SharedStore(redis_server.url)
    other = "{ __typename }"
    await store.call(lambda redis: redis.set(store.key("apq", sha(QUERY)), other.encode()))
    await store.close()
    async with open_gateway(build_store(), gql_redis_url=redis_server.url) as gw:
        status, body = await post(gw, {"extensions": extension()})
    assert (status, code_of(body)) == (200, "PERSISTED_QUERY_NOT_FOUND")


async def test_with_redis_down_each_process_keeps_its_own(redis_server: RedisServer) -> None:
    sim = Simulator(build_store(schemas=2))
    async with (
        open_gateway(sim, gql_redis_url=redis_server.url) as one,
        open_gateway(sim, gql_redis_url=redis_server.url) as two,
    ):
        redis_server.stop()
        status, body = await post(one, {"query": QUERY, "extensions": extension()})
        assert status == 200 and body["data"]["schemas"]["totalCount"] == 2
        status, again = await post(one, {"extensions": extension()})
        assert status == 200 and again["data"] == body["data"]
        # The other process never heard of it: the client sends the query, as Apollo's does.
        status, unknown = await post(two, {"extensions": extension()})
        assert (status, code_of(unknown)) == (200, "PERSISTED_QUERY_NOT_FOUND")
        status, sent = await post(two, {"query": QUERY, "extensions": extension()})
        assert status == 200 and sent["data"] == body["data"]
        status, again = await post(two, {"extensions": extension()})
        assert status == 200 and again["data"] == body["data"]
