"""Tolerant reading of JSON record members: the one place that decides what a member may be."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from .errors import UpstreamBadResponse


def decode_id(raw: object, field: str) -> str:
    """An id as an opaque string: JSON integers and non-empty strings are accepted."""
    if isinstance(raw, str) and raw:
        return raw
    if isinstance(raw, int) and not isinstance(raw, bool):
        return str(raw)
    raise UpstreamBadResponse(f"Factorial sent a record with an invalid '{field}'.")


def optional_id(record: Mapping[str, Any], field: str) -> str | None:
    raw = record.get(field)
    return None if raw is None else decode_id(raw, field)


def shared_id(record: Mapping[str, Any], field: str) -> str | None:
    """`optional_id` for a reference to another record, shared with every equal reference.

    Rows name their resource and owner, resources their schema and owner: the same few ids
    over and over. Interned, each is one string however many records refer to it (CPython
    frees an interned string with its last reference).
    """
    raw = record.get(field)
    return None if raw is None else sys.intern(decode_id(raw, field))


def shared_str(record: Mapping[str, Any], field: str) -> str | None:
    """`optional_str` for a value from a small set (a type name), shared as `shared_id`."""
    raw = record.get(field)
    return sys.intern(raw) if isinstance(raw, str) else None


def optional_str(record: Mapping[str, Any], field: str) -> str | None:
    raw = record.get(field)
    return raw if isinstance(raw, str) else None


def optional_int(record: Mapping[str, Any], field: str) -> int | None:
    raw = record.get(field)
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.lstrip("-").isdigit():
        return int(raw)
    return None


def optional_datetime(record: Mapping[str, Any], field: str) -> datetime | None:
    raw = record.get(field)
    if not isinstance(raw, str):
        return None
    try:
        return datetime.fromisoformat(raw)
    except ValueError:
        return None


def require_mapping(raw: object) -> Mapping[str, Any]:
    # A decoded body's objects are dicts: checked first, that costs 20 ns a record, where
    # asking the Mapping ABC costs 360.
    if type(raw) is not dict and not isinstance(raw, Mapping):
        raise UpstreamBadResponse("Factorial sent a record that is not an object.")
    return raw


def optional_bool(record: Mapping[str, Any], field: str) -> bool | None:
    raw = record.get(field)
    return raw if isinstance(raw, bool) else None


def optional_date(record: Mapping[str, Any], field: str) -> date | None:
    raw = record.get(field)
    try:
        return date.fromisoformat(raw[:10]) if isinstance(raw, str) else None
    except ValueError:
        return None
