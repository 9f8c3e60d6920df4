"""Hostile documents are refused before validation, in milliseconds, with no upstream call."""

from __future__ import annotations

import time
from typing import Any

import httpx
import pytest
from graphql import get_introspection_query

from gql_server.app import create_app
from gql_server.config import Settings
from gql_server.simulator import Simulator

from ..gateway import Gateway, build_store, open_gateway
from ..live_server import serve

GQLR = "application/graphql-response+json"
# Refusals must cost milliseconds; the bound is generous for a shared, noisy machine.
FAST = 0.5

# 13 fields deep, each level a real link of the schema.
DEEP = (
    "{ values { nodes { resource { schema { resources { nodes { values { nodes "
    "{ resource { schema { resources { nodes { id } } } } } } } } } } } } }"
)
TWELVE_DEEP = (
    "{ values { nodes { resource { schema { resources { nodes { values { nodes "
    "{ resource { schema { resources { totalCount } } } } } } } } } } } }"
)


async def refused(
    gw: Gateway, query: str, limit: str | None = None, *, accept: str = GQLR
) -> dict[str, Any]:
    """Send `query`; it must be refused fast as QUERY_TOO_COMPLEX (naming `limit`)."""
    started = time.perf_counter()
    response = await gw.post(query, headers={"accept": accept})
    elapsed = time.perf_counter() - started
    assert response.status_code == (400 if accept == GQLR else 200), response.text
    body: dict[str, Any] = response.json()
    assert "data" not in body
    [error] = body["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_COMPLEX", error
    if limit is not None:
        assert error["extensions"]["limit"] == limit
    assert elapsed < FAST, f"refused in {elapsed:.3f} s"
    assert gw.sim.total_calls == 0
    return body


@pytest.fixture
async def gw() -> Any:
    async with open_gateway(build_store(schemas=2, resources=4)) as gateway:
        yield gateway


async def test_depth_is_limited(gw: Gateway) -> None:
    body = await refused(gw, DEEP, "depth")
    assert body["errors"][0]["extensions"]["max"] == 12
    assert "13" in body["errors"][0]["message"]
    assert "errors" not in await gw.query(TWELVE_DEEP)


async def test_depth_counts_through_fragments(gw: Gateway) -> None:
    query = """
    { values { nodes { ...V } } }
    fragment V on CustomResourcesValue { resource { schema { resources { nodes { ...R } } } } }
    fragment R on Resource {
      values { nodes { resource { schema { resources { nodes { id } } } } } }
    }
    """
    await refused(gw, query, "depth")


async def test_application_json_refusals_are_200_without_data(gw: Gateway) -> None:
    await refused(gw, DEEP, "depth", accept="application/json")


async def test_aliases_are_limited_and_counted_per_fragment_spread(gw: Gateway) -> None:
    thirty = " ".join(f"a{i}: __typename" for i in range(30))
    assert "errors" not in await gw.query("{ " + thirty + " }")
    await refused(gw, "{ " + thirty + " extra: __typename }", "aliases")
    # Five aliases, spread seven times: 35 aliases when it runs.
    fragment = "fragment F on Query { " + " ".join(f"f{i}: __typename" for i in range(5)) + " }"
    await refused(gw, "{ " + "...F " * 7 + "} " + fragment, "aliases")


async def test_thousands_of_repeated_fields_are_refused_before_validation(gw: Gateway) -> None:
    await refused(gw, "{ schemas { " + "totalCount " * 1900 + "} }", "fields")
    # Same name, different arguments: graphql-core's overlap check takes seconds on these.
    await refused(
        gw, "{ " + " ".join(f"schema(id: {i}) {{ id name }}" for i in range(190)) + " }", "fields"
    )


async def test_fields_in_an_unused_fragment_count_too(gw: Gateway) -> None:
    query = "{ __typename } fragment Unused on SchemaConnection { " + "totalCount " * 600 + "}"
    await refused(gw, query, "fields")


async def test_a_fragment_bomb_is_counted_without_expanding_it(gw: Gateway) -> None:
    # F20 expands to 2**20 fields; each fragment is measured once.
    fragments = ["fragment F0 on Schema { id name }"] + [
        f"fragment F{i} on Schema {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, 21)
    ]
    body = await refused(gw, "{ schemas { nodes { ...F20 } } } " + " ".join(fragments), "fields")
    assert str(2**21 + 2) in body["errors"][0]["message"]


@pytest.mark.parametrize(
    "fragments",
    [
        "fragment A on Schema { id ...A }",
        "fragment A on Schema { id ...B } fragment B on Schema { name ...A }",
        "fragment A on Schema { resources { nodes { schema { ...A } } } }",
    ],
)
async def test_fragment_cycles_end_and_are_validation_errors(gw: Gateway, fragments: str) -> None:
    started = time.perf_counter()
    response = await gw.post("{ schemas { nodes { ...A } } } " + fragments)
    assert time.perf_counter() - started < FAST
    body = response.json()
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "Cannot spread fragment" in body["errors"][0]["message"]
    assert gw.sim.total_calls == 0


async def test_directives_are_limited(gw: Gateway) -> None:
    await refused(gw, "{ __typename " + "@include(if: true) " * 51 + "}", "directives")
    fields = "__typename @skip(if: false) " * 26
    spread = "{ ...F ...F } fragment F on Query { " + fields + "}"
    await refused(gw, spread, "directives")


async def test_tokens_are_limited_comments_included(gw: Gateway) -> None:
    await refused(gw, "{ schemas(ids: [" + "1, " * 2100 + "]) { totalCount } }", "tokens")
    await refused(gw, "#\n" * 2100 + "{ __typename }", "tokens")


async def test_document_length_is_limited(gw: Gateway) -> None:
    padding = " " * 70_000
    body = await refused(gw, "{ __typename }" + padding, "length")
    assert body["errors"][0]["extensions"]["max"] == 65_536


async def test_nesting_too_deep_to_parse_is_refused(gw: Gateway) -> None:
    await refused(gw, "{" + "a{" * 900 + "b" + "}" * 901)
    await refused(gw, "{ schemas(ids: " + "[" * 900 + "]" * 900 + ") { totalCount } }")


async def test_fragment_chains_too_long_to_walk_are_refused() -> None:
    chain = " ".join(f"fragment F{i} on Query {{ ...F{i + 1} }}" for i in range(1500))
    query = "{ ...F0 } " + chain + " fragment F1500 on Query { __typename }"
    async with open_gateway(
        build_store(), gql_max_tokens=20_000, gql_max_document_length=200_000
    ) as gw:
        response = await gw.post(query)
        assert response.status_code == 200
        code = response.json()["errors"][0]["extensions"]["code"]
        assert code in {"QUERY_TOO_COMPLEX", "GRAPHQL_VALIDATION_FAILED"}
        assert gw.sim.total_calls == 0


async def test_limits_are_configurable() -> None:
    async with open_gateway(
        build_store(), gql_max_depth=2, gql_max_aliases=1, gql_max_fields=3, gql_max_tokens=30
    ) as gw:
        await refused(gw, "{ schemas { nodes { id } } }", "depth")
        await refused(gw, "{ a: __typename b: __typename }", "aliases")
        await refused(gw, "{ __typename a: __typename schemas { totalCount } }", "fields")
        await refused(gw, "{ schemas(ids: [" + "1 " * 40 + "]) { totalCount } }", "tokens")
        assert "errors" not in await gw.query("{ schemas { totalCount } }")


async def test_real_queries_fit_the_defaults(gw: Gateway) -> None:
    from gql_server.http.graphiql import EXAMPLE_QUERY

    for query in (
        EXAMPLE_QUERY,
        get_introspection_query(
            descriptions=True,
            specified_by_url=True,
            directive_is_repeatable=True,
            schema_description=True,
            input_value_deprecation=True,
        ),
    ):
        body = await gw.query(query)
        assert "errors" not in body, body


async def test_a_body_over_the_limit_is_413() -> None:
    async with open_gateway(build_store(), gql_max_body_bytes=4096) as gw:
        response = await gw.post("{ __typename }", {"pad": "x" * 5000})
        assert response.status_code == 413
        assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
        assert gw.sim.total_calls == 0


@pytest.mark.parametrize("depth", [1025, 20_000])
async def test_json_nested_too_deeply_is_400(gw: Gateway, depth: int) -> None:
    for body in (b"[" * depth + b"]" * depth, b'{"query": "{ __typename }", "variables": ' * depth):
        response = await gw.http.post(
            "/graphql", content=body, headers={"content-type": "application/json"}
        )
        assert response.status_code == 400
        error = response.json()["errors"][0]
        assert error["extensions"]["code"] == "BAD_REQUEST"
    response = await gw.http.get(
        "/graphql",
        params={"query": "{ __typename }", "variables": '{"a":' * 1100},
        headers={"apollo-require-preflight": "true"},
    )
    assert response.status_code == 400
    assert "nested too deeply" in response.json()["errors"][0]["message"]
    assert gw.sim.total_calls == 0


async def test_deep_json_variables_within_the_parser_limit_are_refused(gw: Gateway) -> None:
    nested = "[" * 1000 + '"1"' + "]" * 1000
    query = "query($ids: [ID!]) { schemas(ids: $ids) { totalCount } }"
    response = await gw.http.post(
        "/graphql",
        content=f'{{"query": "{query}", "variables": {{"ids": {nested}}}}}',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 200
    body = response.json()
    assert "data" not in body
    assert "nested too deeply" in body["errors"][0]["message"]
    assert gw.sim.total_calls == 0


def test_attacks_on_the_live_server_are_refused_fast() -> None:
    """The same refusals over a real socket, as an outside checker sends them."""
    sim = Simulator(build_store(resources=3))
    settings = Settings(
        factorial_base_url="http://127.0.0.1:9", factorial_api_key="k", gql_demo=False
    )
    attacks = [
        "{ schemas { " + "totalCount " * 5000 + "} }",
        "{" + "a{" * 3000 + "}" * 3000 + "}",
        "{ " + " ".join(f"a{i}: schemas {{ totalCount }}" for i in range(200)) + " }",
        DEEP,
    ]
    app = create_app(settings, transport=httpx.ASGITransport(app=sim.app))
    with serve(app) as url, httpx.Client(base_url=url, timeout=10) as client:
        for query in attacks:
            started = time.perf_counter()
            response = client.post("/graphql", json={"query": query}, headers={"accept": GQLR})
            assert time.perf_counter() - started < FAST
            assert response.status_code == 400
            assert response.json()["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"
        response = client.post(
            "/graphql",
            content=b'{"query": "' + b" " * (2 * 1024 * 1024) + b'{ __typename }"}',
            headers={"content-type": "application/json"},
        )
        assert response.status_code == 413
    assert sim.total_calls == 0
