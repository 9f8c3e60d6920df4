"""Our GraphQL errors, and the one function that turns any error into what a client sees.

Every error leaves with `extensions.code`. Our own errors and the upstream family keep their
code and message; graphql-core's parse, validation and input-coercion errors keep their message
(it only describes the client's own document) and get a code; anything else is masked as
INTERNAL_SERVER_ERROR and logged, so no stack trace, exception text or upstream body leaks.
"""

from __future__ import annotations

import logging
from typing import Any

from graphql import GraphQLError, GraphQLSyntaxError

from ..upstream import UpstreamBadInput, UpstreamError, UpstreamRateLimited
from .input_errors import variable_field

logger = logging.getLogger("gql_server.errors")

INTERNAL_MESSAGE = "Unexpected error."

# graphql-core reports a wrong or missing input value through these messages; such errors are
# the client's input, not its query shape.
_INPUT_MESSAGES = (
    "has invalid value",
    "got invalid value",
    "was not provided",
    "Expected value of",
    "is not defined by type",
    "of required type",
    "cannot represent",
)


class GatewayError(Exception):
    """An error of ours with a code, safe to show to the client as it is."""

    code = "INTERNAL_SERVER_ERROR"

    def __init__(self, message: str, **extensions: Any) -> None:
        super().__init__(message)
        self.message = message
        self.extensions = extensions


class BadUserInput(GatewayError):
    """An argument or input field the client sent is not acceptable."""

    code = "BAD_USER_INPUT"

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message, field=field)


class QueryTooComplex(GatewayError):
    code = "QUERY_TOO_COMPLEX"


class BadRequest(GatewayError):
    code = "BAD_REQUEST"


def code_of_graphql_error(error: GraphQLError) -> str:
    if isinstance(error, GraphQLSyntaxError):
        return "GRAPHQL_PARSE_FAILED"
    if any(fragment in error.message for fragment in _INPUT_MESSAGES):
        return "BAD_USER_INPUT"
    return "GRAPHQL_VALIDATION_FAILED"


def format_error(error: GraphQLError, request_id: str | None = None) -> dict[str, Any]:
    """The JSON form of an error as the client receives it."""
    original = error.original_error
    extensions: dict[str, Any]
    if isinstance(original, GatewayError):
        message = original.message
        extensions = {"code": original.code, **original.extensions}
    elif isinstance(original, UpstreamError):
        message = original.message
        extensions = {"code": original.code}
        if isinstance(original, UpstreamRateLimited) and original.retry_after is not None:
            extensions["retryAfter"] = round(original.retry_after, 3)
        if isinstance(original, UpstreamBadInput) and original.field is not None:
            extensions["field"] = original.field
    elif original is None or isinstance(original, GraphQLError):
        # graphql-core's own errors (possibly wrapped, as in variable coercion) describe only
        # the client's document and variables.
        message = error.message
        extensions = {"code": code_of_graphql_error(error)}
        if extensions["code"] == "BAD_USER_INPUT":
            # Named at validation (document.py) for values written in the document; a
            # variable that does not coerce is named by its message.
            named = (error.extensions or {}).get("field") or variable_field(message)
            if named is not None:
                extensions["field"] = named
    else:
        logger.error(
            "unexpected error in a resolver",
            exc_info=original,
            extra={"request_id": request_id, "path": error.path},
        )
        message = INTERNAL_MESSAGE
        extensions = {"code": "INTERNAL_SERVER_ERROR"}
    formatted: dict[str, Any] = {"message": message}
    if error.locations:
        formatted["locations"] = [{"line": at.line, "column": at.column} for at in error.locations]
    if error.path is not None:
        formatted["path"] = error.path
    formatted["extensions"] = extensions
    return formatted


def request_error(code: str, message: str, **extensions: Any) -> dict[str, Any]:
    """An error about the request as a whole (no path, no location)."""
    return {"message": message, "extensions": {"code": code, **extensions}}
