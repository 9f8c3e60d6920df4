"""Factorial's OAuth endpoints, Doorkeeper-style: authorize, token, rotation that revokes.

`GET /oauth/authorize` approves at once (the simulator has no login page) and redirects to
`redirect_uri?code=…&state=…`. `POST /oauth/token` (form body) exchanges a code or a refresh
token for `{access_token, token_type, expires_in, refresh_token, scope, created_at}`. Every
refresh hands out a new refresh token and revokes the one used, as Doorkeeper does with
`revoke_previous_refresh_token_on_use`; a refused grant answers 400 `invalid_grant`. Access
tokens stay valid until they expire, then the API answers them 401. `GET /_simulator/oauth`
(not Factorial's) reports the refreshes granted and refused, and `POST /_simulator/oauth/revoke`
revokes every refresh token, for tests in another process.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

DEMO_CLIENT_ID = "demo-client-id"
DEMO_CLIENT_SECRET = "demo-client-secret"  # noqa: S105 - the simulator's published demo secret
SCOPE = "custom_fields"


@dataclass(slots=True)
class Grant:
    """One issued pair: its access token's expiry and whether its refresh token still works."""

    access_token: str
    refresh_token: str
    client_id: str
    issued_at: float
    expires_at: float
    refresh_expires_at: float
    refresh_alive: bool = True


@dataclass(frozen=True, slots=True)
class Refresh:
    """A refresh the token endpoint granted: how long the previous access token had left."""

    previous_remaining: float


class OAuthServer:
    """The token side of the simulator.

    `clients` maps client ids to secrets. `access_seconds` / `refresh_seconds` are the
    lifetimes handed out. `refreshes` lists each granted refresh; `refused` counts grants
    answered `invalid_grant`.
    """

    def __init__(
        self,
        clients: Mapping[str, str] | None = None,
        *,
        access_seconds: int = 7200,
        refresh_seconds: int = 7 * 24 * 3600,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.clients = dict(clients or {DEMO_CLIENT_ID: DEMO_CLIENT_SECRET})
        self.access_seconds = access_seconds
        self.refresh_seconds = refresh_seconds
        self._clock = clock
        self._by_access: dict[str, Grant] = {}
        self._by_refresh: dict[str, Grant] = {}
        self._codes: dict[str, tuple[str, str]] = {}
        self.refreshes: list[Refresh] = []
        self.refused = 0

    def issue(self, client_id: str = DEMO_CLIENT_ID) -> Grant:
        """A new pair for `client_id`, as an authorization would give (for tests and demos)."""
        now = self._clock()
        grant = Grant(
            access_token=secrets.token_urlsafe(24),
            refresh_token=secrets.token_urlsafe(24),
            client_id=client_id,
            issued_at=now,
            expires_at=now + self.access_seconds,
            refresh_expires_at=now + self.refresh_seconds,
        )
        self._by_access[grant.access_token] = grant
        self._by_refresh[grant.refresh_token] = grant
        return grant

    def revoke(self, refresh_token: str | None = None) -> None:
        """Revoke one refresh token, or every one (a person disconnecting the app)."""
        for token, grant in self._by_refresh.items():
            if refresh_token is None or token == refresh_token:
                grant.refresh_alive = False

    def knows(self, access_token: str) -> bool:
        """Whether `access_token` was issued here (valid or not)."""
        return access_token in self._by_access

    def accepts(self, access_token: str) -> bool:
        """Whether `access_token` was issued here and has not expired."""
        grant = self._by_access.get(access_token)
        return grant is not None and self._clock() < grant.expires_at

    async def authorize(self, request: Request) -> Response:
        params = request.query_params
        client_id = params.get("client_id", "")
        redirect_uri = params.get("redirect_uri", "")
        if client_id not in self.clients or not redirect_uri:
            return _error(400, "invalid_request", "client_id and redirect_uri are required")
        if params.get("response_type") != "code":
            return _error(400, "unsupported_response_type", "response_type must be code")
        code = secrets.token_urlsafe(16)
        self._codes[code] = (client_id, redirect_uri)
        answer = {"code": code}
        if "state" in params:
            answer["state"] = params["state"]
        separator = "&" if "?" in redirect_uri else "?"
        return RedirectResponse(redirect_uri + separator + urlencode(answer), status_code=302)

    async def token(self, request: Request) -> Response:
        # A form body, read without python-multipart (which Starlette would need).
        form = parse_qs((await request.body()).decode("utf-8", "replace"))

        def field(name: str) -> str:
            return form.get(name, [""])[0]

        client_id = field("client_id")
        if not client_id or self.clients.get(client_id) != field("client_secret"):
            return _error(401, "invalid_client", "Client authentication failed")
        grant_type = field("grant_type")
        if grant_type == "authorization_code":
            issued = self._codes.pop(field("code"), None)
            if issued is None or issued != (client_id, field("redirect_uri")):
                return self._refuse()
            return _pair(self.issue(client_id))
        if grant_type == "refresh_token":
            old = self._by_refresh.get(field("refresh_token"))
            now = self._clock()
            if (
                old is None
                or not old.refresh_alive
                or old.client_id != client_id
                or now >= old.refresh_expires_at
            ):
                return self._refuse()
            old.refresh_alive = False  # rotation: the refresh token used is dead from now on
            self.refreshes.append(Refresh(previous_remaining=old.expires_at - now))
            return _pair(self.issue(client_id))
        return _error(400, "unsupported_grant_type", "grant_type is not supported")

    async def describe(self, request: Request) -> Response:
        """What a test in another process needs to see: refreshes granted and refused."""
        return JSONResponse(
            {
                "refreshes": [r.previous_remaining for r in self.refreshes],
                "refused": self.refused,
                "access_seconds": self.access_seconds,
            }
        )

    async def revoke_all(self, request: Request) -> Response:
        """Every refresh token revoked, as when a person disconnects the application."""
        self.revoke()
        return Response(status_code=204)

    def _refuse(self) -> Response:
        self.refused += 1
        return _error(
            400, "invalid_grant", "The provided authorization grant is invalid, expired or revoked"
        )


def _pair(grant: Grant) -> Response:
    body: dict[str, Any] = {
        "access_token": grant.access_token,
        "token_type": "Bearer",
        "expires_in": round(grant.expires_at - grant.issued_at),
        "refresh_token": grant.refresh_token,
        "scope": SCOPE,
        "created_at": int(grant.issued_at),
    }
    return JSONResponse(body, headers={"cache-control": "no-store"})


def _error(status: int, error: str, description: str) -> Response:
    return JSONResponse({"error": error, "error_description": description}, status_code=status)
