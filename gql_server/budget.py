"""The upstream-call budget: operations estimated to cost too much are refused before they run."""

from __future__ import annotations

from .endpoint import OperationRequest, PreExecutionCheck
from .graphql.cost import estimate_calls
from .graphql.errors import QueryTooComplex
from .upstream import RESOURCES, SCHEMAS, VALUES, FactorialClient
from .upstream.custom_fields import CELLS, EMPLOYEES, FIELDS, OPTIONS

PATHS = {
    "schemas": SCHEMAS.path,
    "resources": RESOURCES.path,
    "values": VALUES.path,
    "fields": FIELDS.path,
    "options": OPTIONS.path,
    "cells": CELLS.path,
    "employees": EMPLOYEES.path,
}


def upstream_budget(budget: int, assumed_size: int) -> PreExecutionCheck:
    """A check that estimates the operation's upstream calls and refuses it over `budget`.

    Collection sizes are the caller's own last seen ones, `assumed_size` until one is seen.
    The estimate is left on `request.state.upstream_estimate` for the response to report.
    """

    def check(operation: OperationRequest) -> None:
        client: FactorialClient = operation.request.app.state.client
        credential = operation.credential

        def size_of(name: str) -> int:
            known = None
            if credential is not None:
                known = client.sizes.get(credential.fingerprint, PATHS[name])
            return known if known is not None else assumed_size

        estimate = estimate_calls(
            operation.document, operation.operation, operation.params.variables, size_of
        )
        operation.request.state.upstream_estimate = estimate
        if estimate > budget:
            raise QueryTooComplex(
                f"This operation could need up to {estimate} calls to Factorial; "
                f"this server allows {budget}.",
                estimate=estimate,
                budget=budget,
            )

    return check
