"""GraphQL: the schema, its types and resolvers, errors, the cost estimate and the executors.

Owns the GraphQL surface (`types`, `table`, `query`, `mutation`, `schema`), connections and
listing, the error family (`errors`), the document cache (`document`), the cost estimate
(`cost`) and execution: the column executor for queries (`columns`, `completion`, `positions`,
`rows`, with the links' batch forms in `batched`), its incremental form for @defer and @stream
(`incremental`), and graphql-core's for mutations (`execution`).

May import `loading` and `upstream`; never `http` (contracts in pyproject.toml).
"""

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
