"""JSON responses and the documented error body `{"errors": [{"code", "message", "field"}]}`."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from starlette.responses import Response

JSON_MEDIA_TYPE = "application/json"

# The 2027-01-01 spec's codes; 429 and 405 have none documented, so they borrow the nearest.
ERROR_CODES: Mapping[int, str] = {
    400: "malformed_request",
    401: "unauthorized",
    402: "payment_required",
    403: "forbidden",
    404: "missing_resource",
    405: "malformed_request",
    409: "invalid_state",
    410: "missing_resource",
    422: "validation_failed",
    428: "invalid_state",
    429: "too_many_requests",
    500: "unknown_error",
    502: "service_unreachable",
    503: "service_unreachable",
    504: "service_unreachable",
}

DEFAULT_MESSAGES: Mapping[int, str] = {
    400: "The request could not be understood",
    401: "Invalid or missing credentials",
    402: "Payment required",
    403: "You are not allowed to do this",
    404: "Not found",
    405: "Method not allowed",
    409: "The record is in an invalid state",
    410: "Gone",
    422: "Validation failed",
    428: "Precondition required",
    429: "Too many requests",
    500: "Something went wrong",
    502: "Service unreachable",
    503: "Service unavailable",
    504: "Service timed out",
}


@dataclass(frozen=True, slots=True)
class ApiError:
    """One entry of an error body."""

    message: str
    field: str | None = None


def encode_json(payload: Any) -> bytes:
    """Serialise `payload`; integers beyond 64 bits fall back to the stdlib encoder, exactly."""
    try:
        return orjson.dumps(payload)
    except orjson.JSONEncodeError:
        return json.dumps(payload, separators=(",", ":")).encode()


def json_response(
    payload: Any, status_code: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    """A JSON response with the body already rendered (fault injection reads `.body`)."""
    return Response(
        encode_json(payload), status_code=status_code, headers=headers, media_type=JSON_MEDIA_TYPE
    )


def error_code(status_code: int) -> str:
    """The error code documented for `status_code`."""
    if status_code in ERROR_CODES:
        return ERROR_CODES[status_code]
    return "unknown_error" if status_code >= 500 else "malformed_request"


def error_payload(status_code: int, errors: Sequence[ApiError]) -> dict[str, Any]:
    """The error body for `status_code` listing `errors`."""
    code = error_code(status_code)
    return {"errors": [{"code": code, "message": e.message, "field": e.field} for e in errors]}


def error_response(
    status_code: int,
    message: str | None = None,
    *,
    field: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """A response carrying one documented error; the message defaults to a generic one."""
    text = message if message is not None else DEFAULT_MESSAGES.get(status_code, "Error")
    return json_response(error_payload(status_code, [ApiError(text, field)]), status_code, headers)


def errors_response(status_code: int, errors: Sequence[ApiError]) -> Response:
    """A response carrying several documented errors (one per invalid field)."""
    return json_response(error_payload(status_code, errors), status_code)
