"""The two incremental delivery formats clients speak, written from the schedule's payloads.

- `deferSpec=20220824`: the @defer/@stream draft of the GraphQL specification of that date,
  spoken by Apollo Client's `Defer20220824Handler`, Apollo Router and graphql-helix. Each entry
  carries its own absolute `path` (and `label`): `{data, path}` for a deferred fragment,
  `{items, path}` for a stream, whose path ends with the index of its first item; a failure
  is `data: null` or `items: null` with its errors.
- `incrementalSpec=v0.2`: the current proposal as graphql-js 17.0.0-alpha.9 implements it,
  spoken by Apollo Client's `GraphQL17Alpha9Handler`. Fragments and streams are announced in
  `pending` with an id; their data arrives in `incremental` entries naming that id (with a
  `subPath` when the data is for an object below the fragment's); `completed` closes each,
  with the errors of a failure.

Every payload but the last says `hasNext: true`; the last (multipart.py) is `hasNext: false`
with the request's `extensions`, and no data, since Apollo Client reads a payload's own
`extensions` only when it has no `incremental` entries.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from graphql import GraphQLError

from ..graphql.errors import format_error
from ..graphql.incremental import Increment, Record


class IncrementalFormat(Protocol):
    """One of the formats: its name in Accept and Content-Type, and its payloads."""

    @property
    def parameter(self) -> str:
        """The media type parameter naming the format, e.g. `deferSpec=20220824`."""
        ...

    def initial(
        self, payload: dict[str, Any], announced: Increment, request_id: str
    ) -> dict[str, Any]:
        """The first payload: the initial result's `data` and `errors`, and what follows."""
        ...

    def subsequent(self, increment: Increment, request_id: str) -> dict[str, Any] | None:
        """A later payload (None when it says nothing in this format)."""
        ...


class Defer20220824:
    parameter = "deferSpec=20220824"

    def initial(
        self, payload: dict[str, Any], announced: Increment, request_id: str
    ) -> dict[str, Any]:
        return {**payload, "hasNext": True}

    def subsequent(self, increment: Increment, request_id: str) -> dict[str, Any] | None:
        entries: list[dict[str, Any]] = []
        for deferred in increment.deferred:
            entry = {"data": deferred.data, "path": list(deferred.path)}
            entries.append(_with(entry, deferred.record.label, deferred.errors, request_id))
        for streamed in increment.streamed:
            entry = {"items": streamed.items, "path": _first_item(streamed.record)}
            entries.append(_with(entry, streamed.record.label, streamed.errors, request_id))
        for completed in increment.completed:
            if completed.errors is None:
                continue
            record = completed.record
            if record.stream:
                entry = {"items": None, "path": _first_item(record)}
            else:
                entry = {"data": None, "path": list(record.path)}
            entries.append(_with(entry, record.label, completed.errors, request_id))
        if not entries:
            return None
        return {"incremental": entries, "hasNext": True}


class IncrementalV02:
    parameter = "incrementalSpec=v0.2"

    def initial(
        self, payload: dict[str, Any], announced: Increment, request_id: str
    ) -> dict[str, Any]:
        initial = dict(payload)
        if announced.pending:
            initial["pending"] = _pending(announced.pending)
        initial["hasNext"] = True
        return initial

    def subsequent(self, increment: Increment, request_id: str) -> dict[str, Any] | None:
        payload: dict[str, Any] = {}
        if increment.pending:
            payload["pending"] = _pending(increment.pending)
        entries: list[dict[str, Any]] = []
        for deferred in increment.deferred:
            record = deferred.record
            entry: dict[str, Any] = {"id": record.id, "data": deferred.data}
            below = list(deferred.path[len(record.path) :])
            if below:
                entry["subPath"] = below
            entries.append(_with(entry, None, deferred.errors, request_id))
        for streamed in increment.streamed:
            entry = {"id": streamed.record.id, "items": streamed.items}
            entries.append(_with(entry, None, streamed.errors, request_id))
        if entries:
            payload["incremental"] = entries
        if increment.completed:
            payload["completed"] = [
                _with({"id": c.record.id}, None, c.errors or (), request_id)
                for c in increment.completed
            ]
        if not payload:
            return None
        payload["hasNext"] = True
        return payload


DEFER_20220824 = Defer20220824()
INCREMENTAL_V02 = IncrementalV02()


def _pending(records: list[Record]) -> list[dict[str, Any]]:
    pending = []
    for record in records:
        entry: dict[str, Any] = {"id": record.id, "path": list(record.path)}
        if record.label is not None:
            entry["label"] = record.label
        pending.append(entry)
    return pending


def _first_item(record: Record) -> list[Any]:
    return [*record.path, record.first]


def _with(
    entry: dict[str, Any], label: str | None, errors: Iterable[GraphQLError], request_id: str
) -> dict[str, Any]:
    if label is not None:
        entry["label"] = label
    formatted = [format_error(error, request_id) for error in errors]
    if formatted:
        entry["errors"] = formatted
    return entry
