"""The simulator's OAuth: authorization code, refresh with rotation, expiry answered 401."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx

from gql_server.simulator import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, OAuthServer, Simulator

from .support import BASE_URL, small_store, url

REDIRECT = "http://127.0.0.1:9999/callback"


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def simulator(clock: Clock | None = None) -> tuple[Simulator, OAuthServer]:
    oauth = OAuthServer(access_seconds=60, clock=clock or Clock())
    return Simulator(small_store(), oauth=oauth), oauth


def client_for(sim: Simulator) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=sim.app), base_url=BASE_URL)


async def refresh(http: httpx.AsyncClient, refresh_token: str) -> httpx.Response:
    return await http.post(
        "/oauth/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
            "client_id": DEMO_CLIENT_ID,
            "client_secret": DEMO_CLIENT_SECRET,
        },
    )


async def test_the_authorization_code_flow_gives_a_pair_that_opens_the_api() -> None:
    sim, _ = simulator()
    async with client_for(sim) as http:
        authorize = await http.get(
            "/oauth/authorize",
            params={
                "client_id": DEMO_CLIENT_ID,
                "redirect_uri": REDIRECT,
                "response_type": "code",
                "state": "xyz",
            },
        )
        assert authorize.status_code == 302
        location = urlsplit(authorize.headers["location"])
        assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
        query = parse_qs(location.query)
        assert query["state"] == ["xyz"]
        form = {
            "grant_type": "authorization_code",
            "code": query["code"][0],
            "redirect_uri": REDIRECT,
            "client_id": DEMO_CLIENT_ID,
            "client_secret": DEMO_CLIENT_SECRET,
        }
        token = await http.post("/oauth/token", data=form)
        assert token.status_code == 200
        body = token.json()
        assert body["token_type"] == "Bearer"
        assert body["expires_in"] == 60
        assert body["scope"] == "custom_fields"
        assert isinstance(body["created_at"], int)
        bearer = {"authorization": f"Bearer {body['access_token']}"}
        assert (await http.get(url("schemas"), headers=bearer)).status_code == 200
        # A code is good once.
        again = await http.post("/oauth/token", data=form)
        assert again.status_code == 400
        assert again.json()["error"] == "invalid_grant"


async def test_a_refresh_rotates_and_the_old_refresh_token_is_dead() -> None:
    sim, oauth = simulator()
    first = oauth.issue()
    async with client_for(sim) as http:
        response = await refresh(http, first.refresh_token)
        assert response.status_code == 200
        second = response.json()
        assert second["refresh_token"] != first.refresh_token
        reused = await refresh(http, first.refresh_token)
        assert reused.status_code == 400
        assert reused.json()["error"] == "invalid_grant"
        assert (await refresh(http, second["refresh_token"])).status_code == 200
    assert len(oauth.refreshes) == 2
    assert oauth.refused == 1


async def test_an_expired_access_token_is_answered_401_and_a_wrong_secret_refused() -> None:
    clock = Clock()
    sim, oauth = simulator(clock)
    grant = oauth.issue()
    bearer = {"authorization": f"Bearer {grant.access_token}"}
    async with client_for(sim) as http:
        assert (await http.get(url("schemas"), headers=bearer)).status_code == 200
        clock.now += 61
        assert (await http.get(url("schemas"), headers=bearer)).status_code == 401
        # Other bearer tokens keep the simulator's usual rule (any non-empty one).
        other = {"authorization": "Bearer anything"}
        assert (await http.get(url("schemas"), headers=other)).status_code == 200
        wrong = await http.post(
            "/oauth/token",
            data={
                "grant_type": "refresh_token",
                "refresh_token": grant.refresh_token,
                "client_id": DEMO_CLIENT_ID,
                "client_secret": "wrong",
            },
        )
        assert wrong.status_code == 401
        assert wrong.json()["error"] == "invalid_client"


async def test_a_revoked_refresh_token_is_refused() -> None:
    sim, oauth = simulator()
    grant = oauth.issue()
    oauth.revoke()
    async with client_for(sim) as http:
        response = await refresh(http, grant.refresh_token)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"
    stats_sim, stats_oauth = simulator()
    async with client_for(stats_sim) as http:
        await refresh(http, stats_oauth.issue().refresh_token)
        stats = (await http.get("/_simulator/oauth")).json()
    assert stats == {"refreshes": [60.0], "refused": 0, "access_seconds": 60}
