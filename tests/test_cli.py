"""The `gql-server` command as a new user runs it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def running(*args: str, ready_path: str = "/healthz") -> Iterator[tuple[str, Path]]:
    """Run `gql-server ARGS` until the block ends; yields its URL and its output file."""
    port = free_port()
    log = ROOT / "test-output" / f"cli-{port}.log"
    log.parent.mkdir(exist_ok=True)
    clean_env = {k: v for k, v in os.environ.items() if not k.startswith(("FACTORIAL_", "GQL_"))}
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gql_server", *args, "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=clean_env,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 20
            while True:
                try:
                    if httpx.get(f"{url}{ready_path}", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert process.poll() is None, log.read_text()
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.1)
            yield url, log
        finally:
            process.terminate()
            process.wait(10)


def test_serve_starts_in_demo_mode_and_answers_a_nested_query() -> None:
    with running("serve") as (url, log):
        query = "{ schemas { nodes { name resources { nodes { values { totalCount } } } } } }"
        response = httpx.post(f"{url}/graphql", json={"query": query}, timeout=10)
        assert response.status_code == 200
        body = response.json()
        assert "errors" not in body
        assert len(body["data"]["schemas"]["nodes"]) >= 3
        page = httpx.get(f"{url}/graphql", headers={"accept": "text/html"}, timeout=10)
        assert "graphiql" in page.text.lower()
    output = log.read_text()
    assert "Demo mode" in output
    assert "127.0.0.1:" in output


def test_simulate_serves_factorial_on_a_port() -> None:
    with running("simulate", ready_path="/") as (url, _):
        response = httpx.get(
            f"{url}/api/2026-10-01/resources/custom_resources/schemas",
            headers={"x-api-key": "any"},
            timeout=10,
        )
        assert response.status_code == 200
        assert isinstance(response.json()["data"][0]["id"], str)


def test_export_schema_prints_the_committed_sdl() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "gql_server", "export-schema"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert result.stdout == (ROOT / "schema.graphql").read_text(encoding="utf-8")
