"""A real redis-server of its own for a test: on a free loopback port, stopped afterwards.

Without Debian's redis-server the tests that need it skip and say why; with
GQL_REQUIRE_E2E=1 (as .ci/run sets) they fail instead, so CI cannot pass without them.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

REDIS_SERVER = shutil.which("redis-server")
REQUIRED = os.environ.get("GQL_REQUIRE_E2E") == "1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class RedisServer:
    """One redis-server process on 127.0.0.1, with nothing persisted; stop and start it again
    on the same port to simulate an outage."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.directory = directory
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        assert REDIS_SERVER is not None
        self.process = subprocess.Popen(
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.02)
        raise RuntimeError("redis-server did not start")

    def pause(self) -> None:
        """Freeze the server (SIGSTOP): connections stay open, nothing answers."""
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGCONT)  # a paused server cannot act on SIGTERM
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


def require_redis() -> None:
    if REDIS_SERVER is not None:
        return
    reason = "redis-server is not installed (Debian's package redis-server; .ci/run installs it)"
    if REQUIRED:
        pytest.fail(f"{reason}, and GQL_REQUIRE_E2E=1 requires it")
    pytest.skip(reason)


@contextmanager
def running_redis(directory: Path) -> Iterator[RedisServer]:
    require_redis()
    server = RedisServer(directory)
    server.start()
    try:
        yield server
    finally:
        server.stop()
