"""Whether a request's reads skip the read cache shared across requests.

A client asks for fresh data the way HTTP clients ask any cache: `Cache-Control: no-cache`
(or `max-age=0`), or the older `Pragma: no-cache`. A mutation always reads fresh: what it
looks up before writing (a table, an employee, the row an earlier attempt created) decides
what it writes, so it must be what Factorial holds now. Either way the answers read are
stored for the requests after it.
"""

from __future__ import annotations

from graphql import DocumentNode, OperationType, get_operation_ast
from starlette.datastructures import Headers


def asks_fresh(headers: Headers) -> bool:
    """Whether the request's headers ask caches for an answer that is not stored."""
    for value in headers.getlist("cache-control"):
        for directive in value.split(","):
            name, _, argument = directive.strip().partition("=")
            name = name.strip().lower()
            if name == "no-cache":
                return True
            seconds = argument.strip().strip('"')
            if name == "max-age" and seconds.isdigit() and int(seconds) == 0:
                return True
    return any(
        directive.strip().lower() == "no-cache"
        for value in headers.getlist("pragma")
        for directive in value.split(",")
    )


def reads_fresh(headers: Headers, document: DocumentNode, operation_name: str | None) -> bool:
    """Whether the operation's reads skip the read cache: asked for, or a mutation."""
    if asks_fresh(headers):
        return True
    operation = get_operation_ast(document, operation_name)
    return operation is not None and operation.operation == OperationType.MUTATION
