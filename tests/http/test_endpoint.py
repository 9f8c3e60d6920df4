"""The /graphql endpoint as HTTP clients and browsers see it."""

from __future__ import annotations

import json

import pytest

from ..gateway import Gateway

SMALL = "{ schemas { totalCount nodes { id name } } }"
# What Apollo Client sends with a GET; without it a GET acting with the server's key is refused
# as a possible cross-site request (tests/http/test_security.py).
PREFLIGHT = {"content-type": "application/json"}


async def test_post_json(gateway: Gateway) -> None:
    response = await gateway.post(SMALL)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["data"]["schemas"]["totalCount"] == 2
    assert body["extensions"]["upstream"]["calls"] == 1
    assert response.headers["x-request-id"]


async def test_get_query_with_variables(gateway: Gateway) -> None:
    response = await gateway.http.get(
        "/graphql",
        params={
            "query": "query($ids: [ID!]) { schemas(ids: $ids) { nodes { id } } }",
            "variables": json.dumps({"ids": ["1"]}),
        },
        headers=PREFLIGHT,
    )
    assert response.status_code == 200
    assert response.json()["data"]["schemas"]["nodes"] == [{"id": "1"}]


async def test_mutations_are_refused_over_get(gateway: Gateway) -> None:
    query = 'mutation { createSchema(input: {name: "x", companyId: "1"}) { id } }'
    response = await gateway.http.get("/graphql", params={"query": query}, headers=PREFLIGHT)
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert gateway.sim.total_calls == 0


async def test_browsers_get_graphiql(gateway: Gateway) -> None:
    response = await gateway.http.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()
    assert "query Tables" in response.text  # our example query is the default


async def test_healthz_never_calls_upstream(gateway: Gateway) -> None:
    response = await gateway.http.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert gateway.sim.total_calls == 0


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        ("application/graphql-response+json", "application/graphql-response+json"),
        ("application/json", "application/json"),
        ("*/*", "application/json"),
        ("", "application/json"),
        (
            "application/json;q=0.5, application/graphql-response+json",
            "application/graphql-response+json",
        ),
    ],
)
async def test_content_negotiation(gateway: Gateway, accept: str, media_type: str) -> None:
    response = await gateway.post(SMALL, headers={"accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type


async def test_unacceptable_accept_is_406(gateway: Gateway) -> None:
    response = await gateway.post(SMALL, headers={"accept": "text/plain"})
    assert response.status_code == 406


@pytest.mark.parametrize(
    ("accept", "status"), [("application/json", 200), ("application/graphql-response+json", 400)]
)
async def test_invalid_documents(gateway: Gateway, accept: str, status: int) -> None:
    for query, code in [
        ("{ schemas {", "GRAPHQL_PARSE_FAILED"),
        ("{ nope }", "GRAPHQL_VALIDATION_FAILED"),
    ]:
        response = await gateway.post(query, headers={"accept": accept})
        assert response.status_code == status
        body = response.json()
        assert "data" not in body
        assert body["errors"][0]["extensions"]["code"] == code
    assert gateway.sim.total_calls == 0


@pytest.mark.parametrize(
    ("content", "content_type", "status"),
    [
        (b"{not json", "application/json", 400),
        (b"[1, 2]", "application/json", 400),
        (b'{"query": 5}', "application/json", 400),
        (b'{"query": "{ schemas { totalCount } }", "variables": [1]}', "application/json", 400),
        (b"query=x", "application/x-www-form-urlencoded", 415),
        (b"{}", "application/json", 400),
    ],
)
async def test_malformed_requests_are_400s(
    gateway: Gateway, content: bytes, content_type: str, status: int
) -> None:
    response = await gateway.http.post(
        "/graphql", content=content, headers={"content-type": content_type}
    )
    assert response.status_code == status
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert gateway.sim.total_calls == 0


async def test_a_too_large_body_is_413(gateway: Gateway) -> None:
    big = "{ schemas { totalCount } }" + " " * (2 * 1024 * 1024)
    response = await gateway.post(big)
    assert response.status_code == 413


REFUSED = [
    ({"query": "{ schemas { "}, "GRAPHQL_PARSE_FAILED"),
    ({"query": "{ nope }"}, "GRAPHQL_VALIDATION_FAILED"),
    ({"query": "{ " + "a: __typename " * 40 + "}"}, "QUERY_TOO_COMPLEX"),
    ({"query": "query A { __typename }", "operationName": "B"}, "BAD_REQUEST"),
    (
        {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}}},
        "PERSISTED_QUERY_NOT_FOUND",
    ),
    ({"variables": {}}, "BAD_REQUEST"),
]


@pytest.mark.parametrize(("body", "code"), REFUSED)
async def test_refusals_carry_the_price_of_nothing(
    gateway: Gateway, body: dict[str, object], code: str
) -> None:
    response = await gateway.http.post("/graphql", json=body)
    answer = response.json()
    assert answer["errors"][0]["extensions"]["code"] == code
    assert answer["extensions"] == {
        "upstream": {
            "calls": 0,
            "cached": 0,
            "retries": 0,
            "waitMs": 0.0,
            "cacheHits": 0,
            "cacheStale": 0,
        }
    }
    assert gateway.sim.calls == {}


async def test_cost_reporting_can_be_turned_off() -> None:
    from ..gateway import build_store, open_gateway

    async with open_gateway(build_store(), gql_report_cost=False) as gw:
        body = await gw.query(SMALL)
        assert "extensions" not in body
        refused = await gw.query("{ nope }")
        assert "extensions" not in refused


async def test_unexpected_errors_are_masked(
    gateway: Gateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gql_server.loading.loaders import Loaders

    async def explode(self: Loaders) -> None:
        raise RuntimeError("CANARY internal detail")

    # Read by the resolver whether it runs per schema or for all of them at once.
    monkeypatch.setattr(Loaders, "_load_resources_by_schema", explode)
    body = await gateway.query("{ schemas { nodes { id resources { totalCount } } } }")
    assert "CANARY" not in json.dumps(body)
    assert {e["extensions"]["code"] for e in body["errors"]} == {"INTERNAL_SERVER_ERROR"}
    assert body["errors"][0]["path"] == ["schemas", "nodes", 0, "resources"]


GQLR = "application/graphql-response+json"


@pytest.mark.parametrize(("accept", "status"), [("application/json", 200), (GQLR, 400)])
async def test_request_errors_follow_the_accepted_media_type(
    gateway: Gateway, accept: str, status: int
) -> None:
    cases = [
        ({"query": "query A { __typename } query B { __typename }"}, "BAD_REQUEST"),
        ({"query": "{ __typename }", "operationName": "Nope"}, "BAD_REQUEST"),
        ({"query": "query($id: ID!) { schema(id: $id) { id } }", "variables": {}}, None),
    ]
    for body, code in cases:
        response = await gateway.http.post("/graphql", json=body, headers={"accept": accept})
        assert response.status_code == status, body
        answer = response.json()
        assert "data" not in answer
        if code is not None:
            assert answer["errors"][0]["extensions"]["code"] == code
    assert gateway.sim.total_calls == 0


async def test_a_field_error_with_data_is_200_for_both_media_types() -> None:
    from gql_server.simulator import Fault, Simulator

    from ..gateway import build_store, open_gateway

    sim = Simulator(build_store())
    async with open_gateway(sim) as gw:
        sim.inject(Fault(route="custom_resources/schemas", status=403))
        for accept in ("application/json", GQLR):
            response = await gw.post(
                '{ schema(id: "1") { id } __typename }', headers={"accept": accept}
            )
            assert response.status_code == 200
            body = response.json()
            assert body["data"] == {"schema": None, "__typename": "Query"}
            assert body["errors"][0]["path"] == ["schema"]
            assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


@pytest.mark.parametrize(
    "body",
    [
        {"query": "{ __typename }", "variables": None, "operationName": None, "extensions": None},
        {"query": "{ __typename }", "extensions": {"some": "value"}},
    ],
)
async def test_null_and_map_parameters_are_accepted(gateway: Gateway, body: object) -> None:
    response = await gateway.http.post("/graphql", json=body)
    assert response.status_code == 200
    assert response.json()["data"] == {"__typename": "Query"}


@pytest.mark.parametrize("name", ["variables", "extensions"])
@pytest.mark.parametrize("value", ["string", 0, False, ["array"], '{"a": 1}'])
async def test_non_map_parameters_are_400(gateway: Gateway, name: str, value: object) -> None:
    response = await gateway.http.post("/graphql", json={"query": "{ __typename }", name: value})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


async def test_other_charsets_and_methods_are_refused_with_json(gateway: Gateway) -> None:
    response = await gateway.http.post(
        "/graphql",
        content=b'{"query": "{ __typename }"}',
        headers={"content-type": "application/json; charset=latin-1"},
    )
    assert response.status_code == 415
    response = await gateway.http.post(
        "/graphql",
        content=b'{"query": "{ __typename }"}',
        headers={"content-type": 'application/json; charset="UTF-8"'},
    )
    assert response.status_code == 200
    for method in ("PUT", "DELETE", "PATCH"):
        response = await gateway.http.request(method, "/graphql", json={"query": "{ __typename }"})
        assert response.status_code == 405
        assert response.headers["allow"] == "GET, POST"
        assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


async def test_array_batching_is_off_by_default(gateway: Gateway) -> None:
    response = await gateway.http.post("/graphql", json=[{"query": "{ __typename }"}])
    assert response.status_code == 400
    assert "not enabled" in response.json()["errors"][0]["message"]


async def test_array_batching_when_configured_is_capped() -> None:
    from ..gateway import build_store, open_gateway

    async with open_gateway(build_store(schemas=2), gql_max_batch_size=3) as gw:
        batch = [
            {"query": "{ schemas { totalCount } }"},
            {"query": "query($id: ID!) { schema(id: $id) { name } }", "variables": {"id": "1"}},
            {"query": "{ nope }"},
        ]
        response = await gw.http.post("/graphql", json=batch)
        assert response.status_code == 200
        first, second, third = response.json()
        assert first["data"]["schemas"]["totalCount"] == 2
        assert second["data"]["schema"]["name"] == "Table 0"
        assert third["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
        calls = gw.sim.total_calls

        for too_many in ([], batch + batch[:1]):
            response = await gw.http.post("/graphql", json=too_many)
            assert response.status_code == 400
        deep = "{ " + " ".join(f"a{i}: __typename" for i in range(31)) + " }"
        response = await gw.http.post("/graphql", json=[{"query": deep}, {"query": 5}])
        assert response.status_code == 400
        response = await gw.http.post("/graphql", json=[{"query": deep}])
        assert response.json()[0]["errors"][0]["extensions"]["code"] == "QUERY_TOO_COMPLEX"
        assert gw.sim.total_calls == calls
