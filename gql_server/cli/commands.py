"""The other commands: check, simulate, export-schema, graphiql-assets, oauth login."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import uvicorn

from ..config import ConfigError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..config import Settings
    from ..upstream.probe import Finding


def check() -> int:
    """Diagnose the configured upstream; the exit code: 0 all passed, 1 a check failed."""
    from ..config import load_settings

    settings = load_settings()
    findings = asyncio.run(_probe(settings))
    for finding in findings:
        print(f"  {finding.outcome:<8} {finding.check}: {finding.detail}")
        if finding.fix is not None:
            print(f"  {'':<8} fix: {finding.fix}")
    failed = sum(finding.outcome == "failed" for finding in findings)
    skipped = sum(finding.outcome == "skipped" for finding in findings)
    if failed or skipped:
        print(f"gql-server check: {failed} failed, {skipped} not checked, of {len(findings)}")
        return 1
    print(f"gql-server check: all {len(findings)} checks passed")
    return 0


async def _probe(settings: Settings) -> list[Finding]:
    import httpx

    from ..app import DEMO_BASE_URL, demo_transport, no_cookies, oauth_tokens, server_credential
    from ..config import DEFAULT_API_VERSION
    from ..fleet import SharedStore
    from ..upstream.probe import Target, display_url, probe

    transport = demo_transport(settings) if settings.demo else None
    base_url = DEMO_BASE_URL if settings.demo else settings.base_url
    setting = "FACTORIAL_ACCESS_TOKEN" if settings.factorial_access_token else "FACTORIAL_API_KEY"
    redis_url = settings.gql_redis_url
    store = SharedStore(
        redis_url.get_secret_value() if redis_url is not None else None,
        timeout=settings.gql_redis_timeout,
    )
    # The OAuth client's stored tokens, refreshed (and stored) as the server would if due.
    tokens = oauth_tokens(settings, base_url, store)
    if tokens is not None:
        setting = "the OAuth tokens of FACTORIAL_OAUTH_CLIENT_ID"
    if settings.demo:
        print(
            "gql-server check: demo mode (none of FACTORIAL_BASE_URL, FACTORIAL_API_KEY, "
            "FACTORIAL_ACCESS_TOKEN is set, or GQL_DEMO=true): checking the built-in simulator, "
            "not Factorial"
        )
        setting = "the demo credential"
    else:
        held = f"credential from {setting}" if settings.server_credential_configured else ""
        print(
            f"gql-server check: Factorial at {display_url(base_url)}, API version "
            f"{settings.factorial_api_version}, {held or 'no credential'}"
        )
    target = Target(
        base_url=base_url,
        api_version=settings.factorial_api_version,
        credential=server_credential(settings, tokens),
        credential_setting=setting,
        reference_version=DEFAULT_API_VERSION,
        timeout=settings.upstream_timeout,
    )
    timeout = httpx.Timeout(settings.upstream_timeout, connect=settings.upstream_connect_timeout)
    async with httpx.AsyncClient(
        transport=transport, timeout=timeout, cookies=no_cookies()
    ) as http:
        try:
            if tokens is not None:
                tokens.attach(http)
                await tokens.start()
            return await probe(http, target)
        finally:
            await store.close()


def simulate(
    host: str,
    port: int,
    resources: int,
    access_seconds: int = 7200,
    tenants: Sequence[str] = (),
) -> None:
    from ..simulator import (
        DEMO_CLIENT_ID,
        DEMO_CLIENT_SECRET,
        OAuthServer,
        Simulator,
        build_demo_store,
    )

    oauth = OAuthServer(access_seconds=access_seconds)
    # Each tenant's company starts its ids where the default one does: the same ids name
    # different records, so an answer crossing tenants cannot go unnoticed.
    companies = {
        key: build_demo_store(resources=resources, seed=n, company_id=n + 1)
        for n, key in enumerate(dict.fromkeys(tenants), start=1)
    }
    simulator = Simulator(build_demo_store(resources=resources), oauth=oauth, tenants=companies)
    print(
        f"gql-server: Factorial simulator on http://{host}:{port}/api/<version>/resources/"
        "custom_resources/..., any x-api-key or Bearer token accepted; OAuth at "
        f"http://{host}:{port}/oauth/authorize and /oauth/token with client id "
        f"{DEMO_CLIENT_ID} and secret {DEMO_CLIENT_SECRET} (access tokens live "
        f"{access_seconds} s)"
        + (f"; {len(companies)} tenant companies of their own" if companies else ""),
        flush=True,
    )
    uvicorn.run(simulator.app, host=host, port=port, log_config=None, access_log=False)


def export_schema(output: str | None) -> None:
    from ..graphql import export_sdl

    sdl = export_sdl()
    if output is None:
        sys.stdout.write(sdl)
        return
    with open(output, "w", encoding="utf-8") as handle:
        handle.write(sdl)


def graphiql_assets(directory: str | None, registry: str | None) -> int:
    from ..http.graphiql_assets import (
        AssetsError,
        default_assets_dir,
        fetch_graphiql_assets,
        registry_url,
        shown,
    )

    target = Path(directory) if directory else default_assets_dir()
    try:
        url = registry_url(registry)
        print(f"gql-server: fetching GraphiQL's files from {shown(url)}", flush=True)
        fetched = fetch_graphiql_assets(target, url)
    except AssetsError as error:
        print(f"gql-server graphiql-assets: {error}", file=sys.stderr)
        return 1
    print(f"gql-server: {len(fetched.paths)} files checked and written to {fetched.directory}")
    if directory:
        print(f"Serve them with GQL_GRAPHIQL_ASSETS_DIR={fetched.directory}")
    else:
        print("The server serves them from there unless GQL_GRAPHIQL_ASSETS_DIR names another.")
    return 0


def oauth_login(port: int) -> int:
    import httpx

    from ..app import no_cookies, token_sealer, token_vault
    from ..config import load_settings
    from ..fleet import SharedStore, StoreDown
    from ..upstream.login import LoginFailed, login

    settings = load_settings()
    client_id, secret = settings.factorial_oauth_client_id, settings.factorial_oauth_client_secret
    if client_id is None or secret is None:
        raise ConfigError.of(
            "FACTORIAL_OAUTH_CLIENT_ID",
            "oauth login needs the OAuth application: set FACTORIAL_OAUTH_CLIENT_ID and "
            "FACTORIAL_OAUTH_CLIENT_SECRET",
        )
    redis_url = settings.gql_redis_url
    store = SharedStore(
        redis_url.get_secret_value() if redis_url is not None else None,
        timeout=settings.gql_redis_timeout,
    )
    where = "Redis (GQL_REDIS_URL)" if store.shared else str(settings.state_dir)

    def show(url: str) -> None:
        print(f"gql-server oauth login: open this URL in a browser and allow access:\n  {url}")
        print(
            f"  (waiting for Factorial's redirect to http://127.0.0.1:{port}/callback)", flush=True
        )

    async def run() -> None:
        async with httpx.AsyncClient(cookies=no_cookies(), timeout=15) as http:
            try:
                await login(
                    http,
                    base_url=settings.base_url,
                    client_id=client_id,
                    client_secret=secret.get_secret_value(),
                    vault=token_vault(settings, store, client_id),
                    sealer=token_sealer(settings),
                    port=port,
                    show=show,
                )
            finally:
                await store.close()

    try:
        asyncio.run(run())
    except LoginFailed as failed:
        print(f"gql-server oauth login: {failed}; nothing was stored", file=sys.stderr)
        return 1
    except StoreDown:
        print("gql-server oauth login: Redis (GQL_REDIS_URL) cannot be reached", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"gql-server oauth login: {error.strerror or error}", file=sys.stderr)
        return 1
    print(f"gql-server oauth login: tokens stored in {where}; the server uses them from now on")
    return 0
