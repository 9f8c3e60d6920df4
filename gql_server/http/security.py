"""Cross-site posture of /graphql: allowed Host names, CSRF prevention and CORS.

The threat is a browser page on another site making a user's browser (which can reach this
server, on localhost or an intranet) send a request that the server then runs with the
credential *it* holds:

- a cross-site "simple" request (GET, or POST with a form or text/plain body) is sent without
  a CORS preflight. POST must be `application/json` anyway, and with CSRF prevention on, a GET
  must carry a header no simple request can have: `x-apollo-operation-name`,
  `apollo-require-preflight`, or a `content-type` that is not a form or text type (what Apollo
  Client sends). Requests carrying their own `Authorization`/`x-api-key` never act with the
  server's credential, and those headers force a preflight anyway.
- DNS rebinding points the attacker's host name at this server, making its page same-origin;
  only the `Host` header tells, so it is checked against an allow-list.
- CORS grants cross-origin reads to the configured origins only, and never a wildcard with
  credentials (Settings refuses that combination).
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.datastructures import Headers
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware

from .request import HTTPError

# Headers that are not CORS-safelisted: a cross-site page can only send them after a preflight
# that this server (without a matching CORS origin) does not grant.
PREFLIGHT_HEADERS = (
    "x-apollo-operation-name",
    "idempotency-key",
    "apollo-require-preflight",
    "authorization",
    "x-api-key",
)
SIMPLE_CONTENT_TYPES = frozenset(
    {"application/x-www-form-urlencoded", "multipart/form-data", "text/plain"}
)
CORS_HEADERS = (
    "accept",
    "content-type",
    "authorization",
    "x-api-key",
    "x-request-id",
    "apollo-require-preflight",
    "x-apollo-operation-name",
    "apollographql-client-name",
    "apollographql-client-version",
    "idempotency-key",
    # Asking for fresh data (README, Caching): neither is CORS-safelisted.
    "cache-control",
    "pragma",
)


def host_name(host_header: str) -> str:
    """The host name of a Host header, without its port, in lower case."""
    host = host_header.strip().lower()
    if host.startswith("["):  # [::1]:8000
        return host.split("]", 1)[0] + "]"
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def host_allowed(host_header: str, allowed: Sequence[str]) -> bool:
    """Whether `host_header` names an allowed host (`*` any, `*.example.com` its subdomains)."""
    if "*" in allowed:
        return True
    host = host_name(host_header)
    for pattern in allowed:
        pattern = pattern.lower()
        if host == pattern or (pattern.startswith("*.") and host.endswith(pattern[1:])):
            return True
    return False


def check_host(headers: Headers, allowed: Sequence[str]) -> None:
    """Refuse a request whose Host is not allowed (DNS rebinding), with 400."""
    if not host_allowed(headers.get("host", ""), allowed):
        raise HTTPError(
            400,
            "This server does not answer to that Host name. "
            "Operators: add it to GQL_ALLOWED_HOSTS.",
        )


def is_preflighted(headers: Headers) -> bool:
    """Whether a browser would have sent these headers cross-site only after a preflight."""
    if any(headers.get(name) for name in PREFLIGHT_HEADERS):
        return True
    content_type = headers.get("content-type")
    if content_type is None:
        return False
    return content_type.split(";")[0].strip().lower() not in SIMPLE_CONTENT_TYPES


def check_csrf(method: str, headers: Headers) -> None:
    """Refuse (400) a GET that a cross-site page could have sent, when it would act with the
    server-held credential. POST is safe already: only `application/json` is read."""
    if method != "GET" or is_preflighted(headers):
        return
    raise HTTPError(
        400,
        "This operation has been blocked as a potential Cross-Site Request Forgery (CSRF). "
        "Send it with a `content-type: application/json` header, or an "
        "`apollo-require-preflight` or `x-apollo-operation-name` header, or as a POST.",
    )


def cors_middleware(origins: Sequence[str], allow_credentials: bool) -> list[Middleware]:
    """Starlette's CORS middleware for `origins`; none when no origin is configured."""
    if not origins:
        return []
    return [
        Middleware(
            CORSMiddleware,
            allow_origins=list(origins),
            allow_credentials=allow_credentials,
            allow_methods=["GET", "POST"],
            allow_headers=list(CORS_HEADERS),
            expose_headers=["x-request-id", "idempotent-replayed"],
            max_age=600,
        )
    ]
