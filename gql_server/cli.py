"""The `gql-server` command: serve (the default), simulate, export-schema."""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import Any

import uvicorn
from starlette.applications import Starlette

from .telemetry.logs import configure_logging

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_SIMULATOR_PORT = 8001


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gql-server",
        description="A GraphQL API over Factorial's custom resources.",
    )
    # `gql-server --port 9000` works too: serve is the default command.
    parser.add_argument("--host", dest="top_host", default=DEFAULT_HOST, help=argparse.SUPPRESS)
    parser.add_argument(
        "--port", dest="top_port", type=int, default=DEFAULT_PORT, help=argparse.SUPPRESS
    )
    commands = parser.add_subparsers(dest="command")
    serve = commands.add_parser("serve", help="run the GraphQL server (the default)")
    serve.add_argument("--host", default=DEFAULT_HOST)
    serve.add_argument("--port", type=int, default=DEFAULT_PORT)
    simulate = commands.add_parser("simulate", help="run the Factorial simulator on a port")
    simulate.add_argument("--host", default=DEFAULT_HOST)
    simulate.add_argument("--port", type=int, default=DEFAULT_SIMULATOR_PORT)
    simulate.add_argument("--resources", type=int, default=40, help="demo data size")
    export = commands.add_parser("export-schema", help="print the GraphQL SDL")
    export.add_argument("--output", "-o", help="write to this file instead of stdout")
    _add_graphiql_assets_parser(commands)
    return parser


def _add_graphiql_assets_parser(commands: argparse._SubParsersAction[Any]) -> None:
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


class GracefulServer(uvicorn.Server):
    """uvicorn's server, telling the app the moment shutdown begins (so /readyz answers 503)
    while in-flight requests finish within the graceful-shutdown timeout."""

    def __init__(self, config: uvicorn.Config, app: Starlette) -> None:
        super().__init__(config)
        self.gateway = app

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        self.gateway.state.shutting_down = True
        super().handle_exit(sig, frame)


def serve(host: str, port: int) -> None:
    from .app import create_app
    from .config import Settings

    settings = Settings()
    configure_logging(settings.log_format)
    app = create_app(settings)
    mode = "demo data (built-in simulator)" if settings.demo else settings.base_url
    print(f"gql-server: GraphQL on http://{host}:{port}/graphql, upstream: {mode}", flush=True)
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_config=None,
        access_log=False,
        loop="uvloop",
        http="httptools",
        timeout_graceful_shutdown=int(settings.gql_shutdown_timeout),
    )
    # Everything built so far (schema, modules, caches) lives as long as the process: frozen,
    # the cycle collector stops walking it (a full collection was ~18 ms per pause, felt in
    # the tail latency); what requests allocate is collected as before.
    gc.collect()
    gc.freeze()
    GracefulServer(config, app).run()


def simulate(host: str, port: int, resources: int) -> None:
    from .simulator import Simulator, build_demo_store

    simulator = Simulator(build_demo_store(resources=resources))
    print(
        f"gql-server: Factorial simulator on http://{host}:{port}/api/<version>/resources/"
        "custom_resources/..., any x-api-key or Bearer token accepted",
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


def main(argv: Sequence[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    command = args.command or "serve"
    if command == "graphiql-assets":
        sys.exit(graphiql_assets(args.directory, args.registry))
    if command == "export-schema":
        export_schema(args.output)
        return
    if command == "simulate":
        configure_logging("text")
        simulate(args.host, args.port, args.resources)
    else:
        serve(getattr(args, "host", args.top_host), getattr(args, "port", args.top_port))


if __name__ == "__main__":
    main()
