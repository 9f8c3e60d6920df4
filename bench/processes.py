"""The servers of a run, each in its own process on its own port: simulator, gateway, direct.

Every process is started by us, stopped by us (terminate, then kill after a grace period) and
listens on 127.0.0.1 only.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from .data import Shape

API_KEY = "bench"
ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True, slots=True)
class Server:
    """A running server process."""

    name: str
    port: int
    process: subprocess.Popen[bytes]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        return self.process.pid


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_listening(server: Server, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited with {server.process.returncode}")
        with (
            contextlib.suppress(OSError),
            socket.create_connection(("127.0.0.1", server.port), 0.2),
        ):
            return
        time.sleep(0.05)
    raise RuntimeError(f"{server.name} did not listen on {server.port} in {timeout}s")


@contextlib.contextmanager
def run_process(
    name: str, args: list[str], env: Mapping[str, str] | None = None
) -> Iterator[Server]:
    """Start `python args…` with a free --port and stop it on exit."""
    port = free_port()
    full_env = {**os.environ, **(env or {})}
    full_env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), full_env.get("PYTHONPATH")]))
    # A file, not a pipe: nobody reads a pipe during a run, and a full one would block the server.
    log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in the finally below
    process = subprocess.Popen(
        [sys.executable, *args, f"--port={port}"],
        env=full_env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    server = Server(name, port, process)
    try:
        try:
            _wait_listening(server)
        except RuntimeError:
            log.seek(0)
            sys.stderr.write(log.read()[-4000:].decode(errors="replace"))
            raise
        yield server
    finally:
        _stop(process)
        log.close()


def simulator(shape: Shape) -> contextlib.AbstractContextManager[Server]:
    return run_process("simulator", ["-m", "bench.sim_server", *shape.args()])


def gateway(
    upstream: Server, extra_env: Mapping[str, str] | None = None
) -> contextlib.AbstractContextManager[Server]:
    """The gateway as deployed: `gql-server serve`, one uvicorn worker, configured by env."""
    env = {
        "FACTORIAL_BASE_URL": upstream.url,
        "FACTORIAL_API_KEY": API_KEY,
        "GQL_DEMO": "false",
        "GQL_COST_BUDGET": "1000000",
        **(extra_env or {}),
    }
    return run_process("gateway", ["-m", "gql_server", "serve", "--host=127.0.0.1"], env)


def direct_server(upstream: Server) -> contextlib.AbstractContextManager[Server]:
    """The direct client behind a minimal ASGI app, one uvicorn worker (suite c's baseline)."""
    return run_process("direct", ["-m", "bench.direct_server", f"--upstream={upstream.url}"])


def demo_gateway(workers: int) -> contextlib.AbstractContextManager[Server]:
    """`gql-server serve --workers N` on demo data: its upstream is in each worker's process,
    so that all of a request's work is the gateway's (suite e's CPU-bound load)."""
    env = {"GQL_DEMO": "true", "GQL_COST_BUDGET": "1000000"}
    args = ["-m", "gql_server", "serve", "--host=127.0.0.1", f"--workers={workers}"]
    return run_process(f"gateway x{workers}", args, env)


@contextlib.contextmanager
def redis() -> Iterator[Server]:
    """Debian's redis-server on a free port, persisting nothing (suite e's shared store)."""
    port = free_port()
    process = subprocess.Popen(
        [
            *("redis-server", "--port", str(port), "--bind", "127.0.0.1"),
            *("--save", "", "--appendonly", "no"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = Server("redis", port, process)
    try:
        _wait_listening(server)
        yield server
    finally:
        _stop(process)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, and SIGKILL if the process has not ended within ten seconds."""
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
