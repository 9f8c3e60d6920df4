"""The `gql-server` command: serve (the default), check, simulate, export-schema and more."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from ..config import ConfigError
from ..telemetry.logs import configure_logging
from .commands import check, export_schema, graphiql_assets, oauth_login, simulate
from .parser import build_parser
from .serving import GracefulServer, announce_shutdown_to, serve, worker_app

EXIT_CONFIG = 2

__all__ = ["GracefulServer", "announce_shutdown_to", "main", "serve", "worker_app"]


def report_config_error(error: ConfigError) -> None:
    """One line per problem on stderr, naming the variable: no traceback to read through."""
    for variable, what in error.problems:
        print(f"gql-server: {variable}: {what}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
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
            simulate(args.host, args.port, args.resources, args.oauth_access_seconds, args.tenant)
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
