"""Why an upstream call failed, in words an operator can act on (never a body or a secret)."""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator


def _chain(error: BaseException) -> Iterator[BaseException]:
    """`error` and the exceptions it was raised from (httpx wraps httpcore wraps the OS's)."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def transport_cause(error: BaseException) -> str:
    """The cause of a failure to exchange anything with the upstream at all."""
    for link in _chain(error):
        if isinstance(link, socket.gaierror):
            return "name resolution failed"
        if isinstance(link, ConnectionRefusedError):
            return "connection refused"
        if isinstance(link, ssl.SSLError | ssl.CertificateError):
            return "TLS error"
        if isinstance(link, ConnectionResetError):
            return "connection reset"
    return "connection failed"


def status_cause(status: int, *, record_path: bool) -> str:
    """The cause of an unsuccessful HTTP status; `record_path` when a path names one record
    (a 404 there is an absent record, on a collection it is a wrong URL or API version)."""
    if status == 401:
        return "credential refused (401)"
    if status in (402, 403):
        return f"forbidden ({status}): custom resources module not enabled, or no permission"
    if status in (404, 410):
        if record_path:
            return f"no such record ({status})"
        return f"no such path ({status}): unknown API version or wrong base URL?"
    if status == 429:
        return "rate limited (429)"
    if 300 <= status < 400:
        return f"redirected ({status}): the base URL should be where it points"
    if status >= 500:
        return f"Factorial failed ({status})"
    return f"input refused ({status})"
