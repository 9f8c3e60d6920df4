"""Factorial's token endpoint: `POST {base}/oauth/token` with a form body, as documented."""

from __future__ import annotations

from collections.abc import Mapping

import httpx
import msgspec

from .errors import UpstreamUnavailable
from .token_pair import TokenPair

_JSON = msgspec.json.Decoder()
TOKEN_TIMEOUT = 10.0


class GrantRefused(Exception):
    """Factorial refused the grant (`invalid_grant`, or the client itself): asking again with
    the same refresh token cannot work. The message names no secret."""


async def request_tokens(
    http: httpx.AsyncClient, token_url: str, form: Mapping[str, str], seed: str
) -> TokenPair:
    """A new pair for `form` (grant_type and its fields, client id and secret).

    GrantRefused when Factorial refuses it; UpstreamUnavailable when it cannot say (the
    grant may still be good: try again later)."""
    try:
        response = await http.post(token_url, data=dict(form), timeout=TOKEN_TIMEOUT)
    except httpx.HTTPError as error:
        message = "Factorial's token endpoint could not be reached."
        raise UpstreamUnavailable(message, cause=type(error).__name__) from None
    try:
        body = _JSON.decode(response.content)
    except msgspec.DecodeError:
        body = None
    if response.status_code in (400, 401):
        code = body.get("error") if isinstance(body, dict) else None
        if code in ("invalid_grant", "invalid_client", "unauthorized_client"):
            raise GrantRefused(str(code))
    if response.status_code != 200:
        message = f"Factorial's token endpoint answered {response.status_code}."
        raise UpstreamUnavailable(message, status=response.status_code)
    try:
        return TokenPair.from_answer(body, seed)
    except ValueError:
        message = "Factorial's token endpoint sent no usable token pair."
        raise UpstreamUnavailable(message, cause="bad body") from None
