"""The access log: one line per request with its facts, in text and JSON, and nothing secret."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator

import pytest

from gql_server.simulator import Fault, Simulator
from gql_server.telemetry.logs import configure_logging

from ..gateway import build_store, open_gateway

CANARY = "CANARY-ACCESS-7b2c"
QUERY = "query Tables($id: ID!) { schemas { totalCount } schema(id: $id) { name } }"


@pytest.fixture
def logs_as(capsys: pytest.CaptureFixture[str]) -> Iterator[Callable[[str], None]]:
    """Configure logging in a style to the captured stderr; undone afterwards."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)

    def configure(style: str) -> None:
        configure_logging("json" if style == "json" else "text")

    yield configure
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])


async def failing_request() -> None:
    """A named operation whose schema list fails upstream, with a canary in a header, the
    variables and the query's text."""
    sim = Simulator(build_store())
    sim.inject(Fault(route="custom_resources/schemas", status=500))
    async with open_gateway(sim) as gw:
        await gw.query(
            QUERY + f" # {CANARY}",
            variables={"id": CANARY},
            headers={"x-api-key": CANARY, "x-request-id": "req-7"},
        )


def access_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if "gql_server.access" in line]


async def test_a_text_access_line_says_method_path_status_time_operation_and_errors(
    logs_as: Callable[[str], None], capsys: pytest.CaptureFixture[str]
) -> None:
    logs_as("text")
    await failing_request()
    err = capsys.readouterr().err
    [line] = access_lines(err)
    assert " INFO gql_server.access [req-7] POST /graphql 200 " in line
    assert " ms operation=Tables errors=UPSTREAM_UNAVAILABLE upstream_calls=2" in line
    assert CANARY not in err


async def test_a_json_access_line_carries_the_same_facts_as_fields(
    logs_as: Callable[[str], None], capsys: pytest.CaptureFixture[str]
) -> None:
    logs_as("json")
    await failing_request()
    err = capsys.readouterr().err
    [line] = access_lines(err)
    entry = json.loads(line)
    assert {k: entry[k] for k in ("method", "path", "status", "operation_name")} == {
        "method": "POST",
        "path": "/graphql",
        "status": 200,
        "operation_name": "Tables",
    }
    assert entry["error_codes"] == ["UPSTREAM_UNAVAILABLE"]
    assert entry["request_id"] == "req-7"
    assert isinstance(entry["duration_ms"], float)
    assert CANARY not in err


async def test_an_unknown_operation_name_from_the_client_is_not_logged(
    logs_as: Callable[[str], None], capsys: pytest.CaptureFixture[str]
) -> None:
    logs_as("json")
    async with open_gateway(build_store()) as gw:
        body = {"query": "query A { __typename }", "operationName": f"B\n{CANARY}"}
        await gw.http.post("/graphql", json=body)
    err = capsys.readouterr().err
    [line] = access_lines(err)
    assert json.loads(line)["operation_name"] is None
    assert CANARY not in err
