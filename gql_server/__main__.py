"""`python -m gql_server` runs the `gql-server` command."""

from .cli import main

main()
