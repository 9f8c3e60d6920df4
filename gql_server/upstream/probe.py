"""`gql-server check`'s probe: one real call to the configured Factorial, diagnosed with fixes."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Literal

import httpx

from .credentials import Credential
from .errors import (
    UpstreamBadResponse,
    UpstreamError,
    UpstreamRateLimited,
    UpstreamUnauthenticated,
)
from .exchange import exchange

Outcome = Literal["ok", "failed", "skipped"]
REACHABLE = "reachable"
VERSION = "API version known"
CREDENTIAL = "credential accepted"
MODULE = "custom resources enabled"
CHECKS = (REACHABLE, VERSION, CREDENTIAL, MODULE)
PROBE_PATH = "custom_resources/schemas"
MAX_BODY = 1024 * 1024
NOT_FACTORIAL_FIX = "point FACTORIAL_BASE_URL at Factorial's API (https://api.factorialhr.com)"


@dataclass(frozen=True, slots=True)
class Finding:
    """The outcome of one check, with what to do about a failure."""

    check: str
    outcome: Outcome
    detail: str
    fix: str | None = None


@dataclass(frozen=True, slots=True)
class Target:
    """The upstream as configured. `credential_setting` names the variable holding the
    credential (for the fixes); `reference_version` is one known to be served."""

    base_url: str
    api_version: str
    credential: Credential | None
    credential_setting: str
    reference_version: str
    timeout: float = 10.0


async def probe(http: httpx.AsyncClient, target: Target) -> list[Finding]:
    """Ask for one schema as the server would, and say what the answer means, check by check.

    One call (a second only to tell an unknown API version from a wrong base URL), never
    retried, so the diagnosis is of what a request would meet right now.
    """
    credential = target.credential
    if credential is not None and credential.tokens is not None:
        try:
            await credential.current_headers()  # a refreshed credential's token, if it gets one
        except UpstreamUnauthenticated as refused:
            findings = _until(target, CREDENTIAL, refused.message, None)
            findings[1] = Finding(VERSION, "skipped", "not known until a credential is accepted")
            return findings
        except UpstreamError as error:
            return await _diagnose(http, target, error)
    started = time.perf_counter()
    try:
        body = await _list_schemas(http, target, target.api_version)
    except UpstreamError as error:
        return await _diagnose(http, target, error)
    elapsed = f"answered in {(time.perf_counter() - started) * 1000:.0f} ms"
    if not (isinstance(body, dict) and isinstance(body.get("data"), list)):
        detail = "answered 200, but not as Factorial's API does"
        return _until(target, REACHABLE, detail, NOT_FACTORIAL_FIX)
    meta = body.get("meta")
    total = meta.get("total") if isinstance(meta, dict) else None
    tables = f"{total} custom tables" if isinstance(total, int) else "custom tables"
    return [
        Finding(REACHABLE, "ok", elapsed),
        Finding(VERSION, "ok", f"{target.api_version} is served"),
        Finding(CREDENTIAL, "ok", f"{target.credential_setting} accepted"),
        Finding(MODULE, "ok", f"{tables} readable"),
    ]


async def _list_schemas(http: httpx.AsyncClient, target: Target, version: str) -> Any:
    url = f"{target.base_url.rstrip('/')}/api/{version}/resources/{PROBE_PATH}?limit=1"
    headers = {"accept": "application/json"}
    if target.credential is not None:
        headers.update(await target.credential.current_headers())
    request = http.build_request("GET", url, headers=headers)
    _, body = await exchange(http, request, seconds=target.timeout, max_bytes=MAX_BODY)
    return body


def _until(target: Target, check: str, detail: str, fix: str | None) -> list[Finding]:
    """`check` failed, those before it passed, those after it could not be made."""
    passed = {
        REACHABLE: "answered",
        VERSION: f"{target.api_version} is served",
        CREDENTIAL: f"{target.credential_setting} accepted",
    }
    at = CHECKS.index(check)
    findings = [Finding(name, "ok", passed[name]) for name in CHECKS[:at]]
    findings.append(Finding(check, "failed", detail, fix))
    findings += [
        Finding(name, "skipped", f"not checked (needs {check})") for name in CHECKS[at + 1 :]
    ]
    return findings


async def _diagnose(http: httpx.AsyncClient, target: Target, error: UpstreamError) -> list[Finding]:
    status = error.status
    if status is None:
        if isinstance(error, UpstreamBadResponse):
            fix = "point FACTORIAL_BASE_URL at Factorial's API (https://api.factorialhr.com)"
            return _until(
                target, REACHABLE, f"answered, but with a {error.cause or 'bad body'}", fix
            )
        cause = error.cause or error.message
        return _until(target, REACHABLE, f"{_host(target)}: {cause}", _transport_fix(cause, target))
    if status == 401:
        findings = _until(target, CREDENTIAL, *_credential_refused(target))
        findings[1] = Finding(VERSION, "skipped", "not known until a credential is accepted")
        return findings
    if status in (402, 403):
        detail = f"Factorial refused to list custom resources ({status})"
        fix = (
            "enable custom resources (custom tables) for the company in Factorial, and use a "
            "credential allowed to read them (an admin's API key, or an OAuth token with the "
            "custom_fields scope)"
        )
        return _until(target, MODULE, detail, fix)
    if status in (404, 410):
        return _until(target, VERSION, *await _unknown_path(http, target, status))
    if isinstance(error, UpstreamRateLimited):
        wait = f"{error.retry_after:.0f} s" if error.retry_after is not None else "a minute"
        detail = "Factorial answered, but is rate limiting this credential (429)"
        return _until(target, REACHABLE, detail, f"wait {wait} and check again")
    if 300 <= status < 400:
        detail = f"{_host(target)} redirects elsewhere ({status})"
        return _until(
            target, REACHABLE, detail, "set FACTORIAL_BASE_URL to the address it redirects to"
        )
    if status >= 500:
        detail = f"Factorial answered {status}: it is failing"
        fix = "try again later; if it lasts, check that FACTORIAL_BASE_URL is Factorial's API"
        return _until(target, REACHABLE, detail, fix)
    detail = f"answered {status} to a plain list request"
    return _until(target, REACHABLE, detail, "check that FACTORIAL_BASE_URL is Factorial's API")


def _credential_refused(target: Target) -> tuple[str, str]:
    if target.credential is None:
        return (
            "no credential is configured",
            "create an API key in Factorial and set FACTORIAL_API_KEY "
            "(or set FACTORIAL_ACCESS_TOKEN to an OAuth access token)",
        )
    setting = target.credential_setting
    if target.credential.kind == "bearer":
        fix = f"the token may have expired or been revoked: get a new one and set {setting}"
    else:
        fix = f"create a key in Factorial and set {setting}"
    return f"{setting} was refused (401)", fix


async def _unknown_path(http: httpx.AsyncClient, target: Target, status: int) -> tuple[str, str]:
    version, reference = target.api_version, target.reference_version
    if version != reference:
        try:
            await _list_schemas(http, target, reference)
            served = True
        except UpstreamError as error:
            served = error.status not in (404, 410)
        if served:
            return (
                f"API version {version} is not served ({status}); {reference} is",
                f"set FACTORIAL_API_VERSION to a supported version, such as {reference}",
            )
    return (
        f"no Factorial API at {display_url(target.base_url)}/api/{version}/ ({status})",
        "check FACTORIAL_BASE_URL (Factorial's is https://api.factorialhr.com, without a path) "
        "and FACTORIAL_API_VERSION",
    )


def display_url(url: str) -> str:
    """`url` without a user name or password, fit to print."""
    return str(httpx.URL(url).copy_with(userinfo=b"")).rstrip("/")


def _host(target: Target) -> str:
    url = httpx.URL(target.base_url)
    return f"{url.host}:{url.port}" if url.port else url.host


def _transport_fix(cause: str, target: Target) -> str:
    host = _host(target)
    if cause == "name resolution failed":
        return f"check the host name in FACTORIAL_BASE_URL and this machine's DNS ({host})"
    if cause == "connection refused":
        return f"nothing listens at {host}: check the host and port in FACTORIAL_BASE_URL"
    if cause == "TLS error":
        return (
            "check that FACTORIAL_BASE_URL says https:// only for a server that speaks TLS, "
            "and that this machine trusts its certificate"
        )
    if "timed out" in cause:
        return (
            f"check the network path to {host} (proxy, firewall); the limits are "
            "UPSTREAM_CONNECT_TIMEOUT and UPSTREAM_TIMEOUT"
        )
    return f"check FACTORIAL_BASE_URL and the network path to {host}"
