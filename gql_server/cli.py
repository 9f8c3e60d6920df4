"""The `gql-server` command: serve (the default), check, simulate, export-schema and more."""

from __future__ import annotations

import argparse
import asyncio
import gc
import importlib.metadata
import logging
import os
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, TypeAlias

import uvicorn
from starlette.applications import Starlette

from .config import ConfigError
from .telemetry.logs import configure_logging

if TYPE_CHECKING:
    from .config import Settings
    from .upstream.probe import Finding

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_SIMULATOR_PORT = 8001
EXIT_CONFIG = 2
DEFAULT_LOGIN_PORT = 8765

logger = logging.getLogger("gql_server.cli")
Handler: TypeAlias = "Callable[[int, FrameType | None], object]"

SETTINGS_EPILOG = (
    "Everything else is set by environment variables: FACTORIAL_BASE_URL, FACTORIAL_API_KEY "
    "or FACTORIAL_ACCESS_TOKEN, FACTORIAL_API_VERSION, and the GQL_* and UPSTREAM_* settings "
    "(GQL_LOG_LEVEL, GQL_LOG_FORMAT, limits, production posture). With none of the first "
    "three set, the server serves built-in demo data. The README's Configuration section "
    "lists every variable, its default and its meaning. A setting that cannot work stops the "
    "command with one line per problem naming the variable, and exit code 2."
)


def _version() -> str:
    try:
        return importlib.metadata.version("gql-server")
    except importlib.metadata.PackageNotFoundError:  # run from a source tree, not installed
        return "unknown"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gql-server",
        description="A GraphQL API over Factorial's custom resources. Without a command, "
        "`serve` runs.",
        epilog=SETTINGS_EPILOG,
    )
    parser.add_argument("--version", action="version", version=f"gql-server {_version()}")
    # `gql-server --port 9000` works too: serve is the default command.
    parser.add_argument("--host", dest="top_host", default=DEFAULT_HOST, help=argparse.SUPPRESS)
    parser.add_argument(
        "--port", dest="top_port", type=int, default=DEFAULT_PORT, help=argparse.SUPPRESS
    )
    commands = parser.add_subparsers(dest="command", title="commands", metavar="COMMAND")
    _add_serve(commands)
    _add_check(commands)
    _add_simulate(commands)
    _add_export_schema(commands)
    _add_graphiql_assets(commands)
    _add_oauth(commands)
    return parser


Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def _add_serve(commands: Commands) -> None:
    serve = commands.add_parser(
        "serve",
        help="run the GraphQL server (the default)",
        description="Run the GraphQL server: /graphql, /healthz, /readyz and /metrics.",
        epilog=SETTINGS_EPILOG,
    )
    serve.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help="address to listen on; 0.0.0.0 for every interface (default: %(default)s)",
    )
    serve.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help="port to listen on (default: %(default)s)"
    )
    serve.add_argument(
        "--workers",
        type=_positive,
        default=1,
        help="worker processes answering on the one port; with GQL_REDIS_URL they share "
        "rate limits, in-flight calls and persisted queries, without it each keeps its own "
        "(default: %(default)s)",
    )


def _positive(text: str) -> int:
    number = int(text)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, not {number}")
    return number


def _add_check(commands: Commands) -> None:
    commands.add_parser(
        "check",
        help="try the configured Factorial and say what is wrong",
        description="Call the configured Factorial once, as the server would, and report: "
        "reachable, API version known, credential accepted, custom resources enabled, with "
        "the fix for each failure. Exit code 0 when every check passes, 1 when one fails, "
        "2 when the configuration itself is wrong. In demo mode it checks the built-in "
        "simulator.",
        epilog=SETTINGS_EPILOG,
    )


def _add_simulate(commands: Commands) -> None:
    simulate = commands.add_parser(
        "simulate",
        help="run the Factorial simulator on a port",
        description="Run a fake of Factorial's custom resources API with demo data, for "
        "trying clients and SDKs against. Any x-api-key or Bearer token is accepted. It "
        "reads no environment variable.",
    )
    simulate.add_argument(
        "--host", default=DEFAULT_HOST, help="address to listen on (default: %(default)s)"
    )
    simulate.add_argument(
        "--port",
        type=int,
        default=DEFAULT_SIMULATOR_PORT,
        help="port to listen on (default: %(default)s)",
    )
    simulate.add_argument(
        "--resources",
        type=int,
        default=40,
        help="how many resources (tables attached to employees) the demo data has "
        "(default: %(default)s)",
    )
    simulate.add_argument(
        "--oauth-access-seconds",
        type=_positive,
        default=7200,
        help="lifetime of the OAuth access tokens it issues; each refresh revokes the "
        "refresh token used (default: %(default)s)",
    )


def _add_oauth(commands: Commands) -> None:
    oauth = commands.add_parser(
        "oauth",
        help="the server-held OAuth tokens (login)",
        description="The tokens of the OAuth application the server acts as "
        "(FACTORIAL_OAUTH_CLIENT_ID).",
    )
    actions = oauth.add_subparsers(dest="oauth_command", metavar="ACTION", required=True)
    login = actions.add_parser(
        "login",
        help="authorize the server in a browser and store its tokens",
        description="Print Factorial's authorize URL, wait for its redirect on "
        "http://127.0.0.1:PORT/callback (register that redirect URI with the OAuth "
        "application), exchange the code and store the tokens where the server finds them "
        "(GQL_REDIS_URL, else GQL_STATE_DIR). A running server uses them from its next "
        "request. Exit code 0 once stored, 1 when the authorization fails, 2 when the "
        "configuration is wrong.",
        epilog=SETTINGS_EPILOG,
    )
    login.add_argument(
        "--port",
        type=_positive,
        default=DEFAULT_LOGIN_PORT,
        help="loopback port of the redirect URI (default: %(default)s)",
    )


def _add_graphiql_assets(commands: Commands) -> None:
    from .http.graphiql_assets import DEFAULT_REGISTRY, REGISTRY_ENV, default_assets_dir

    assets = commands.add_parser(
        "graphiql-assets",
        help="download GraphiQL's pinned files from the npm registry, check their hashes, "
        "and write them for the server to serve",
    )
    assets.add_argument(
        "directory",
        nargs="?",
        help=f"where to write them (default: {default_assets_dir()}, where the server looks "
        "when GQL_GRAPHIQL_ASSETS_DIR is unset)",
    )
    assets.add_argument(
        "--registry", help=f"npm registry URL (default: ${REGISTRY_ENV}, else {DEFAULT_REGISTRY})"
    )


def _add_export_schema(commands: Commands) -> None:
    export = commands.add_parser(
        "export-schema",
        help="print the GraphQL SDL",
        description="Print the GraphQL schema in SDL (committed as schema.graphql).",
    )
    export.add_argument(
        "--output", "-o", metavar="FILE", help="write to FILE instead of standard output"
    )


class GracefulServer(uvicorn.Server):
    """uvicorn's server, telling the app the moment shutdown begins (so /readyz answers 503)
    while in-flight requests finish within the graceful-shutdown timeout."""

    def __init__(self, config: uvicorn.Config, app: Starlette) -> None:
        super().__init__(config)
        self.gateway = app

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        self.gateway.state.shutting_down = True
        super().handle_exit(sig, frame)


def serve(host: str, port: int, workers: int = 1) -> None:
    from .app import create_app
    from .config import load_settings

    settings = load_settings()
    configure_logging(settings.log_format, settings.gql_log_level)
    # Built in this process even with workers: a setting only the app checks (the persisted
    # query manifest) stops the command here, with exit code 2, not in a worker.
    app = create_app(settings)
    mode = "demo data (built-in simulator)" if settings.demo else settings.base_url
    print(
        f"gql-server: GraphQL on http://{host}:{port}/graphql, upstream: {mode}, "
        f"{describe_workers(workers, shared=settings.gql_redis_url is not None)}",
        flush=True,
    )
    if workers > 1 and settings.gql_redis_url is None:
        logger.warning(
            "%d workers without GQL_REDIS_URL: each worker keeps its own upstream rate limits, "
            "in-flight calls and persisted queries; set GQL_REDIS_URL to share them",
            workers,
        )
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_config": None,
        "access_log": False,
        "loop": "uvloop",
        "http": "httptools",
        "timeout_graceful_shutdown": int(settings.gql_shutdown_timeout),
    }
    if workers > 1:
        del app
        # Each worker is a process of the fleet: while it cannot share rates through Redis it
        # takes 1/(GQL_FLEET_SIZE x N) of them, so N workers together stay within the rate.
        os.environ["GQL_FLEET_SIZE"] = str(settings.gql_fleet_size * workers)
        # uvicorn's supervisor starts each worker as a fresh interpreter, which builds its own
        # app from the environment through the factory.
        uvicorn.run(f"{__name__}:worker_app", factory=True, workers=workers, **options)
        return
    config = uvicorn.Config(app, **options)
    freeze_start_up_objects()
    GracefulServer(config, app).run()


def describe_workers(workers: int, *, shared: bool) -> str:
    """How many processes answer, and whether they share state, for the start-up line."""
    count = f"{workers} worker{'s' if workers > 1 else ''}"
    if shared:
        return f"{count}, sharing state through Redis (GQL_REDIS_URL)"
    return f"{count}, each keeping its own state" if workers > 1 else f"{count}, own state"


def worker_app() -> Starlette:
    """The app of one worker of `serve --workers N`, built from the environment in the
    worker's own process (uvicorn calls it there)."""
    from .app import create_app
    from .config import load_settings

    settings = load_settings()
    configure_logging(settings.log_format, settings.gql_log_level)
    app = create_app(settings)
    announce_shutdown_to(app)
    freeze_start_up_objects()
    return app


def announce_shutdown_to(app: Starlette) -> None:
    """Tell `app` the moment a worker's shutdown begins (so /readyz answers 503).

    uvicorn's supervisor runs its own server class in each worker, which installs its signal
    handlers before it loads the app: the app's handler runs first, then hands on to them.
    """
    for signum in (signal.SIGINT, signal.SIGTERM):
        handler = signal.getsignal(signum)
        if not callable(handler):
            continue

        def announce(sig: int, frame: FrameType | None, handler: Handler = handler) -> None:
            app.state.shutting_down = True
            handler(sig, frame)

        signal.signal(signum, announce)


def freeze_start_up_objects() -> None:
    # Everything built so far (schema, modules, caches) lives as long as the process: frozen,
    # the cycle collector stops walking it (a full collection was ~18 ms per pause, felt in
    # the tail latency); what requests allocate is collected as before.
    gc.collect()
    gc.freeze()


def check() -> int:
    """Diagnose the configured upstream; the exit code: 0 all passed, 1 a check failed."""
    from .config import load_settings

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

    from .app import DEMO_BASE_URL, demo_transport, no_cookies, oauth_tokens, server_credential
    from .config import DEFAULT_API_VERSION
    from .fleet import SharedStore
    from .upstream.probe import Target, display_url, probe

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


def simulate(host: str, port: int, resources: int, access_seconds: int = 7200) -> None:
    from .simulator import (
        DEMO_CLIENT_ID,
        DEMO_CLIENT_SECRET,
        OAuthServer,
        Simulator,
        build_demo_store,
    )

    oauth = OAuthServer(access_seconds=access_seconds)
    simulator = Simulator(build_demo_store(resources=resources), oauth=oauth)
    print(
        f"gql-server: Factorial simulator on http://{host}:{port}/api/<version>/resources/"
        "custom_resources/..., any x-api-key or Bearer token accepted; OAuth at "
        f"http://{host}:{port}/oauth/authorize and /oauth/token with client id "
        f"{DEMO_CLIENT_ID} and secret {DEMO_CLIENT_SECRET} (access tokens live "
        f"{access_seconds} s)",
        flush=True,
    )
    uvicorn.run(simulator.app, host=host, port=port, log_config=None, access_log=False)


def export_schema(output: str | None) -> None:
    from .graphql import export_sdl

    sdl = export_sdl()
    if output is None:
        sys.stdout.write(sdl)
        return
    with open(output, "w", encoding="utf-8") as handle:
        handle.write(sdl)


def graphiql_assets(directory: str | None, registry: str | None) -> int:
    from .http.graphiql_assets import (
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

    from .app import no_cookies, token_sealer, token_vault
    from .config import load_settings
    from .fleet import SharedStore, StoreDown
    from .upstream.login import LoginFailed, login

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


def report_config_error(error: ConfigError) -> None:
    """One line per problem on stderr, naming the variable: no traceback to read through."""
    for variable, what in error.problems:
        print(f"gql-server: {variable}: {what}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    command = args.command or "serve"
    try:
        if command == "graphiql-assets":
            sys.exit(graphiql_assets(args.directory, args.registry))
        elif command == "export-schema":
            export_schema(args.output)
        elif command == "oauth":
            sys.exit(oauth_login(args.port))
        elif command == "check":
            sys.exit(check())
        elif command == "simulate":
            configure_logging("text")
            simulate(args.host, args.port, args.resources, args.oauth_access_seconds)
        else:
            serve(
                getattr(args, "host", args.top_host),
                getattr(args, "port", args.top_port),
                getattr(args, "workers", 1),
            )
    except ConfigError as error:
        report_config_error(error)
        sys.exit(EXIT_CONFIG)


if __name__ == "__main__":
    main()
