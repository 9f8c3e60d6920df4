"""The parts of the app, each built from `Settings`: credential, clients, fleet, endpoint."""

from __future__ import annotations

import hashlib
import logging
from http.cookiejar import Cookie, CookieJar
from pathlib import Path
from typing import Any

import httpx
from graphql import NoSchemaIntrospectionCustomRule, specified_rules

from ..config import ConfigError, Settings
from ..fleet import Flights, SharedStore, SharedVault
from ..fleet.idempotency import IdempotencyRecords, LocalRecords, SharedRecords
from ..graphql import build_schema
from ..graphql.document import DocumentCache
from ..graphql.incremental import IncrementalDeliveryOnQueriesOnly, StreamInitialCountIsACount
from ..http.access import RequestObserver
from ..http.budget import upstream_budget
from ..http.endpoint import DEFAULT_CHECKS, EndpointOptions, GraphQLEndpoint
from ..http.graphiql import ASSETS_COMMAND, ASSETS_PATH, content_security_policy, graphiql_html
from ..http.graphiql_assets import installed_assets_dir, missing_or_changed
from ..http.idempotency import Idempotency
from ..http.limits import OperationLimits, limited_parser
from ..http.persisted import PersistedQueries, load_manifest
from ..upstream import ClientOptions, Credential
from ..upstream.oauth import OAuthTokens, PlainText, Sealer, TokenVault
from ..upstream.retry import RetryPolicy
from ..upstream.sealing import FernetSealer
from ..upstream.throttle import RateLimits
from ..upstream.token_endpoint import TOKEN_TIMEOUT
from ..upstream.token_file import FileVault

logger = logging.getLogger("gql_server.app")

DEMO_BASE_URL = "http://simulator.demo"
DEMO_CREDENTIAL = Credential("api_key", "demo-api-key")
ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


def server_credential(settings: Settings, tokens: OAuthTokens | None = None) -> Credential | None:
    """The credential used for requests that bring none of their own: the OAuth client's
    refreshed tokens first, then a fixed access token, then the API key."""
    if tokens is not None:
        return Credential.refreshed(tokens.client_id, tokens)
    if settings.factorial_access_token is not None:
        return Credential("bearer", settings.factorial_access_token.get_secret_value())
    if settings.factorial_api_key is not None:
        return Credential("api_key", settings.factorial_api_key.get_secret_value())
    if settings.demo:
        return DEMO_CREDENTIAL
    return None


class NoCookieJar(CookieJar):
    """A cookie jar that keeps nothing: a cookie one caller's answer sets must never ride
    along on another caller's request through the shared client."""

    def extract_cookies(self, response: Any, request: Any) -> None:
        return None

    def set_cookie(self, cookie: Cookie) -> None:
        return None


def no_cookies() -> CookieJar:
    """The cookie store of the shared upstream client."""
    return NoCookieJar()


def demo_transport(settings: Settings) -> httpx.AsyncBaseTransport:
    """The in-process simulator with demo data, as an httpx transport."""
    from ..simulator import Simulator, build_demo_store

    simulator = Simulator(build_demo_store(resources=settings.gql_demo_resources))
    return httpx.ASGITransport(app=simulator.app)


def describe_fleet(settings: Settings) -> str:
    """Whether this process shares state with others, for the start-up log."""
    if settings.gql_redis_url is None:
        share = (
            f", at 1/{settings.gql_fleet_size} of the upstream rates (GQL_FLEET_SIZE)"
            if settings.gql_fleet_size > 1
            else ""
        )
        return (
            "fleet: this process keeps its own state (in-flight sharing, rate limits, "
            f"persisted queries){share}; set GQL_REDIS_URL to share them with other processes"
        )
    return (
        "fleet: sharing in-flight calls, upstream rate limits and persisted queries through "
        f"Redis (GQL_REDIS_URL); while it is down, each process keeps its own, at "
        f"1/{settings.gql_fleet_size} of the rates (GQL_FLEET_SIZE)"
    )


def fleet_flights(settings: Settings, store: SharedStore) -> Flights | None:
    """Identical GETs shared with the fleet, when there is one. A lock outlives one upstream
    call by a second: past it, a waiter stops trusting the holder and calls itself."""
    if not store.shared:
        return None
    return Flights(store, lock_seconds=settings.upstream_timeout + 1.0)


def idempotency(settings: Settings, store: SharedStore | None) -> Idempotency:
    """Records of keyed mutations: in the fleet's Redis when there is one, else here. A
    record's lock outlives the longest a request can run (its deadline, then one more call),
    so that a retry takes it over only from a process that died."""
    lock_seconds = settings.gql_request_timeout + settings.upstream_timeout + 5.0
    ttl = settings.gql_idempotency_ttl
    records: IdempotencyRecords
    if store is not None and store.shared:
        records = SharedRecords(store, record_seconds=ttl, lock_seconds=lock_seconds)
    else:
        records = LocalRecords(record_seconds=ttl, lock_seconds=lock_seconds)
    return Idempotency(records, wait_seconds=settings.gql_request_timeout)


def oauth_tokens(settings: Settings, base_url: str, store: SharedStore) -> OAuthTokens | None:
    """The server-held OAuth client's tokens, when one is configured: stored in the fleet's
    Redis (refreshed under its lock), else in a file of GQL_STATE_DIR."""
    client_id, secret = settings.factorial_oauth_client_id, settings.factorial_oauth_client_secret
    if client_id is None or secret is None:
        return None
    refresh = settings.factorial_oauth_refresh_token
    return OAuthTokens(
        token_url=f"{base_url}/oauth/token",
        client_id=client_id,
        client_secret=secret.get_secret_value(),
        refresh_token=refresh.get_secret_value() if refresh is not None else None,
        vault=token_vault(settings, store, client_id),
        sealer=token_sealer(settings),
    )


def token_sealer(settings: Settings) -> Sealer:
    """How stored tokens are protected at rest: encrypted with GQL_STATE_KEY, when set."""
    if settings.gql_state_key is None:
        return PlainText()
    return FernetSealer(settings.gql_state_key.get_secret_value())


def token_vault(settings: Settings, store: SharedStore, client_id: str) -> TokenVault:
    """Where the OAuth client's tokens live. The lock outlives one token request (10 s)."""
    if not store.shared:
        return FileVault(settings.state_dir)
    name = "oauth:" + hashlib.sha256(client_id.encode()).hexdigest()[:24]
    return SharedVault(store, name, lock_seconds=TOKEN_TIMEOUT + 5)


def graphiql_assets_dir(settings: Settings) -> Path | None:
    """The directory GraphiQL's assets are served from: GQL_GRAPHIQL_ASSETS_DIR, else the one
    `gql-server graphiql-assets` fills by default, unless GQL_GRAPHIQL_ASSETS_URL names a
    place explicitly."""
    if settings.gql_graphiql_assets_dir is not None:
        return settings.gql_graphiql_assets_dir
    if "gql_graphiql_assets_url" in settings.model_fields_set:
        return None
    return installed_assets_dir()


def log_graphiql_assets(settings: Settings, assets_dir: Path | None) -> None:
    """One start-up line saying where browsers get GraphiQL's files from, and a warning when
    the directory cannot serve them as the page expects."""
    if assets_dir is None:
        logger.info(
            "GraphiQL's assets: browsers load them from %s (`%s` serves them from here)",
            settings.gql_graphiql_assets_url,
            ASSETS_COMMAND,
        )
        return
    logger.info("GraphiQL's assets: served from %s at %s/", assets_dir, ASSETS_PATH)
    problems = missing_or_changed(assets_dir)
    if problems:
        logger.warning(
            "GraphiQL's assets in %s will not load: %s; run `%s %s` to fetch them",
            assets_dir,
            ", ".join(problems),
            ASSETS_COMMAND,
            assets_dir,
        )


def describe_posture(settings: Settings) -> str:
    """One line for the start-up log: what this server exposes and whom it answers."""

    def on(flag: bool) -> str:
        return "on" if flag else "off"

    return (
        f"posture: production {on(settings.gql_production)}, "
        f"GraphiQL {on(settings.graphiql_enabled)}, "
        f"introspection {on(settings.introspection_enabled)}, "
        f"field suggestions {on(settings.field_suggestions_enabled)}, "
        f"CSRF prevention {on(settings.csrf_prevention_enabled)}, "
        f"allowed hosts {','.join(settings.allowed_hosts)}, "
        f"CORS origins {','.join(settings.gql_cors_origins) or 'none'}, "
        f"persisted queries {settings.gql_persisted_queries}"
    )


def operation_limits(settings: Settings) -> OperationLimits:
    return OperationLimits(
        max_length=settings.gql_max_document_length,
        max_tokens=settings.gql_max_tokens,
        max_depth=settings.gql_max_depth,
        max_fields=settings.gql_max_fields,
        max_aliases=settings.gql_max_aliases,
        max_directives=settings.gql_max_directives,
    )


def client_options(settings: Settings) -> ClientOptions:
    """The upstream client's limits, as configured."""
    return ClientOptions(
        timeout=settings.upstream_timeout,
        request_timeout=settings.gql_request_timeout,
        max_response_bytes=settings.upstream_max_response_bytes,
        max_concurrency=settings.upstream_max_connections,
        max_concurrency_per_credential=settings.upstream_max_concurrency_per_credential,
        max_queue_wait=settings.upstream_max_queue_wait,
        retry=RetryPolicy(max_retries=settings.upstream_retries),
        breaker_threshold=settings.upstream_breaker_threshold,
        breaker_cooldown=settings.upstream_breaker_cooldown,
        rates=RateLimits(write=settings.rate_post, read=settings.rate_get),
    )


def create_endpoint(
    settings: Settings,
    observer: RequestObserver | None = None,
    *,
    assets_dir: Path | None = None,
    store: SharedStore | None = None,
    tokens: OAuthTokens | None = None,
) -> GraphQLEndpoint:
    """The /graphql endpoint as `settings` configure it (posture, limits, persisted queries);
    GraphiQL's page loads its assets from this server when `assets_dir` serves them, and
    automatic persisted queries are shared through `store` when it has a Redis."""
    schema = build_schema()._schema
    rules = [*specified_rules, IncrementalDeliveryOnQueriesOnly, StreamInitialCountIsACount]
    if not settings.introspection_enabled:
        rules.append(NoSchemaIntrospectionCustomRule)
    hide_suggestions = not settings.field_suggestions_enabled
    documents = DocumentCache(
        schema,
        parse=limited_parser(operation_limits(settings)),
        rules=rules,
        hide_suggestions=hide_suggestions,
    )
    registered = None
    if settings.gql_persisted_query_manifest is not None:
        try:
            registered = load_manifest(settings.gql_persisted_query_manifest)
        except ValueError as error:
            raise ConfigError.of("GQL_PERSISTED_QUERY_MANIFEST", str(error)) from None
    persisted = PersistedQueries(
        settings.gql_persisted_queries,
        registered=registered,
        cache_size=settings.gql_apq_cache_size,
        shared=store,
        shared_seconds=settings.gql_apq_shared_ttl,
    )
    graphiql = graphiql_csp = None
    if settings.graphiql_enabled:
        assets_url = settings.gql_graphiql_assets_url
        if assets_dir is not None:
            assets_url = ASSETS_PATH
        graphiql = graphiql_html(assets_url)
        graphiql_csp = content_security_policy(graphiql, assets_url)
    options = EndpointOptions(
        report_cost=settings.gql_report_cost,
        graphiql_html=graphiql,
        graphiql_csp=graphiql_csp,
        server_credential=server_credential(settings, tokens),
        max_body_bytes=settings.gql_max_body_bytes,
        max_batch_size=settings.gql_max_batch_size,
        csrf_prevention=settings.csrf_prevention_enabled,
        allowed_hosts=settings.allowed_hosts,
        hide_suggestions=hide_suggestions,
    )
    checks = [
        *DEFAULT_CHECKS,
        upstream_budget(settings.gql_cost_budget, settings.gql_cost_assumed_size),
    ]
    return GraphQLEndpoint(
        documents,
        options,
        persisted=persisted,
        checks=checks,
        observer=observer,
        idempotency=idempotency(settings, store),
    )
