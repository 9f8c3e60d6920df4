"""`gql-server check`'s probe against the simulator on a real port: each failure diagnosed."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from gql_server.simulator import Fault, Simulator
from gql_server.upstream import Credential
from gql_server.upstream.probe import Finding, Target, probe

from ..gateway import build_store
from ..live_server import serve
from ..test_cli import free_port

KEY = "CANARY-PROBE-KEY-3e7a"
SERVER_KEY = Credential("api_key", KEY)


@pytest.fixture
def sim() -> Simulator:
    return Simulator(build_store(schemas=3), api_keys={KEY}, access_tokens={"the-token"})


@pytest.fixture
def url(sim: Simulator) -> Iterator[str]:
    with serve(sim.app) as base:
        yield base


async def run_probe(
    base_url: str,
    *,
    credential: Credential | None = SERVER_KEY,
    version: str = "2026-10-01",
) -> dict[str, Finding]:
    target = Target(
        base_url=base_url,
        api_version=version,
        credential=credential,
        credential_setting="FACTORIAL_ACCESS_TOKEN"
        if credential and credential.kind == "bearer"
        else "FACTORIAL_API_KEY",
        reference_version="2026-10-01",
        timeout=5,
    )
    async with httpx.AsyncClient(timeout=5) as http:
        findings = await probe(http, target)
    assert [f.check for f in findings] == [
        "reachable",
        "API version known",
        "credential accepted",
        "custom resources enabled",
    ]
    return {f.check: f for f in findings}


def outcomes(findings: dict[str, Finding]) -> list[str]:
    return [f.outcome for f in findings.values()]


async def test_a_working_upstream_passes_every_check_with_one_call(
    sim: Simulator, url: str
) -> None:
    findings = await run_probe(url)
    assert outcomes(findings) == ["ok", "ok", "ok", "ok"]
    assert findings["custom resources enabled"].detail == "3 custom tables readable"
    assert sim.calls == {"GET custom_resources/schemas": 1}
    assert all(f.fix is None for f in findings.values())


async def test_a_refused_key_is_named_with_its_fix(url: str) -> None:
    findings = await run_probe(url, credential=Credential("api_key", "wrong"))
    assert outcomes(findings) == ["ok", "skipped", "failed", "skipped"]
    refused = findings["credential accepted"]
    assert refused.detail == "FACTORIAL_API_KEY was refused (401)"
    assert refused.fix == "create a key in Factorial and set FACTORIAL_API_KEY"


async def test_a_refused_token_says_it_may_have_expired(url: str) -> None:
    findings = await run_probe(url, credential=Credential("bearer", "old"))
    refused = findings["credential accepted"]
    assert refused.detail == "FACTORIAL_ACCESS_TOKEN was refused (401)"
    assert refused.fix is not None
    assert "expired" in refused.fix


async def test_no_credential_says_which_variables_to_set(url: str) -> None:
    findings = await run_probe(url, credential=None)
    assert findings["credential accepted"].detail == "no credential is configured"
    assert "FACTORIAL_API_KEY" in (findings["credential accepted"].fix or "")


async def test_forbidden_means_the_module_is_off_or_the_credential_may_not(
    sim: Simulator, url: str
) -> None:
    sim.inject(Fault(route="custom_resources/schemas", status=403))
    findings = await run_probe(url)
    assert outcomes(findings) == ["ok", "ok", "ok", "failed"]
    assert "enable custom resources" in (findings["custom resources enabled"].fix or "")


async def test_an_unknown_api_version_is_told_from_a_wrong_base_url(
    sim: Simulator, url: str
) -> None:
    # The configured version answers 404 and the reference version does not: the version.
    sim.inject(Fault(route="custom_resources/schemas", status=404, times=1))
    findings = await run_probe(url, version="2025-01-01")
    assert outcomes(findings) == ["ok", "failed", "skipped", "skipped"]
    version = findings["API version known"]
    assert version.detail == "API version 2025-01-01 is not served (404); 2026-10-01 is"
    assert "FACTORIAL_API_VERSION" in (version.fix or "")
    assert sim.calls == {"GET custom_resources/schemas": 2}
    # Every path answers 404 under a wrong prefix: the base URL (or the version).
    findings = await run_probe(f"{url}/wrong-prefix", version="2025-01-01")
    assert findings["API version known"].detail.startswith("no Factorial API at ")
    assert "FACTORIAL_BASE_URL" in (findings["API version known"].fix or "")


@pytest.mark.parametrize(
    ("fault", "detail"),
    [
        (Fault(status=503), "Factorial answered 503: it is failing"),
        (Fault(body="html"), "answered, but with a bad body (not JSON)"),
        (Fault(status=429, retry_after="30"), "Factorial answered, but is rate limiting"),
    ],
)
async def test_an_upstream_that_answers_badly_is_not_reachable_as_factorial(
    sim: Simulator, url: str, fault: Fault, detail: str
) -> None:
    sim.inject(fault)
    findings = await run_probe(url)
    assert outcomes(findings) == ["failed", "skipped", "skipped", "skipped"]
    assert findings["reachable"].detail.startswith(detail)
    assert sim.total_calls == 1  # never retried: the diagnosis is of one call


async def test_a_refused_connection_and_tls_to_plain_http_are_named(url: str) -> None:
    port = free_port()
    findings = await run_probe(f"http://127.0.0.1:{port}")
    assert findings["reachable"].detail == f"127.0.0.1:{port}: connection refused"
    assert f"nothing listens at 127.0.0.1:{port}" in (findings["reachable"].fix or "")
    findings = await run_probe(url.replace("http://", "https://"))
    assert findings["reachable"].detail.endswith(": TLS error")
    assert "https://" in (findings["reachable"].fix or "")


async def test_no_finding_carries_the_credential(sim: Simulator, url: str) -> None:
    for fault in (Fault(status=401), Fault(status=403), Fault(status=500), None):
        sim.clear_faults()
        if fault is not None:
            sim.inject(fault)
        findings = await run_probe(url)
        assert KEY not in repr(findings)
