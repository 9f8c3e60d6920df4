"""Operations: liveness and readiness, metrics, structured logs, graceful shutdown."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn

from gql_server.app import create_app
from gql_server.cli import GracefulServer
from gql_server.config import Settings
from gql_server.simulator import Fault, Simulator
from gql_server.telemetry.logs import configure_logging

from .gateway import API_KEY, UPSTREAM_URL, build_store, open_gateway
from .live_server import serve
from .test_cli import free_port


def gateway_settings(**values: object) -> Settings:
    return Settings(
        factorial_base_url=UPSTREAM_URL, factorial_api_key=API_KEY, gql_demo=False, **values
    )


async def test_readiness_follows_start_up_and_shutdown() -> None:
    sim = Simulator(build_store())
    app = create_app(gateway_settings(), transport=httpx.ASGITransport(app=sim.app))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as http:
        assert (await http.get("/readyz")).status_code == 503  # not started
        assert (await http.get("/healthz")).status_code == 200
        async with app.router.lifespan_context(app):
            assert (await http.get("/readyz")).json() == {"ready": True}
            GracefulServer(uvicorn.Config(app), app).handle_exit(signal.SIGTERM, None)
            response = await http.get("/readyz")
            assert (response.status_code, response.json()) == (503, {"ready": False})
            assert (await http.get("/healthz")).status_code == 200
        assert (await http.get("/readyz")).status_code == 503
    assert sim.total_calls == 0


async def test_metrics_count_requests_errors_upstream_calls_retries_and_the_breaker() -> None:
    sim = Simulator(build_store(resources=3))
    async with open_gateway(sim, upstream_breaker_threshold=2) as gw:
        await gw.data("{ schemas { totalCount } }")
        sim.inject(Fault(route="custom_resources/values", status=503, times=1))
        await gw.data("{ values { totalCount } }")  # retried once, then fine
        sim.inject(Fault(route="custom_resources/resources", status=500))
        for _ in range(2):
            body = await gw.query("{ resources { totalCount } }")
            assert body["errors"][0]["extensions"]["code"] == "UPSTREAM_UNAVAILABLE"
        text = (await gw.http.get("/metrics")).text
    lines = set(text.splitlines())
    assert 'gql_requests_total{status="200"} 4.0' in lines
    assert 'gql_errors_total{code="UPSTREAM_UNAVAILABLE"} 2.0' in lines
    schemas = 'method="GET",outcome="200",route="custom_resources/schemas"'
    assert f"gql_upstream_calls_total{{{schemas}}} 1.0" in lines
    values = 'method="GET",outcome="503",route="custom_resources/values"'
    assert f"gql_upstream_calls_total{{{values}}} 1.0" in lines
    assert 'gql_upstream_retries_total{route="custom_resources/values"} 1.0' in lines
    assert "gql_upstream_breaker_state 2.0" in lines  # open after two 500s in a row
    assert any(line.startswith("gql_upstream_duration_seconds_count") for line in lines)
    assert "gql_request_duration_seconds_count 4.0" in lines
    assert API_KEY not in text


@pytest.fixture
def json_logs(capsys: pytest.CaptureFixture[str]) -> Iterator[pytest.CaptureFixture[str]]:
    """JSON logging to the captured stderr, undone afterwards."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    configure_logging("json")
    yield capsys
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])


async def test_logs_are_json_lines_with_the_request_id_and_no_secret(
    json_logs: pytest.CaptureFixture[str],
) -> None:
    canary = "CANARY-LOG-KEY-9d1e"
    sim = Simulator(build_store())
    async with open_gateway(sim) as gw:
        sim.inject(Fault(route="custom_resources/values", status=500, error_body="CANARY-BODY"))
        response = await gw.post(
            "{ schemas { totalCount } values { totalCount } }",
            headers={"x-api-key": canary, "x-request-id": "req-42"},
        )
    assert response.headers["x-request-id"] == "req-42"
    err = json_logs.readouterr().err
    entries = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    access = [e for e in entries if e["logger"] == "gql_server.access"]
    assert access
    assert access[-1]["request_id"] == "req-42"
    assert access[-1]["status"] == 200
    assert access[-1]["error_codes"] == ["UPSTREAM_UNAVAILABLE"]
    assert access[-1]["upstream_calls"] == 2
    assert canary not in err
    assert "CANARY-BODY" not in err


def test_shutdown_lets_in_flight_requests_finish_and_closes_cleanly(tmp_path: object) -> None:
    sim = Simulator(build_store(resources=3))
    sim.latency = 1.5
    with serve(sim.app) as upstream:
        port = free_port()
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("FACTORIAL_", "GQL_"))},
            "FACTORIAL_BASE_URL": upstream,
            "FACTORIAL_API_KEY": "key",
            "GQL_LOG_FORMAT": "json",
        }
        process = subprocess.Popen(
            [sys.executable, "-m", "gql_server", "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 20
            while True:
                try:
                    if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline and process.poll() is None
                time.sleep(0.1)
            result: dict[str, httpx.Response] = {}

            def ask() -> None:
                result["response"] = httpx.post(
                    f"{url}/graphql", json={"query": "{ schemas { totalCount } }"}, timeout=10
                )

            asker = threading.Thread(target=ask)
            asker.start()
            time.sleep(0.5)  # the request is now waiting on the slow upstream
            process.send_signal(signal.SIGTERM)
            asker.join(10)
            assert result["response"].status_code == 200
            assert result["response"].json()["data"] == {"schemas": {"totalCount": 1}}
            # uvicorn re-raises the signal once it has shut down, as process managers expect.
            assert process.wait(10) in (0, -signal.SIGTERM)
        finally:
            if process.poll() is None:
                process.kill()
        output = process.stdout.read() if process.stdout else ""
    assert "closing the upstream client" in output
