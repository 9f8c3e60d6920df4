"""The `gql-server` command as a new user runs it."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from gql_server.app import create_app
from gql_server.cli import announce_shutdown_to, main
from gql_server.config import Settings
from gql_server.simulator import Fault, Simulator

from .gateway import build_store
from .live_server import serve

ROOT = Path(__file__).parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def clean_env(**settings: str) -> dict[str, str]:
    """This process's environment without any setting of ours, plus `settings`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FACTORIAL_", "GQL_"))}
    return {**env, **settings}


@contextmanager
def running(
    *args: str, ready_path: str = "/healthz", env: dict[str, str] | None = None
) -> Iterator[tuple[str, Path]]:
    """Run `gql-server ARGS` until the block ends; yields its URL and its output file."""
    with running_process(*args, ready_path=ready_path, env=env) as (url, log, _):
        yield url, log


@contextmanager
def running_process(
    *args: str, ready_path: str = "/healthz", env: dict[str, str] | None = None
) -> Iterator[tuple[str, Path, subprocess.Popen[bytes]]]:
    """`running`, yielding the process too."""
    port = free_port()
    log = ROOT / "test-output" / f"cli-{port}.log"
    log.parent.mkdir(exist_ok=True)
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gql_server", *args, "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env or clean_env(),
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
            yield url, log, process
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
    with running("simulate", ready_path="/") as (url, log):
        response = httpx.get(
            f"{url}/api/2026-10-01/resources/custom_resources/schemas",
            headers={"x-api-key": "any"},
            timeout=10,
        )
        assert response.status_code == 200
        assert isinstance(response.json()["data"][0]["id"], str)
        # OAuth is usable: the demo client's id and secret are printed, its token endpoint
        # answers them.
        output = log.read_text()
        assert "client id demo-client-id and secret demo-client-secret" in output
        token = httpx.post(
            f"{url}/oauth/token",
            data={
                "grant_type": "refresh_token",
                "refresh_token": "unknown",
                "client_id": "demo-client-id",
                "client_secret": "demo-client-secret",
            },
            timeout=10,
        )
        assert token.json()["error"] == "invalid_grant"


def test_export_schema_prints_the_committed_sdl() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "gql_server", "export-schema"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert result.stdout == (ROOT / "schema.graphql").read_text(encoding="utf-8")


def run_cli(*args: str, **settings: str) -> subprocess.CompletedProcess[str]:
    """`gql-server ARGS` to its end, in an environment with only `settings` of ours."""
    return subprocess.run(
        [sys.executable, "-m", "gql_server", *args],
        capture_output=True,
        text=True,
        env=clean_env(**settings),
        timeout=60,
    )


def test_configuration_errors_name_each_variable_in_one_line_and_exit_2() -> None:
    result = run_cli(
        "serve",
        GQL_DEMO_RESOURCES="abc",
        FACTORIAL_API_VERSION="v2",
        GQL_GRAPHIQL_ASSETS_DIR="/nope",
        GQL_LOG_LEVEL="loud",
        FACTORIAL_API_KEY="CANARY-CONFIG-KEY",
    )
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "gql-server: FACTORIAL_API_VERSION: should be a date written YYYY-MM-DD, such as "
        "2026-10-01 (got 'v2')",
        "gql-server: GQL_DEMO_RESOURCES: input should be a valid integer, unable to parse "
        "string as an integer (got 'abc')",
        "gql-server: GQL_LOG_LEVEL: input should be 'debug', 'info', 'warning' or 'error' "
        "(got 'loud')",
        "gql-server: GQL_GRAPHIQL_ASSETS_DIR: /nope does not exist",
    ]
    assert result.stdout == ""


def test_start_up_checks_name_their_variable_and_exit_2(tmp_path: Path) -> None:
    cors = run_cli(GQL_CORS_ORIGINS="*", GQL_CORS_ALLOW_CREDENTIALS="true")
    assert (cors.returncode, cors.stderr) == (
        2,
        "gql-server: GQL_CORS_ORIGINS: * cannot be combined with GQL_CORS_ALLOW_CREDENTIALS: "
        "name the origins that may send credentials\n",
    )
    manifest = tmp_path / "manifest.json"
    manifest.write_text("{not json")
    unreadable = run_cli("serve", GQL_PERSISTED_QUERY_MANIFEST=str(manifest))
    assert unreadable.returncode == 2
    [line] = unreadable.stderr.splitlines()
    assert line.startswith("gql-server: GQL_PERSISTED_QUERY_MANIFEST: cannot read the persisted")
    assert "Traceback" not in unreadable.stderr
    check = run_cli("check", GQL_MAX_DEPTH="0")
    assert (check.returncode, check.stderr) == (
        2,
        "gql-server: GQL_MAX_DEPTH: input should be greater than or equal to 1 (got '0')\n",
    )


def test_version_prints_the_installed_version(capsys: pytest.CaptureFixture[str]) -> None:
    from importlib.metadata import version

    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out == f"gql-server {version('gql-server')}\n"


@pytest.mark.parametrize(
    ("command", "options"),
    [
        ("serve", ["--host HOST", "(default: 127.0.0.1)", "--port PORT", "(default: 8000)"]),
        ("check", ["Exit code 0 when every check passes, 1 when one fails"]),
        ("simulate", ["--host HOST", "--port PORT", "(default: 8001)", "--resources", "40)"]),
        ("export-schema", ["--output FILE, -o FILE", "instead of standard output"]),
        ("oauth login", ["--port PORT", "(default: 8765)", "127.0.0.1:PORT/callback"]),
    ],
)
def test_help_describes_every_option_and_points_at_the_settings(
    capsys: pytest.CaptureFixture[str], command: str, options: list[str]
) -> None:
    with pytest.raises(SystemExit) as done:
        main([*command.split(), "--help"])
    assert done.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    for option in options:
        assert option in text
    if command in ("serve", "check"):
        assert "README's Configuration section lists every variable" in text
        assert "FACTORIAL_API_KEY" in text
        assert "GQL_LOG_LEVEL" in text


@pytest.fixture
def settings_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in os.environ:
        if name.startswith(("FACTORIAL_", "GQL_")):
            monkeypatch.delenv(name)
    return monkeypatch


def check_exit(capsys: pytest.CaptureFixture[str]) -> tuple[object, str]:
    with pytest.raises(SystemExit) as done:
        main(["check"])
    return done.value.code, capsys.readouterr().out


def test_check_passes_against_a_working_upstream_and_exits_0(
    settings_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from .gateway import build_store

    sim = Simulator(build_store(schemas=2), api_keys={"CANARY-CHECK-KEY"})
    with serve(sim.app) as url:
        settings_env.setenv("FACTORIAL_BASE_URL", url)
        settings_env.setenv("FACTORIAL_API_KEY", "CANARY-CHECK-KEY")
        code, out = check_exit(capsys)
        assert code == 0
        assert out.splitlines() == [
            f"gql-server check: Factorial at {url}, API version 2026-10-01, credential from "
            "FACTORIAL_API_KEY",
            out.splitlines()[1],  # the time it took
            "  ok       API version known: 2026-10-01 is served",
            "  ok       credential accepted: FACTORIAL_API_KEY accepted",
            "  ok       custom resources enabled: 2 custom tables readable",
            "gql-server check: all 4 checks passed",
        ]
        assert out.splitlines()[1].startswith("  ok       reachable: answered in ")
        assert sim.total_calls == 1
        settings_env.setenv("FACTORIAL_API_KEY", "wrong")
        code, out = check_exit(capsys)
    assert code == 1
    assert "  failed   credential accepted: FACTORIAL_API_KEY was refused (401)\n" in out
    assert "           fix: create a key in Factorial and set FACTORIAL_API_KEY\n" in out
    assert out.endswith("gql-server check: 1 failed, 2 not checked, of 4\n")
    assert "CANARY-CHECK-KEY" not in out


def test_check_in_demo_mode_says_it_checks_the_simulator(
    settings_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = check_exit(capsys)
    assert code == 0
    assert out.startswith("gql-server check: demo mode (")
    assert "checking the built-in simulator, not Factorial" in out


def test_check_fails_on_an_upstream_that_is_down(
    settings_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from .gateway import build_store

    sim = Simulator(build_store())
    sim.inject(Fault(status=502))
    with serve(sim.app) as url:
        settings_env.setenv("FACTORIAL_BASE_URL", url)
        settings_env.setenv("FACTORIAL_ACCESS_TOKEN", "token")
        code, out = check_exit(capsys)
    assert code == 1
    assert "  failed   reachable: Factorial answered 502: it is failing\n" in out


def test_serve_logs_json_lines_only_with_the_access_facts_and_no_colours() -> None:
    env = clean_env(GQL_LOG_FORMAT="json")
    with running("serve", env=env) as (url, log):
        query = "query Named { schemas { totalCount } }"
        httpx.post(f"{url}/graphql", json={"query": query}, timeout=10)
    lines = log.read_text().splitlines()
    assert lines[0].startswith("gql-server: GraphQL on http://127.0.0.1:")
    entries = [json.loads(line) for line in lines[1:]]  # every other line is JSON
    assert any(e["message"].startswith("Uvicorn running on") for e in entries)
    assert all("color_message" not in e and "\x1b" not in e["message"] for e in entries)
    [access] = [e for e in entries if e["logger"] == "gql_server.access"]
    assert (access["operation_name"], access["status"], access["path"]) == (
        "Named",
        200,
        "/graphql",
    )


def test_serve_at_log_level_warning_writes_no_info_lines() -> None:
    env = clean_env(GQL_LOG_FORMAT="text", GQL_LOG_LEVEL="WARNING")
    with running("serve", env=env) as (url, log):
        httpx.post(f"{url}/graphql", json={"query": "{ schemas { totalCount } }"}, timeout=10)
    lines = log.read_text().splitlines()
    assert lines[0].startswith("gql-server: GraphQL on")
    assert " INFO " not in log.read_text()
    assert any(" WARNING gql_server.app [-] Demo mode" in line for line in lines)


def access_pids(log: Path) -> set[int]:
    """The processes that wrote an access line: the workers that answered."""
    entries = [json.loads(line) for line in log.read_text().splitlines()[1:]]
    return {e["pid"] for e in entries if e["logger"] == "gql_server.access"}


def test_serve_with_two_workers_answers_from_both_and_stops_cleanly_on_sigterm() -> None:
    sim = Simulator(build_store(resources=3))
    sim.latency = 0.3  # requests overlap, so that both workers take some
    query = {"query": "{ schemas { totalCount } }"}
    with serve(sim.app) as upstream:
        env = clean_env(FACTORIAL_BASE_URL=upstream, FACTORIAL_API_KEY="key", GQL_LOG_FORMAT="json")
        with running_process("serve", "--workers", "2", ready_path="/readyz", env=env) as (
            url,
            log,
            process,
        ):
            with ThreadPoolExecutor(16) as pool:
                for _ in range(10):  # bounded: almost always the first round suffices
                    answers = list(
                        pool.map(lambda _: httpx.post(f"{url}/graphql", json=query), range(16))
                    )
                    assert [a.status_code for a in answers] == [200] * 16
                    assert {a.json()["data"]["schemas"]["totalCount"] for a in answers} == {1}
                    if len(access_pids(log)) == 2:
                        break
                slow = pool.submit(httpx.post, f"{url}/graphql", json=query, timeout=10)
                time.sleep(0.15)  # the request is now waiting on the slow upstream
                process.send_signal(signal.SIGTERM)
                # A request in flight when the shutdown began is answered, not cut.
                assert slow.result().status_code == 200
            assert process.wait(20) == 0
    text = log.read_text()
    assert text.splitlines()[0].endswith("2 workers, each keeping its own state")
    assert "2 workers without GQL_REDIS_URL" in text
    # Each worker takes half the upstream rates: together they stay within them.
    assert text.count("at 1/2 of the upstream rates (GQL_FLEET_SIZE)") == 2
    workers = {int(pid) for pid in re.findall(r"Started server process \[(\d+)\]", text)}
    assert access_pids(log) == workers and len(workers) == 2
    assert process.pid not in workers
    assert text.count("closing the upstream client") == 2
    for pid in workers:  # no worker outlives the command
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


async def test_a_worker_is_not_ready_once_a_signal_begins_its_shutdown() -> None:
    heard: list[int] = []
    previous = signal.signal(signal.SIGTERM, lambda sig, frame: heard.append(sig))
    try:
        app = create_app(Settings(gql_demo=True))
        announce_shutdown_to(app)
        transport = httpx.ASGITransport(app=app)
        async with (
            httpx.AsyncClient(transport=transport, base_url="http://localhost") as http,
            app.router.lifespan_context(app),
        ):
            assert (await http.get("/readyz")).status_code == 200
            signal.raise_signal(signal.SIGTERM)
            assert (await http.get("/readyz")).status_code == 503
            assert (await http.get("/healthz")).status_code == 200
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert heard == [signal.SIGTERM]  # uvicorn's own handler still runs: the worker stops
