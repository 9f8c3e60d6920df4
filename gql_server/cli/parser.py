"""The command line: every command's options, described for `--help`."""

from __future__ import annotations

import argparse
import importlib.metadata
from typing import TypeAlias

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_SIMULATOR_PORT = 8001
EXIT_CONFIG = 2
DEFAULT_LOGIN_PORT = 8765


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


def build_parser() -> argparse.ArgumentParser:
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
    simulate.add_argument(
        "--tenant",
        metavar="KEY",
        action="append",
        default=[],
        help="answer this x-api-key from a company of its own: demo data of another seed, "
        "with the same ids as every other company's, for trying tenant isolation; "
        "repeatable (other keys share the default company)",
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
    from ..http.graphiql_assets import DEFAULT_REGISTRY, REGISTRY_ENV, default_assets_dir

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
