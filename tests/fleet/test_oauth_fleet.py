"""Three gateway processes sharing one OAuth client's tokens through one Redis, under load,
through several rotations: one refresh per expiry across the fleet, never an invalid_grant,
the stored pair encrypted."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import httpx
import redis
from cryptography.fernet import Fernet

from ..redis_server import RedisServer
from .harness import Load, Running, running_fleet, wait_until

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
