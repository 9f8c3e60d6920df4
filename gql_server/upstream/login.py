"""The authorization-code flow for a person setting the server up: authorize URL, loopback
redirect, code exchanged for the first pair, which is stored where the server finds it."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from .oauth import Sealer, TokenVault
from .token_endpoint import GrantRefused, request_tokens
from .token_pair import LOGIN_SEED

CALLBACK_PATH = "/callback"
SCOPE = "custom_fields"
_DONE_PAGE = b"The gql-server now holds Factorial tokens. You can close this page.\n"


class LoginFailed(Exception):
    """The flow could not complete; the message says why (never a secret)."""


async def login(
    http: httpx.AsyncClient,
    *,
    base_url: str,
    client_id: str,
    client_secret: str,
    vault: TokenVault,
    sealer: Sealer,
    port: int,
    show: Callable[[str], None],
    wait_seconds: float = 600.0,
) -> None:
    """Wait on 127.0.0.1:`port` for Factorial's redirect after `show`ing the authorize URL;
    exchange its code and store the pair, marked newer than any configured refresh token."""
    state = secrets.token_urlsafe(16)
    redirect_uri = f"http://127.0.0.1:{port}{CALLBACK_PATH}"
    arrived: asyncio.Future[dict[str, list[str]]] = asyncio.get_running_loop().create_future()

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        request_line = (await reader.readline()).decode("latin-1").split(" ")
        target = urlsplit(request_line[1] if len(request_line) > 1 else "/")
        query = parse_qs(target.query)
        ours = target.path == CALLBACK_PATH and query.get("state") == [state]
        status = b"200 OK" if ours else b"404 Not Found"
        body = _DONE_PAGE if ours else b"Not found\n"
        writer.write(b"HTTP/1.1 " + status + b"\r\ncontent-type: text/plain\r\n")
        writer.write(b"content-length: %d\r\nconnection: close\r\n\r\n" % len(body) + body)
        await writer.drain()
        writer.close()
        if ours and not arrived.done():
            arrived.set_result(query)

    server = await asyncio.start_server(answer, "127.0.0.1", port)
    async with server:
        params = {
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "response_type": "code",
            "scope": SCOPE,
            "state": state,
        }
        show(f"{base_url}/oauth/authorize?{urlencode(params)}")
        try:
            query = await asyncio.wait_for(arrived, wait_seconds)
        except TimeoutError:
            raise LoginFailed(f"no authorization arrived within {wait_seconds:.0f} s") from None
    if "code" not in query:
        raise LoginFailed(f"the authorization was refused ({query.get('error', ['?'])[0]})")
    form = {
        "grant_type": "authorization_code",
        "code": query["code"][0],
        "redirect_uri": redirect_uri,
        "client_id": client_id,
        "client_secret": client_secret,
    }
    try:
        pair = await request_tokens(http, f"{base_url}/oauth/token", form, LOGIN_SEED)
    except GrantRefused as refused:
        raise LoginFailed(f"Factorial refused the code ({refused})") from None
    await vault.save(sealer.seal(pair.encode()))
