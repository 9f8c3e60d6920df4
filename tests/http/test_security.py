"""Production posture, Host allow-list, CSRF prevention and CORS, as a browser or attacker
meets them."""

from __future__ import annotations

from typing import Any

import pydantic
import pytest

from gql_server.config import Settings

from ..gateway import Gateway, build_store, open_gateway

SMALL = "{ schemas { totalCount } }"
INTROSPECTION = "{ __schema { queryType { name } } }"
CSRF_MESSAGE = "Cross-Site Request Forgery"


def error_of(response: Any) -> dict[str, Any]:
    """The response's first error."""
    error = response.json()["errors"][0]
    assert isinstance(error, dict)
    return error


async def get(gw: Gateway, query: str = SMALL, **headers: str) -> Any:
    return await gw.http.get("/graphql", params={"query": query}, headers=headers)


# Host allow-list (DNS rebinding)


@pytest.mark.parametrize("host", ["localhost", "localhost:8000", "127.0.0.1:80", "[::1]:8000"])
async def test_local_hosts_are_allowed_by_default(gateway: Gateway, host: str) -> None:
    response = await gateway.post(SMALL, headers={"host": host})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "host", ["evil.example", "evil.example:8000", "localhost.evil.example", ""]
)
async def test_a_rebound_host_is_refused_with_a_server_credential(
    gateway: Gateway, host: str
) -> None:
    for response in (
        await gateway.post(SMALL, headers={"host": host}),
        await gateway.http.get("/graphql", headers={"host": host, "accept": "text/html"}),
    ):
        assert response.status_code == 400
        assert error_of(response)["extensions"]["code"] == "BAD_REQUEST"
        assert "Host" in error_of(response)["message"]
    assert gateway.sim.total_calls == 0
    assert (await gateway.http.get("/healthz", headers={"host": host})).status_code == 200


async def test_allowed_hosts_are_configurable() -> None:
    async with open_gateway(
        build_store(), gql_allowed_hosts="api.example.com, *.corp.example"
    ) as gw:
        for host, status in [
            ("api.example.com", 200),
            ("API.example.com:443", 200),
            ("x.corp.example", 200),
            ("corp.example", 400),
            ("localhost", 400),
        ]:
            response = await gw.post(SMALL, headers={"host": host})
            assert response.status_code == status, host


async def test_without_a_server_credential_any_host_is_answered() -> None:
    async with open_gateway(build_store(), factorial_api_key=None) as gw:
        response = await gw.post(SMALL, headers={"host": "anything.example", "x-api-key": "mine"})
        assert response.status_code == 200


# CSRF prevention


async def test_a_simple_cross_site_get_is_refused(gateway: Gateway) -> None:
    for headers in ({}, {"content-type": "text/plain"}, {"content-type": "multipart/form-data"}):
        response = await get(gateway, **headers)
        assert response.status_code == 400
        assert CSRF_MESSAGE in error_of(response)["message"]
        assert error_of(response)["extensions"]["code"] == "BAD_REQUEST"
    assert gateway.sim.total_calls == 0


@pytest.mark.parametrize(
    "headers",
    [
        {"apollo-require-preflight": "true"},
        {"x-apollo-operation-name": "Tables"},
        {"content-type": "application/json"},
        {"x-api-key": "own-key"},
    ],
)
async def test_a_get_that_needed_a_preflight_runs(
    gateway: Gateway, headers: dict[str, str]
) -> None:
    response = await get(gateway, **headers)
    assert response.status_code == 200
    assert response.json()["data"]["schemas"]["totalCount"] == 2


async def test_writes_need_post_with_json(gateway: Gateway) -> None:
    mutation = 'mutation { createSchema(input: {name: "x", companyId: "1"}) { id } }'
    response = await get(gateway, mutation, **{"apollo-require-preflight": "true"})
    assert response.status_code == 405
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data"):
        response = await gateway.http.post(
            "/graphql", content=f'{{"query": "{mutation}"}}'.encode(),
            headers={"content-type": content_type},
        )  # fmt: skip
        assert response.status_code == 415
        assert error_of(response)["extensions"]["code"] == "BAD_REQUEST"
    assert gateway.sim.total_calls == 0


async def test_csrf_prevention_follows_the_server_credential_unless_set() -> None:
    async with open_gateway(build_store(), factorial_api_key=None) as gw:
        response = await get(gw, **{"x-api-key": "mine"})
        assert response.status_code == 200
    async with open_gateway(build_store(), gql_csrf_prevention=False) as gw:
        assert (await get(gw)).status_code == 200
    async with open_gateway(build_store(), gql_demo=True, factorial_api_key=None) as gw:
        assert (await get(gw)).status_code == 200  # demo data: nothing to protect
    async with open_gateway(
        build_store(), gql_demo=True, factorial_api_key=None, gql_csrf_prevention=True
    ) as gw:
        assert (await get(gw)).status_code == 400


# CORS


async def test_cors_is_off_unless_origins_are_configured(gateway: Gateway) -> None:
    response = await gateway.post(SMALL, headers={"origin": "https://app.example"})
    assert "access-control-allow-origin" not in response.headers
    preflight = await gateway.http.options(
        "/graphql",
        headers={"origin": "https://app.example", "access-control-request-method": "POST"},
    )
    assert "access-control-allow-origin" not in preflight.headers


async def test_cors_allows_only_the_configured_origins() -> None:
    async with open_gateway(build_store(), gql_cors_origins="https://app.example") as gw:
        preflight = await gw.http.options(
            "/graphql",
            headers={
                "origin": "https://app.example",
                "access-control-request-method": "POST",
                "access-control-request-headers": "content-type, apollo-require-preflight",
            },
        )
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == "https://app.example"
        assert "access-control-allow-credentials" not in preflight.headers
        response = await gw.post(SMALL, headers={"origin": "https://app.example"})
        assert response.headers["access-control-allow-origin"] == "https://app.example"
        assert "x-request-id" in response.headers["access-control-expose-headers"]

        denied = await gw.http.options(
            "/graphql",
            headers={"origin": "https://evil.example", "access-control-request-method": "POST"},
        )
        assert denied.status_code == 400
        assert "access-control-allow-origin" not in denied.headers
        response = await gw.post(SMALL, headers={"origin": "https://evil.example"})
        assert "access-control-allow-origin" not in response.headers


async def test_cors_credentials_only_for_named_origins() -> None:
    async with open_gateway(
        build_store(), gql_cors_origins="https://app.example", gql_cors_allow_credentials=True
    ) as gw:
        response = await gw.post(SMALL, headers={"origin": "https://app.example"})
        assert response.headers["access-control-allow-credentials"] == "true"
        assert response.headers["access-control-allow-origin"] == "https://app.example"
    with pytest.raises(pydantic.ValidationError, match="cannot be combined"):
        Settings(gql_cors_origins="*", gql_cors_allow_credentials=True)


# Production posture


async def test_demo_defaults_are_open(gateway: Gateway) -> None:
    body = await gateway.query(INTROSPECTION)
    assert body["data"]["__schema"]["queryType"]["name"] == "Query"
    body = (await gateway.post("{ schemaz { totalCount } }")).json()
    assert "Did you mean" in body["errors"][0]["message"]
    page = await gateway.http.get("/graphql", headers={"accept": "text/html"})
    assert "GraphiQL" in page.text


async def test_production_turns_introspection_graphiql_and_suggestions_off() -> None:
    async with open_gateway(build_store(), gql_production=True) as gw:
        response = await gw.post(INTROSPECTION)
        error = error_of(response)
        assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
        assert "introspection" in error["message"]
        assert (await gw.query("{ __typename }"))["data"] == {"__typename": "Query"}

        error = error_of(await gw.post("{ schemaz { totalCount } }"))
        assert "schemaz" in error["message"]
        assert "Did you mean" not in error["message"]
        mutation = "mutation($i: CreateSchemaInput!) { createSchema(input: $i) { id } }"
        error = error_of(await gw.post(mutation, {"i": {"nam": "x", "companyId": "1"}}))
        assert "nam" in error["message"]
        assert "Did you mean" not in error["message"]
        inline = 'mutation { createSchema(input: {nam: "x", companyId: "1"}) { id } }'
        assert "Did you mean" not in error_of(await gw.post(inline))["message"]

        page = await gw.http.get("/graphql", headers={"accept": "text/html,*/*;q=0.8"})
        assert page.status_code == 400
        assert "graphiql" not in page.text.lower()
        assert gw.sim.total_calls == 0


async def test_production_defaults_can_be_overridden_one_by_one() -> None:
    async with open_gateway(build_store(), gql_production=True, gql_introspection=True) as gw:
        body = await gw.query(INTROSPECTION)
        assert body["data"]["__schema"]["queryType"]["name"] == "Query"
        body = (await gw.post("{ schemaz { totalCount } }")).json()
        assert "Did you mean" not in body["errors"][0]["message"]
    async with open_gateway(build_store(), gql_introspection=False) as gw:
        assert error_of(await gw.post(INTROSPECTION))["extensions"]["code"] == (
            "GRAPHQL_VALIDATION_FAILED"
        )


def test_the_start_up_log_states_the_posture() -> None:
    from gql_server.app import describe_posture

    line = describe_posture(Settings(factorial_api_key="k", gql_production=True))
    assert "production on, GraphiQL off, introspection off, field suggestions off" in line
    assert "CSRF prevention on, allowed hosts localhost,127.0.0.1,[::1]" in line
    line = describe_posture(Settings(gql_demo=True))
    assert "CSRF prevention off, allowed hosts *" in line


async def test_browsers_may_send_an_idempotency_key_cross_origin() -> None:
    async with open_gateway(build_store(), gql_cors_origins="https://app.example") as gw:
        preflight = await gw.http.options(
            "/graphql",
            headers={
                "origin": "https://app.example",
                "access-control-request-method": "POST",
                "access-control-request-headers": "content-type, idempotency-key",
            },
        )
        assert preflight.status_code == 200, preflight.text
        assert "idempotency-key" in preflight.headers["access-control-allow-headers"].lower()
        answer = await gw.post(SMALL, headers={"origin": "https://app.example"})
        assert "idempotent-replayed" in answer.headers["access-control-expose-headers"]
