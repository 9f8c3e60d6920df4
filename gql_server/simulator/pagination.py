"""Cursor (`after_id`/`before_id`) and offset (`page`) pagination with the 100 limit clamp."""

from __future__ import annotations

import base64
import binascii
import bisect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from .records import parse_id

DEFAULT_LIMIT = 100
MAX_LIMIT = 100
_CURSOR_PREFIX = "id:"


class HasId(Protocol):
    """Anything with an integer id."""

    @property
    def id(self) -> int: ...


RowT = TypeVar("RowT", bound=HasId)


class CursorError(ValueError):
    """A cursor parameter that is neither a cursor we issued nor a record id."""

    def __init__(self, param: str) -> None:
        super().__init__(f"invalid cursor in {param}")
        self.param = param


@dataclass(frozen=True, slots=True)
class Page(Generic[RowT]):
    """One page of rows and the `meta` object that describes it."""

    rows: Sequence[RowT]
    meta: dict[str, Any]


def encode_cursor(record_id: int) -> str:
    """The opaque cursor pointing at `record_id`."""
    raw = f"{_CURSOR_PREFIX}{record_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(text: str) -> int | None:
    """The record id behind a cursor we issued, or a raw record id; None when it is neither."""
    if text.isascii() and text.isdigit():
        return parse_id(text)
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    digits = raw.removeprefix(_CURSOR_PREFIX)
    return None if raw == digits else parse_id(digits)


def parse_limit(raw: str | None) -> int:
    """The effective page size: default 100, clamped to 1..100, garbage means the default."""
    if raw is None:
        return DEFAULT_LIMIT
    try:
        value = int(raw.strip())
    except ValueError:
        return DEFAULT_LIMIT
    return max(1, min(MAX_LIMIT, value))


def _parse_page_number(raw: str | None) -> int:
    try:
        return max(1, int(raw.strip())) if raw is not None else 1
    except ValueError:
        return 1


def _cursor_param(params: Mapping[str, str], name: str) -> int | None:
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    decoded = decode_cursor(raw.strip())
    if decoded is None:
        raise CursorError(name)
    return decoded


def _row_id(row: HasId) -> int:
    return row.id


def paginate(rows: Sequence[RowT], params: Mapping[str, str]) -> Page[RowT]:
    """Cut the page that `params` (a query-string multidict) asks for out of `rows`.

    `rows` must be sorted by ascending id. Cursor parameters win over `page`: `after_id` and
    `before_id` narrow the window, and a `before_id` alone takes its last `limit` rows, so a
    walk backwards from a `start_cursor` works too. Raises CursorError on a foreign cursor.
    """
    limit = parse_limit(params.get("limit"))
    after = _cursor_param(params, "after_id")
    before = _cursor_param(params, "before_id")
    if after is not None or before is not None:
        lo = 0 if after is None else bisect.bisect_right(rows, after, key=_row_id)
        hi = len(rows) if before is None else bisect.bisect_left(rows, before, key=_row_id)
        hi = max(lo, hi)
        start = max(lo, hi - limit) if after is None else lo
        end = min(hi, start + limit)
    else:
        start = min(len(rows), (_parse_page_number(params.get("page")) - 1) * limit)
        end = min(len(rows), start + limit)
    page_rows = rows[start:end]
    meta: dict[str, Any] = {
        "has_next_page": end < len(rows),
        "has_previous_page": start > 0,
        "limit": limit,
        "total": len(rows),
        "start_cursor": encode_cursor(page_rows[0].id) if page_rows else None,
        "end_cursor": encode_cursor(page_rows[-1].id) if page_rows else None,
    }
    return Page(page_rows, meta)
