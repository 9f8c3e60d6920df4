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

With a fleet (`GQL_REDIS_URL`), automatic queries are also stored in Redis under their hash
(with an expiry), so a hash registered through one process is found by all; the in-process LRU
stays in front of it. While Redis fails each process knows what it stored itself, and a client
whose hash is unknown here sends the query again: it fails open. The manifest stays local.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import orjson

from ..fleet import SharedStore, StoreDown
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
        shared: SharedStore | None = None,
        shared_seconds: int = 86_400,
    ) -> None:
        self.mode = mode
        self.registered = dict(registered or {})
        self._registered_bodies = frozenset(self.registered.values())
        self._store: BoundedLRU[str] = BoundedLRU(cache_size, cache_chars)
        self.shared = shared if shared is not None and shared.shared else None
        self.shared_seconds = shared_seconds

    def __len__(self) -> int:
        return len(self._store)

    async def resolve(self, params: GraphQLParams) -> Resolved:
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
            if known is None and params.query is None:
                known = await self._shared_get(op_id.lower())
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

    async def remember(self, resolved: Resolved) -> None:
        """Store a query that proved valid under the hash its request gave (here, and in the
        fleet's Redis when there is one)."""
        if resolved.store_as is None or self.mode != "automatic":
            return
        self._store.put(resolved.store_as, resolved.query, len(resolved.query))
        shared = self.shared
        if shared is not None:
            key, query, seconds = (
                shared.key("apq", resolved.store_as),
                resolved.query,
                self.shared_seconds,
            )
            with contextlib.suppress(StoreDown):
                await shared.call(lambda redis: redis.set(key, query.encode(), ex=seconds))

    async def _shared_get(self, op_hash: str) -> str | None:
        """The query the fleet stored under `op_hash`, kept here too; None when unknown, or
        when Redis cannot say (the client then sends the query again)."""
        shared = self.shared
        if shared is None or not _SHA256.match(op_hash):
            return None
        key = shared.key("apq", op_hash)
        try:
            value = await shared.call(lambda redis: redis.get(key))
        except StoreDown:
            return None
        if not isinstance(value, bytes):
            return None
        query = value.decode("utf-8", errors="replace")
        # Only a text that is the hash's own runs, whoever wrote the key.
        if sha256_hex(query) != op_hash:
            return None
        self._store.put(op_hash, query, len(query))
        return query


def _checked_id(extension: Any) -> str:
    if not isinstance(extension, dict):
        raise HTTPError(400, "`extensions.persistedQuery` must be an object.")
    if extension.get("version") != 1:
        raise HTTPError(400, "Unsupported persisted query version; only version 1 is.")
    op_id = extension.get("sha256Hash")
    if not isinstance(op_id, str) or not 0 < len(op_id) <= MAX_ID_LENGTH:
        raise HTTPError(400, "`extensions.persistedQuery.sha256Hash` must be a string.")
    return op_id
