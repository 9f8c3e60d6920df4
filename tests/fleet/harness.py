"""A fleet on loopback for a test: one simulator, N gateways sharing one Redis, real processes.

Every process listens on 127.0.0.1 on a free port, writes its output to a file of its own
under test-output/ and is stopped by its pid when the block ends (terminate, then kill).
Load is bounded in count and time, and round-robin over the gateways.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from ..redis_server import free_port

ROOT = Path(__file__).parents[2]
API_KEY = "fleet-test-key"
START_TIMEOUT = 30.0


@dataclass
class Running:
    """One `gql-server` process on its port."""

    name: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def metric(self, name: str) -> float | None:
        """A sample without labels from this process's /metrics, or None when absent."""
        text = httpx.get(f"{self.url}/metrics", timeout=5).text
        found = re.search(rf"^{re.escape(name)} (\S+)$", text, re.MULTILINE)
        return float(found.group(1)) if found else None

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                return self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
        return self.process.wait(5)


def clean_env(**settings: str) -> dict[str, str]:
    """This process's environment without any setting of ours, plus `settings`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FACTORIAL_", "GQL_"))}
    return {**env, **settings}


@contextmanager
def gql_server(
    name: str, *args: str, env: dict[str, str], ready_path: str | None
) -> Iterator[Running]:
    """Run `gql-server ARGS --port P` until the block ends; started once `ready_path` answers
    200 (None: once anything answers)."""
    port = free_port()
    log = ROOT / "test-output" / f"fleet-{name}-{port}.log"
    log.parent.mkdir(exist_ok=True)
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gql_server", *args, "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
    running = Running(name, port, process, log)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                response = httpx.get(f"{running.url}{ready_path or '/'}", timeout=1)
                if ready_path is None or response.status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, running.output()
            assert time.monotonic() < deadline, f"{name} did not start: {running.output()}"
            time.sleep(0.1)
        yield running
    finally:
        running.stop()


@dataclass
class Fleet:
    simulator: Running
    gateways: list[Running]
    env: dict[str, str] = field(default_factory=dict)
    """The gateways' environment, for starting another (`gql_server(..., env=fleet.env)`)."""


@contextmanager
def running_fleet(
    redis_url: str | None,
    size: int = 3,
    resources: int = 20,
    *,
    simulate_args: tuple[str, ...] = (),
    credential: Callable[[Running], dict[str, str]] | None = None,
    **settings: str,
) -> Iterator[Fleet]:
    """A simulator (`simulate_args` added to its command) and `size` gateways on it, sharing
    `redis_url` (none: each on its own). The gateways hold API_KEY, or the settings that
    `credential` gives once the simulator answers."""
    with ExitStack() as stack:
        simulator = stack.enter_context(
            gql_server(
                "simulator",
                "simulate",
                "--resources",
                str(resources),
                *simulate_args,
                env=clean_env(),
                ready_path=None,
            )
        )
        held = {"FACTORIAL_API_KEY": API_KEY} if credential is None else credential(simulator)
        env = clean_env(
            FACTORIAL_BASE_URL=simulator.url,
            GQL_LOG_FORMAT="json",
            GQL_FLEET_SIZE=str(size),
            **held,
            **settings,
        )
        if redis_url is not None:
            env["GQL_REDIS_URL"] = redis_url
        gateways = [
            stack.enter_context(gql_server(f"gateway{i}", "serve", env=env, ready_path="/readyz"))
            for i in range(size)
        ]
        yield Fleet(simulator, gateways, env)


@dataclass
class Tally:
    """What the clients of a load saw."""

    statuses: Counter[int] = field(default_factory=Counter)
    without_data: int = 0
    failures: list[str] = field(default_factory=list)

    @property
    def answered(self) -> int:
        return sum(self.statuses.values())


class Load:
    """`clients` threads sending `body` round-robin over the gateways until stopped, or at
    most `limit` requests: it stops by itself."""

    def __init__(
        self, gateways: list[Running], body: dict[str, object], clients: int = 6, limit: int = 2000
    ) -> None:
        self.urls = [f"{g.url}/graphql" for g in gateways]
        self.body = body
        self.clients = clients
        self.limit = limit
        self.tally = Tally()
        self._sent = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._pool = ThreadPoolExecutor(clients)

    def _next(self) -> str | None:
        with self._lock:
            if self._stop.is_set() or self._sent >= self.limit:
                return None
            self._sent += 1
            return self.urls[self._sent % len(self.urls)]

    def _client(self) -> None:
        with httpx.Client(timeout=15) as http:
            while (url := self._next()) is not None:
                try:
                    response = http.post(url, json=self.body)
                except httpx.TransportError as error:
                    with self._lock:
                        self.tally.failures.append(type(error).__name__)
                    continue
                with self._lock:
                    self.tally.statuses[response.status_code] += 1
                    if response.json().get("data") is None:
                        self.tally.without_data += 1

    def __enter__(self) -> Load:
        for _ in range(self.clients):
            self._pool.submit(self._client)
        return self

    def wait_for(self, answered: int, timeout: float = 60.0) -> None:
        """Until `answered` requests have been answered in all (bounded by `timeout`)."""
        deadline = time.monotonic() + timeout
        while self.tally.answered + len(self.tally.failures) < answered:
            assert time.monotonic() < deadline, f"load stalled at {self.tally}"
            time.sleep(0.05)

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._pool.shutdown(wait=True)


def wait_until(condition: object, timeout: float = 20.0, what: str = "") -> None:
    """Poll `condition()` until it holds, failing after `timeout` seconds."""
    assert callable(condition)
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"not within {timeout} s: {what}"
        time.sleep(0.1)
