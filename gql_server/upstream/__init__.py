"""The Factorial REST client: HTTP, auth, pagination, errors and record decoding.

Knows nothing of GraphQL, HTTP serving or loading, and imports no other package of
gql_server (contracts in pyproject.toml); everything a caller needs is re-exported here.
"""

from .client import MAX_PAGE_SIZE, ClientOptions, FactorialClient
from .credentials import Credential, CredentialKind
from .errors import (
    UpstreamBadInput,
    UpstreamBadResponse,
    UpstreamError,
    UpstreamForbidden,
    UpstreamNotFound,
    UpstreamRateLimited,
    UpstreamShed,
    UpstreamTimeout,
    UpstreamUnauthenticated,
    UpstreamUnavailable,
)
from .page import Page
from .pagination import fetch_all, iter_pages, next_cursor
from .records import (
    RESOURCES,
    SCHEMAS,
    VALUES,
    Collection,
    ResourceRecord,
    SchemaRecord,
    ValueRecord,
)
from .session import UpstreamSession
from .sizes import CollectionSizes
from .stats import UpstreamStats

__all__ = [
    "MAX_PAGE_SIZE",
    "RESOURCES",
    "SCHEMAS",
    "VALUES",
    "ClientOptions",
    "Collection",
    "CollectionSizes",
    "Credential",
    "CredentialKind",
    "FactorialClient",
    "Page",
    "ResourceRecord",
    "SchemaRecord",
    "UpstreamBadInput",
    "UpstreamBadResponse",
    "UpstreamError",
    "UpstreamForbidden",
    "UpstreamNotFound",
    "UpstreamRateLimited",
    "UpstreamSession",
    "UpstreamShed",
    "UpstreamStats",
    "UpstreamTimeout",
    "UpstreamUnauthenticated",
    "UpstreamUnavailable",
    "ValueRecord",
    "fetch_all",
    "iter_pages",
    "next_cursor",
]
