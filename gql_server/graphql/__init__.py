"""GraphQL: the types, roots, errors and schema of the gateway."""

from .errors import BadRequest, BadUserInput, GatewayError, QueryTooComplex, format_error
from .schema import build_schema, export_sdl

__all__ = [
    "BadRequest",
    "BadUserInput",
    "GatewayError",
    "QueryTooComplex",
    "build_schema",
    "export_sdl",
    "format_error",
]
