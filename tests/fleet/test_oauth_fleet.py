"""Three gateway processes sharing one OAuth client's tokens through one Redis, under load,
through several rotations and a restart: one refresh per expiry across the fleet, never an
invalid_grant, the stored pair encrypted; then a revoked fleet healed by `oauth login`."""

from __future__ import annotations

import json
import subprocess
import sys
from urllib.parse import parse_qs, urlsplit

import httpx
import redis
from cryptography.fernet import Fernet

from ..redis_server import RedisServer, free_port
from .harness import Load, Running, clean_env, gql_server, running_fleet, wait_until

QUERY = {"query": "{ schemas(first: 10) { totalCount nodes { id name } } }"}
CLIENT_ID, CLIENT_SECRET = "demo-client-id", "demo-client-secret"
LIFETIME = 3
REDIRECT = "http://127.0.0.1:1/callback"


def authorize(simulator: Running) -> str:
    """A first refresh token, from the simulator's authorization-code flow."""
    with httpx.Client(base_url=simulator.url, timeout=10) as http:
        answer = http.get(
            "/oauth/authorize",
            params={"client_id": CLIENT_ID, "redirect_uri": REDIRECT, "response_type": "code"},
        )
        code = parse_qs(urlsplit(answer.headers["location"]).query)["code"][0]
        pair = http.post(
            "/oauth/token",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": REDIRECT,
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
            },
        ).json()
    token: str = pair["refresh_token"]
    return token


def oauth_stats(simulator: Running) -> dict[str, object]:
    stats: dict[str, object] = httpx.get(f"{simulator.url}/_simulator/oauth", timeout=5).json()
    return stats


def test_three_processes_share_one_rotation_at_a_time(redis_server: RedisServer) -> None:
    first: list[str] = []
    key = Fernet.generate_key()

    def oauth_client(simulator: Running) -> dict[str, str]:
        first.append(authorize(simulator))
        return {
            "FACTORIAL_OAUTH_CLIENT_ID": CLIENT_ID,
            "FACTORIAL_OAUTH_CLIENT_SECRET": CLIENT_SECRET,
            "FACTORIAL_OAUTH_REFRESH_TOKEN": first[0],
        }

    with running_fleet(
        redis_server.url,
        size=3,
        simulate_args=("--oauth-access-seconds", str(LIFETIME)),
        credential=oauth_client,
        GQL_REDIS_TIMEOUT="1",
        GQL_STATE_KEY=key.decode(),
    ) as fleet:
        with Load(fleet.gateways, QUERY, clients=6, limit=20_000) as load:
            wait_until(
                lambda: len(oauth_stats(fleet.simulator)["refreshes"]) >= 5,  # type: ignore[arg-type]
                timeout=90,
                what="five rotations",
            )
        stats = oauth_stats(fleet.simulator)
        client = redis.Redis.from_url(redis_server.url)
        keys = [key.decode() for key in client.keys("*")]
        vault = [k for k in keys if k.startswith("gql:vault:") and not k.endswith(":lock")]
        sealed = client.get(vault[0])
        # Encrypted at rest in Redis (GQL_STATE_KEY).
        assert b"token" not in sealed
        stored = json.loads(Fernet(key).decrypt(sealed))
        client.close()
        outputs = [gateway.output() for gateway in fleet.gateways]
        # A restart between rotations: the whole fleet stops, and a new process (configured
        # with the first refresh token, long spent) carries on from the pair in Redis.
        for gateway in fleet.gateways:
            gateway.stop()
        before = len(oauth_stats(fleet.simulator)["refreshes"])  # type: ignore[arg-type]
        failed: list[dict[str, object]] = []

        def rotated_after_restart() -> bool:
            answer = ask(again)
            if "errors" in answer:
                failed.append(answer)
            return len(oauth_stats(fleet.simulator)["refreshes"]) > before  # type: ignore[arg-type]

        with gql_server("restarted", "serve", env=fleet.env, ready_path="/readyz") as again:
            wait_until(rotated_after_restart, timeout=30, what="a rotation after the restart")
            assert "errors" not in ask(again)
            outputs.append(again.output())
        assert failed == []
        stats = oauth_stats(fleet.simulator)
    tally = load.tally
    assert tally.failures == []
    assert set(tally.statuses) == {200}, tally.statuses
    assert tally.without_data == 0 and tally.answered > 0
    assert stats["refused"] == 0  # never an invalid_grant: no refresh token was spent twice
    refreshes = stats["refreshes"]
    assert isinstance(refreshes, list)
    # One refresh per expiry across the fleet: after the first (no access token at start),
    # none while the access token had most of its life left, as a second process's would.
    assert all(left < 0.75 * LIFETIME for left in refreshes[1:]), refreshes
    secrets = [first[0], stored["access_token"], stored["refresh_token"], CLIENT_SECRET]
    for text in [*outputs, *keys]:
        assert not [secret for secret in secrets if secret in text]


def ask(gateway: Running) -> dict[str, object]:
    answer: dict[str, object] = httpx.post(f"{gateway.url}/graphql", json=QUERY, timeout=15).json()
    return answer


def refused(gateway: Running) -> bool:
    errors = ask(gateway).get("errors")
    return isinstance(errors, list) and errors[0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_a_revoked_fleet_says_why_and_resumes_once_oauth_login_stores_tokens(
    redis_server: RedisServer,
) -> None:
    key = Fernet.generate_key().decode()

    def oauth_client(simulator: Running) -> dict[str, str]:
        return {
            "FACTORIAL_OAUTH_CLIENT_ID": CLIENT_ID,
            "FACTORIAL_OAUTH_CLIENT_SECRET": CLIENT_SECRET,
            "FACTORIAL_OAUTH_REFRESH_TOKEN": authorize(simulator),
        }

    with running_fleet(
        redis_server.url,
        size=2,
        simulate_args=("--oauth-access-seconds", str(LIFETIME)),
        credential=oauth_client,
        GQL_REDIS_TIMEOUT="1",
        GQL_STATE_KEY=key,
    ) as fleet:
        gateways, simulator = fleet.gateways, fleet.simulator
        assert all("errors" not in ask(gateway) for gateway in gateways)
        # The person who authorized the server disconnects it in Factorial.
        httpx.post(f"{simulator.url}/_simulator/oauth/revoke", timeout=5)
        for gateway in gateways:
            wait_until(lambda g=gateway: refused(g), timeout=30, what=f"{gateway.name} refused")
            error = ask(gateway)["errors"][0]  # type: ignore[index]
            assert "gql-server oauth login" in error["message"]
            ready = httpx.get(f"{gateway.url}/readyz", timeout=5)
            assert ready.status_code == 503
            assert "refused the server's OAuth tokens" in ready.json()["reason"]
        # `gql-server oauth login` with the fleet's settings stores new tokens in Redis.
        env = clean_env(
            FACTORIAL_BASE_URL=simulator.url,
            GQL_REDIS_URL=redis_server.url,
            GQL_STATE_KEY=key,
            FACTORIAL_OAUTH_CLIENT_ID=CLIENT_ID,
            FACTORIAL_OAUTH_CLIENT_SECRET=CLIENT_SECRET,
        )
        output = run_login(env)
        assert "tokens stored in Redis (GQL_REDIS_URL)" in output
        for gateway in gateways:
            wait_until(
                lambda g=gateway: httpx.get(f"{g.url}/readyz", timeout=5).status_code == 200,
                what=f"{gateway.name} ready again",
            )
            assert "errors" not in ask(gateway)
        outputs = [gateway.output() for gateway in gateways]
    assert not [text for text in outputs if CLIENT_SECRET in text]
    assert all(text.count("refused the server's OAuth tokens") >= 1 for text in outputs)


def run_login(env: dict[str, str]) -> str:
    """`gql-server oauth login`, with a browser following Factorial's redirect."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gql_server", "oauth", "login", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        lines = []
        while not (line := process.stdout.readline()).strip().startswith("http"):
            assert line, "".join(lines)
            lines.append(line)
        httpx.get(line.strip(), follow_redirects=True, timeout=10)
        output = "".join(lines) + line + process.stdout.read()
        assert process.wait(20) == 0, output
        return output
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(5)
