"""When Factorial fails, the gateway answers what it can, with codes, and leaks nothing."""

from __future__ import annotations

import json
import logging

import pytest

from gql_server.simulator import Fault, Simulator

from .gateway import Gateway, build_store, open_gateway

CANARY_KEY = "CANARY-KEY-7f3a9c"
CANARY_TOKEN = "CANARY-TOKEN-51be2d"
CANARY_BODY = '{"errors":[{"code":"x","message":"CANARY-BODY-e4d1 stack trace here"}]}'
CANARIES = ("CANARY-KEY", "CANARY-TOKEN", "CANARY-BODY")
TWO_ROOTS = "{ schemas { totalCount } values { totalCount nodes { id } } }"

FAULTS = {
    **{
        f"status {status}": (
            Fault(route="custom_resources/values", status=status, error_body=CANARY_BODY),
            code,
        )
        for status, code in [
            (400, "BAD_USER_INPUT"),
            (401, "UNAUTHENTICATED"),
            (403, "FORBIDDEN"),
            (404, "NOT_FOUND"),
            (409, "BAD_USER_INPUT"),
            (422, "BAD_USER_INPUT"),
            (429, "RATE_LIMITED"),
            (500, "UPSTREAM_UNAVAILABLE"),
            (502, "UPSTREAM_UNAVAILABLE"),
            (503, "UPSTREAM_UNAVAILABLE"),
            (504, "UPSTREAM_UNAVAILABLE"),
        ]
    },
    **{
        f"body {kind}": (
            Fault(route="custom_resources/values", body=kind),  # type: ignore[arg-type]
            "UPSTREAM_BAD_RESPONSE",
        )
        for kind in ("malformed", "truncated", "html", "empty")
    },
    "slow": (Fault(route="custom_resources/values", latency=1.0), "UPSTREAM_TIMEOUT"),
    "dripping": (Fault(route="custom_resources/values", drip=0.3), "UPSTREAM_TIMEOUT"),
    "huge": (
        Fault(route="custom_resources/values", body="huge", huge_bytes=17_000_000),
        "UPSTREAM_BAD_RESPONSE",
    ),
}


def assert_no_canary(text: str) -> None:
    for canary in CANARIES:
        assert canary not in text


def log_text(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(
        f"{r.getMessage()} {json.dumps(r.__dict__, default=str)}" for r in caplog.records
    )


@pytest.mark.parametrize("name", list(FAULTS))
async def test_a_failing_field_fails_alone_and_leaks_nothing(
    name: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    fault, code = FAULTS[name]
    sim = Simulator(build_store(resources=3))
    async with open_gateway(sim, upstream_timeout=0.3) as gw:
        sim.inject(fault)
        for headers in ({"x-api-key": CANARY_KEY}, {"authorization": f"Bearer {CANARY_TOKEN}"}):
            response = await gw.post(TWO_ROOTS, headers=headers)
            assert response.status_code == 200
            body = response.json()
            assert body["data"]["schemas"] == {"totalCount": 1}
            assert body["data"]["values"] is None
            [error] = body["errors"]
            assert error["path"] == ["values"]
            assert error["extensions"]["code"] == code
            assert_no_canary(response.text)
            assert_no_canary(json.dumps(dict(response.headers)))
        sim.clear_faults()
        after = await gw.query(TWO_ROOTS, headers={"x-api-key": CANARY_KEY})
        assert "errors" not in after
        assert after["data"]["values"]["totalCount"] == 3
    assert_no_canary(log_text(caplog))


async def test_a_refused_connection_is_unavailable_and_leaks_nothing(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    import httpx

    from gql_server.app import create_app
    from gql_server.config import Settings

    app = create_app(
        Settings(factorial_base_url="http://127.0.0.1:9", factorial_api_key=CANARY_KEY)
    )
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as http:
            response = await http.post("/graphql", json={"query": TWO_ROOTS})
    body = response.json()
    assert response.status_code == 200
    assert {e["extensions"]["code"] for e in body["errors"]} == {"UPSTREAM_UNAVAILABLE"}
    assert_no_canary(response.text)
    assert_no_canary(log_text(caplog))


async def test_an_upstream_rejection_of_a_write_leaks_nothing(
    caplog: pytest.LogCaptureFixture, gateway: Gateway
) -> None:
    caplog.set_level(logging.DEBUG)
    gateway.sim.inject(Fault(method="POST", status=422, error_body=CANARY_BODY))
    response = await gateway.post(
        'mutation { createSchema(input: {name: "x", companyId: "1"}) { id } }',
        headers={"x-api-key": CANARY_KEY},
    )
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert_no_canary(response.text)
    assert_no_canary(log_text(caplog))


async def test_rate_limits_carry_retry_after(gateway: Gateway) -> None:
    gateway.sim.inject(Fault(route="custom_resources/values", status=429, retry_after="120"))
    body = await gateway.query(TWO_ROOTS)
    [error] = body["errors"]
    assert error["extensions"] == {"code": "RATE_LIMITED", "retryAfter": 120.0}
    assert body["data"]["schemas"] == {"totalCount": 2}
