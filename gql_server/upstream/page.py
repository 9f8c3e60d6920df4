"""One page of a Factorial list response."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from .errors import UpstreamBadResponse

R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Page(Generic[R]):
    """The records of one list call and the pagination facts its `meta` gave."""

    records: list[R]
    total: int | None
    limit: int | None
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


def _cursor(meta: Mapping[str, Any], key: str) -> str | None:
    raw = meta.get(key)
    if isinstance(raw, str) and raw:
        return raw
    if isinstance(raw, int) and not isinstance(raw, bool):
        return str(raw)
    return None


def _count(meta: Mapping[str, Any], key: str) -> int | None:
    raw = meta.get(key)
    if isinstance(raw, int) and not isinstance(raw, bool) and raw >= 0:
        return raw
    return None


def decode_page(body: object, decode: Callable[[object], R]) -> Page[R]:
    """Decode `{"data": [...], "meta": {...}}`; a missing or partial meta is tolerated."""
    if not isinstance(body, Mapping) or not isinstance(body.get("data"), list):
        raise UpstreamBadResponse("Factorial sent a list response without a data array.")
    meta = body.get("meta")
    if not isinstance(meta, Mapping):
        meta = {}
    return Page(
        records=[decode(item) for item in body["data"]],
        total=_count(meta, "total"),
        limit=_count(meta, "limit"),
        has_next_page=meta.get("has_next_page") is True,
        has_previous_page=meta.get("has_previous_page") is True,
        start_cursor=_cursor(meta, "start_cursor"),
        end_cursor=_cursor(meta, "end_cursor"),
    )
