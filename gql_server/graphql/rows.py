"""Response objects as rows: a tuple per object, its response names kept once by its class.

A result dict costs about 190 bytes however few fields it has, more than ten times the JSON
it becomes (`{"id":"42"}`); a nested read of a thousand resources holds thousands of them
until the response is written. `ColumnExecutor` builds each object as a `Row` instead: a
tuple of its field values (56 bytes for one field) whose class carries the response names,
one class per set of names. `encode` writes rows as JSON objects, turning one row at a time
into a dict that is freed as soon as it is written; `plain` turns a whole result into dicts
for code that reads it.
"""

from __future__ import annotations

from typing import Any

import orjson

MAX_ROW_TYPES = 1024
"""Row classes kept for reuse; past this the oldest is forgotten (its rows keep it alive).
Aliases are the client's to choose, so the set of names is not bounded by the schema."""


class Row(tuple[Any, ...]):
    """One response object: its field values, in the order of `names`."""

    __slots__ = ()
    names: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return dict(zip(self.names, self, strict=True))


_TYPES: dict[tuple[str, ...], type[Row]] = {}


def row_type(names: tuple[str, ...]) -> type[Row]:
    """The row class for objects with these response names, made once and reused."""
    found = _TYPES.get(names)
    if found is None:
        if len(_TYPES) >= MAX_ROW_TYPES:
            del _TYPES[next(iter(_TYPES))]
        found = _TYPES[names] = type("Row", (Row,), {"__slots__": (), "names": names})
    return found


def _as_object(value: object) -> dict[str, Any]:
    if isinstance(value, Row):
        return dict(zip(value.names, value))  # noqa: B905 (a row has one value per name)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def encode(payload: object) -> bytes:
    """`payload` as JSON, its rows as objects."""
    return orjson.dumps(payload, default=_as_object)


def plain(value: Any) -> Any:
    """`value` with every row, at any depth, made a dict (and every other value as it is)."""
    if isinstance(value, Row):
        return {name: plain(item) for name, item in zip(value.names, value, strict=True)}
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value
