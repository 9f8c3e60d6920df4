"""The server-held OAuth credential over the simulator's OAuth: refresh ahead of expiry and
after a 401, rotation stored in a 0600 file, a restart, a refusal explained and healed."""

from __future__ import annotations

import asyncio
import logging
import stat
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from gql_server.app import create_app
from gql_server.config import Settings
from gql_server.simulator import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, OAuthServer, Simulator
from gql_server.upstream.token_file import TOKENS_FILE, FileVault
from gql_server.upstream.token_pair import LOGIN_SEED, TokenPair

from ..gateway import UPSTREAM_URL, Gateway, build_store

QUERY = "{ schemas(first: 5) { nodes { id name } } }"


class Clock:
    """The simulator's clock, ahead of the gateway's when a test wants a token to expire."""

    def __init__(self) -> None:
        self.ahead = 0.0

    def __call__(self) -> float:
        return time.time() + self.ahead


def oauth_simulator(access_seconds: int = 3600, clock: Clock | None = None) -> Simulator:
    oauth = OAuthServer(access_seconds=access_seconds, clock=clock or Clock())
    return Simulator(build_store(schemas=2), oauth=oauth)


def oauth_of(sim: Simulator) -> OAuthServer:
    assert sim.oauth is not None
    return sim.oauth


@asynccontextmanager
async def oauth_gateway(
    sim: Simulator, state_dir: Path, refresh_token: str, **settings: Any
) -> AsyncIterator[tuple[Gateway, Any]]:
    values: dict[str, Any] = {
        "factorial_base_url": UPSTREAM_URL,
        "factorial_oauth_client_id": DEMO_CLIENT_ID,
        "factorial_oauth_client_secret": DEMO_CLIENT_SECRET,
        "factorial_oauth_refresh_token": refresh_token,
        "gql_state_dir": state_dir,
        "gql_demo": False,
        **settings,
    }
    app = create_app(Settings(**values), transport=httpx.ASGITransport(app=sim.app))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as http:
            yield Gateway(http, sim), app


async def test_tokens_that_expire_every_few_seconds_fail_no_request(tmp_path: Path) -> None:
    sim = oauth_simulator(access_seconds=3)
    oauth = oauth_of(sim)
    first = oauth.issue()
    failures: list[Any] = []
    answered = 0
    async with oauth_gateway(sim, tmp_path, first.refresh_token) as (gateway, _):

        async def client() -> None:
            nonlocal answered
            while len(oauth.refreshes) < 4:
                body = await gateway.query(QUERY)
                answered += 1
                if "errors" in body or body["data"]["schemas"] is None:
                    failures.append(body)

        await asyncio.wait_for(asyncio.gather(*(client() for _ in range(4))), timeout=60)
    assert failures == []
    assert answered > 0
    assert oauth.refused == 0
    # Each rotation was one refresh: none while the access token had most of its life left
    # (a second refresh of a fresh pair would have all of it). Refreshes come at most a quarter
    # of the lifetime plus a second (`created_at` counts whole seconds) before expiry. The first
    # one is excepted: the server starts with a refresh token and no access token.
    remaining = [refresh.previous_remaining for refresh in oauth.refreshes[1:]]
    assert all(left < 0.75 * 3 for left in remaining), remaining


async def test_the_rotated_pair_is_stored_0600_and_survives_a_restart(tmp_path: Path) -> None:
    sim = oauth_simulator(access_seconds=2)
    oauth = oauth_of(sim)
    first = oauth.issue()
    # The configured refresh token is used once, then dead: the restarts below must not use it.
    for _ in range(3):
        async with oauth_gateway(sim, tmp_path, first.refresh_token) as (gateway, _):
            before = len(oauth.refreshes)
            assert (await gateway.data(QUERY))["schemas"]["nodes"]
            while len(oauth.refreshes) == before:
                assert (await gateway.data(QUERY))["schemas"]["nodes"]
                await asyncio.sleep(0.05)
    stored = tmp_path / TOKENS_FILE
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert oauth.refused == 0
    assert len(oauth.refreshes) >= 3


async def test_a_401_refreshes_once_and_the_request_succeeds(tmp_path: Path) -> None:
    clock = Clock()
    sim = oauth_simulator(access_seconds=3600, clock=clock)
    oauth = oauth_of(sim)
    async with oauth_gateway(sim, tmp_path, oauth.issue().refresh_token) as (gateway, _):
        assert (await gateway.data(QUERY))["schemas"]["nodes"]
        assert len(oauth.refreshes) == 1  # no access token yet: the first request got one
        # Factorial's clock says the token expired although ours says it has an hour left.
        clock.ahead = 4000
        results = await asyncio.gather(*(gateway.query(QUERY) for _ in range(5)))
    assert all("errors" not in body for body in results), results
    assert len(oauth.refreshes) == 2
    assert oauth.refused == 0


async def test_a_refused_refresh_token_is_explained_until_new_tokens_are_stored(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    clock = Clock()
    sim = oauth_simulator(access_seconds=3600, clock=clock)
    oauth = oauth_of(sim)
    first = oauth.issue()
    secrets = {first.access_token, first.refresh_token, DEMO_CLIENT_SECRET}
    async with oauth_gateway(sim, tmp_path, first.refresh_token) as (gateway, _app):
        assert (await gateway.data(QUERY))["schemas"]["nodes"]
        assert (await gateway.http.get("/readyz")).status_code == 200
        oauth.revoke()
        clock.ahead = 4000
        body = await gateway.query(QUERY)
        error = body["errors"][0]
        assert error["extensions"]["code"] == "UNAUTHENTICATED"
        assert "refused the server's OAuth tokens" in error["message"]
        assert "gql-server oauth login" in error["message"]
        ready = await gateway.http.get("/readyz")
        assert ready.status_code == 503
        assert "gql-server oauth login" in ready.json()["reason"]
        # A request with its own credential keeps acting with it.
        own = await gateway.query(QUERY, headers={"x-api-key": "client-key"})
        assert "errors" not in own
        refreshes = len(oauth.refreshes)
        # A person stores new tokens (what `gql-server oauth login` does): the server resumes.
        clock.ahead = 0
        fresh = oauth.issue()
        secrets |= {fresh.access_token, fresh.refresh_token}
        await store_pair(tmp_path, fresh.access_token, fresh.refresh_token)
        assert (await gateway.http.get("/readyz")).status_code == 200
        assert (await gateway.data(QUERY))["schemas"]["nodes"]
        assert len(oauth.refreshes) == refreshes  # the stored access token was used as is
        metrics = (await gateway.http.get("/metrics")).text
        seen = [metrics, str(body), ready.text, *(r.getMessage() for r in caplog.records)]
        seen += [str(r.__dict__) for r in caplog.records]
    assert not [s for s in secrets for text in seen if s in text]
    assert any("refused the server's OAuth tokens" in r.getMessage() for r in caplog.records)


async def store_pair(state_dir: Path, access: str, refresh: str) -> None:
    """Write a pair as `gql-server oauth login` does: newer than the configured refresh token."""
    pair = TokenPair(access, refresh, time.time() + 3600, 3600.0, LOGIN_SEED)
    await FileVault(state_dir).save(pair.encode())


async def test_a_server_without_tokens_is_not_ready_until_they_are_stored(tmp_path: Path) -> None:
    sim = oauth_simulator()
    oauth = oauth_of(sim)
    async with oauth_gateway(sim, tmp_path, "", factorial_oauth_refresh_token=None) as (gw, _):
        ready = await gw.http.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["reason"].startswith("the server holds no OAuth tokens yet")
        body = await gw.query(QUERY)
        assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        assert sim.total_calls == 0  # refused before any upstream call
        fresh = oauth.issue()
        await store_pair(tmp_path, fresh.access_token, fresh.refresh_token)
        assert (await gw.http.get("/readyz")).status_code == 200
        assert (await gw.data(QUERY))["schemas"]["nodes"]


async def test_a_new_configured_refresh_token_wins_over_pairs_refreshed_from_an_older_one(
    tmp_path: Path,
) -> None:
    sim = oauth_simulator()
    oauth = oauth_of(sim)
    async with oauth_gateway(sim, tmp_path, oauth.issue().refresh_token) as (gateway, _):
        assert (await gateway.data(QUERY))["schemas"]["nodes"]
    assert len(oauth.refreshes) == 1
    # The operator sets a new first refresh token: it is used, not the stored (valid) pair.
    newer = oauth.issue()
    async with oauth_gateway(sim, tmp_path, newer.refresh_token) as (gateway, _):
        assert (await gateway.data(QUERY))["schemas"]["nodes"]
    assert len(oauth.refreshes) == 2
    assert oauth.refused == 0
    # And the pair refreshed from it is what the next restart uses: no refresh.
    async with oauth_gateway(sim, tmp_path, newer.refresh_token) as (gateway, _):
        assert (await gateway.data(QUERY))["schemas"]["nodes"]
    assert len(oauth.refreshes) == 2


async def test_a_failing_token_endpoint_fails_no_request_while_the_token_still_works(
    tmp_path: Path,
) -> None:
    sim = oauth_simulator()
    oauth = oauth_of(sim)
    token_calls = 0
    inner = sim.app

    async def token_endpoint_down(scope: Any, receive: Any, send: Any) -> None:
        nonlocal token_calls
        if scope["type"] == "http" and scope["path"] == "/oauth/token":
            token_calls += 1
            await send({"type": "http.response.start", "status": 503, "headers": []})
            await send({"type": "http.response.body", "body": b""})
            return
        await inner(scope, receive, send)

    sim.app = token_endpoint_down  # type: ignore[assignment]
    # A pair within its refresh margin (100 s of 3600 left) but not expired.
    fresh = oauth.issue()
    pair = TokenPair(fresh.access_token, fresh.refresh_token, time.time() + 100, 3600.0, LOGIN_SEED)
    await FileVault(tmp_path).save(pair.encode())
    async with oauth_gateway(sim, tmp_path, fresh.refresh_token) as (gateway, _):
        for _ in range(5):
            assert (await gateway.data(QUERY))["schemas"]["nodes"]
    assert token_calls >= 1  # a refresh was due and tried
    assert oauth.refreshes == []
