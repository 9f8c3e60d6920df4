"""Persisted queries: Apollo's automatic persisted queries (APQ), and a registered-only mode.

A request names its document by hash in `extensions.persistedQuery`
(`{"version": 1, "sha256Hash": "<hex>"}`), with or without the `query` itself:

- hash alone: the stored document runs, or PERSISTED_QUERY_NOT_FOUND tells the client (Apollo
  Client's persisted query link) to send it again with the query;
- hash and query: the hash must be the query's SHA-256; the query runs and, once it has proved
  valid and within the operation limits, is stored under the hash (a bounded LRU).

Modes (`GQL_PERSISTED_QUERIES`): `automatic` (APQ, plus any operations of the manifest),
`registered` (only the manifest's operations run, by id or by their exact text: a safelist),
`off` (the extension is answered with PERSISTED_QUERY_NOT_SUPPORTED, and Apollo Client stops
using it).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import orjson

from ..graphql.document import BoundedLRU
from .request import GraphQLParams, HTTPError, RequestRefused

Mode = Literal["automatic", "registered", "off"]
MANIFEST_FORMAT = "apollo-persisted-query-manifest"
_SHA256 = re.compile(r"^[0-9a-fA-F]{64}$")
MAX_ID_LENGTH = 128


class PersistedQueryNotFound(RequestRefused):
    # A 404, never a 400: Apollo Client's link turns persisted queries off for good on a 400.
    code = "PERSISTED_QUERY_NOT_FOUND"
    status = 404


class PersistedQueryNotSupported(RequestRefused):
    code = "PERSISTED_QUERY_NOT_SUPPORTED"


class OperationNotRegistered(RequestRefused):
    code = "OPERATION_NOT_REGISTERED"
    status = 403


@dataclass(frozen=True, slots=True)
class Resolved:
    """The query text a request runs, and the hash to store it under once it proved valid."""

    query: str
    store_as: str | None = None


def sha256_hex(query: str) -> str:
    return hashlib.sha256(query.encode("utf-8")).hexdigest()


def load_manifest(path: Path) -> dict[str, str]:
    """The operations of an Apollo persisted query manifest, by id."""
    try:
        data: Any = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError) as error:
        raise ValueError(f"cannot read the persisted query manifest {path}: {error}") from None
    if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT:
        raise ValueError(f"{path} is not an {MANIFEST_FORMAT} (version 1)")
    operations: dict[str, str] = {}
    for operation in data.get("operations") or ():
        if not isinstance(operation, dict):
            raise ValueError(f"{path}: each operation must be an object")
        op_id, body = operation.get("id"), operation.get("body")
        if not isinstance(op_id, str) or not isinstance(body, str) or not op_id:
            raise ValueError(f"{path}: each operation needs a string `id` and `body`")
        operations[op_id] = body
    return operations


class PersistedQueries:
    """Resolves a request's query text from its persisted query hash, and stores new ones."""

    def __init__(
        self,
        mode: Mode = "automatic",
        *,
        registered: dict[str, str] | None = None,
        cache_size: int = 1000,
        cache_chars: int = 10_000_000,
    ) -> None:
        self.mode = mode
        self.registered = dict(registered or {})
        self._registered_bodies = frozenset(self.registered.values())
        self._store: BoundedLRU[str] = BoundedLRU(cache_size, cache_chars)

    def __len__(self) -> int:
        return len(self._store)

    def resolve(self, params: GraphQLParams) -> Resolved:
        """The query to run, or a refusal (RequestRefused, or HTTPError for a malformed
        extension)."""
        extension = (params.extensions or {}).get("persistedQuery")
        if extension is None:
            assert params.query is not None  # read_params requires one or the other
            if self.mode == "registered" and params.query not in self._registered_bodies:
                raise OperationNotRegistered("This server runs registered operations only.")
            return Resolved(params.query)
        if self.mode == "off":
            raise PersistedQueryNotSupported("PersistedQueryNotSupported")
        op_id = _checked_id(extension)
        known = self.registered.get(op_id)
        if known is None and self.mode == "automatic":
            known = self._store.get(op_id.lower())
        if params.query is None:
            if known is None:
                raise PersistedQueryNotFound("PersistedQueryNotFound")
            return Resolved(known)
        if self.mode == "registered":
            if params.query == known or params.query in self._registered_bodies:
                return Resolved(params.query)
            raise OperationNotRegistered("This server runs registered operations only.")
        if not _SHA256.match(op_id) or sha256_hex(params.query) != op_id.lower():
            raise HTTPError(400, "provided sha does not match query")
        return Resolved(params.query, store_as=None if known else op_id.lower())

    def remember(self, resolved: Resolved) -> None:
        """Store a query that proved valid under the hash its request gave."""
        if resolved.store_as is not None and self.mode == "automatic":
            self._store.put(resolved.store_as, resolved.query, len(resolved.query))


def _checked_id(extension: Any) -> str:
    if not isinstance(extension, dict):
        raise HTTPError(400, "`extensions.persistedQuery` must be an object.")
    if extension.get("version") != 1:
        raise HTTPError(400, "Unsupported persisted query version; only version 1 is.")
    op_id = extension.get("sha256Hash")
    if not isinstance(op_id, str) or not 0 < len(op_id) <= MAX_ID_LENGTH:
        raise HTTPError(400, "`extensions.persistedQuery.sha256Hash` must be a string.")
    return op_id
