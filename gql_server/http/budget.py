"""The upstream-call budget: operations estimated to cost too much are refused before they run."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable, Mapping

import orjson
from graphql import DocumentNode

from ..graphql.cost import estimate_calls
from ..graphql.errors import QueryTooComplex
from ..upstream import RESOURCES, SCHEMAS, VALUES, FactorialClient
from ..upstream.custom_fields import CELLS, EMPLOYEES, FIELDS, OPTIONS
from .endpoint import OperationRequest, PreExecutionCheck

PATHS = {
    "schemas": SCHEMAS.path,
    "resources": RESOURCES.path,
    "values": VALUES.path,
    "fields": FIELDS.path,
    "options": OPTIONS.path,
    "cells": CELLS.path,
    "employees": EMPLOYEES.path,
}


class EstimateCache:
    """Estimates by (document, operation, variables, collection sizes): the same operation
    with the same inputs is walked once, not on every request."""

    def __init__(self, max_size: int = 1000) -> None:
        self.max_size = max_size
        self._entries: OrderedDict[Hashable, tuple[DocumentNode, int]] = OrderedDict()

    def get(self, key: Hashable, document: DocumentNode) -> int | None:
        entry = self._entries.get(key)
        # The document is kept in the entry, so its id cannot be reused while it lives.
        if entry is None or entry[0] is not document:
            return None
        self._entries.move_to_end(key)
        return entry[1]

    def put(self, key: Hashable, document: DocumentNode, estimate: int) -> None:
        self._entries[key] = (document, estimate)
        if len(self._entries) > self.max_size:
            self._entries.popitem(last=False)


def estimate_key(operation: OperationRequest, sizes: Mapping[str, int]) -> Hashable | None:
    """What an estimate depends on; None for variables too deep to key (then not cached)."""
    variables = operation.params.variables
    try:
        encoded = orjson.dumps(variables, option=orjson.OPT_SORT_KEYS) if variables else b""
    except TypeError:
        return None
    name = operation.operation.name
    return (id(operation.document), name.value if name else None, encoded, tuple(sizes.values()))


def upstream_budget(budget: int, assumed_size: int) -> PreExecutionCheck:
    """A check that estimates the operation's upstream calls and refuses it over `budget`.

    Collection sizes are the caller's own last seen ones, `assumed_size` until one is seen.
    The estimate is left on `request.state.upstream_estimate` for the response to report.
    """

    cache = EstimateCache()

    def check(operation: OperationRequest) -> None:
        client: FactorialClient = operation.request.app.state.client
        credential = operation.credential
        seen = client.sizes.of(credential.fingerprint) if credential is not None else {}
        sizes = {name: seen.get(path, assumed_size) for name, path in PATHS.items()}

        variables = operation.params.variables
        key = estimate_key(operation, sizes)
        estimate = cache.get(key, operation.document) if key is not None else None
        if estimate is None:
            estimate = estimate_calls(
                operation.document, operation.operation, variables, sizes.__getitem__
            )
            if key is not None:
                cache.put(key, operation.document, estimate)
        operation.request.state.upstream_estimate = estimate
        if estimate > budget:
            raise QueryTooComplex(
                f"This operation could need up to {estimate} calls to Factorial; "
                f"this server allows {budget}.",
                estimate=estimate,
                budget=budget,
            )

    return check
