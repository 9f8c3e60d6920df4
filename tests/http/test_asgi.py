"""The application class: /graphql answered by the endpoint directly, everything else by
Starlette (gql_server/asgi.py)."""

from __future__ import annotations

import httpx
import pytest
from starlette.requests import Request
from starlette.responses import Response

from gql_server.http.asgi import GatewayApp

from ..gateway import build_store, open_gateway


async def test_every_method_on_graphql_gets_the_endpoints_json_answer() -> None:
    """Methods Starlette's route would refuse in plain text reach the endpoint, which
    answers in JSON with a code and the methods it takes."""
    async with open_gateway(build_store()) as gateway:
        response = await gateway.http.request("TRACE", "/graphql")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


async def test_other_paths_still_go_through_starlette() -> None:
    async with open_gateway(build_store()) as gateway:
        health = await gateway.http.get("/healthz")
        missing = await gateway.http.get("/nope")
        slash = await gateway.http.post("/graphql/", json={"query": "{ __typename }"})
    assert health.json() == {"status": "ok"}
    assert missing.status_code == 404
    assert slash.status_code == 307 and slash.headers["location"].endswith("/graphql")


async def test_with_cors_configured_graphql_goes_through_the_middleware() -> None:
    async with open_gateway(build_store(), gql_cors_origins="https://app.example") as gateway:
        response = await gateway.http.post(
            "/graphql",
            json={"query": "{ __typename }"},
            headers={"origin": "https://app.example"},
        )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "https://app.example"


async def test_an_endpoint_failure_is_a_json_500_without_detail_and_is_raised() -> None:
    """Nothing of the exception reaches the client; the server still sees it to log it."""

    async def failing(request: Request) -> Response:
        raise RuntimeError("secret detail of a bug")

    app = GatewayApp()
    app.graphql = failing
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as http:
        response = await http.post("/graphql", json={"query": "{ __typename }"})
    assert response.status_code == 500
    assert response.json() == {
        "errors": [
            {"message": "Unexpected error.", "extensions": {"code": "INTERNAL_SERVER_ERROR"}}
        ]
    }
    assert "secret" not in response.text

    raising = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=raising, base_url="http://localhost") as http:
        with pytest.raises(RuntimeError, match="secret detail"):
            await http.post("/graphql", json={"query": "{ __typename }"})
