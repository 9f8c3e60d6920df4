"""Relay-style connections and their opaque cursors.

A cursor means "skip `skip` rows after the upstream position `after`" (`after` None: the start
of the list). A top-level list gives each edge its record's id as `after` (`listing.py`); an
in-memory list gives the row at index `i` the skip `i + 1` (`paging.Window`). Either way an
edge's cursor depends on its row alone, not on the page or the direction that reached it.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

import orjson
import strawberry

from .errors import BadUserInput

T = TypeVar("T")

MAX_IDS = 100


@dataclass(frozen=True, slots=True)
class Cursor:
    after: str | None
    skip: int

    def encode(self) -> str:
        raw = orjson.dumps([self.after, self.skip])
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, value: str | None, argument: str = "after") -> Cursor:
        if value is None:
            return cls(None, 0)
        try:
            padded = value + "=" * (-len(value) % 4)
            after, skip = orjson.loads(base64.urlsafe_b64decode(padded.encode()))
        except (ValueError, TypeError, binascii.Error, orjson.JSONDecodeError):
            raise BadUserInput(f"`{argument}` is not a cursor of this API.", argument) from None
        valid_after = after is None or (isinstance(after, str) and 0 < len(after) <= 512)
        if not valid_after or not isinstance(skip, int) or not 0 <= skip <= 10_000:
            raise BadUserInput(f"`{argument}` is not a cursor of this API.", argument)
        return cls(after, skip)


def check_ids(ids: Sequence[str] | None, argument: str) -> list[str]:
    """An id filter as the upstream takes it: at most 100 non-blank ids."""
    if ids is None:
        return []
    if len(ids) > MAX_IDS:
        raise BadUserInput(f"`{argument}` takes at most {MAX_IDS} ids.", argument)
    cleaned = [str(i).strip() for i in ids]
    if any(not i or len(i) > 64 for i in cleaned):
        raise BadUserInput(f"`{argument}` contains an invalid id.", argument)
    return list(dict.fromkeys(cleaned))


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


def _edges(root: strawberry.Parent[Connection[Any]]) -> list[Edge[T]]:
    cursor_at = root._cursor_at
    return [Edge(cursor=cursor_at(i).encode(), node=n) for i, n in enumerate(root.nodes)]


def _page_info(root: strawberry.Parent[Connection[Any]]) -> PageInfo:
    last = len(root.nodes) - 1
    return PageInfo(
        has_next_page=root._has_next_page,
        has_previous_page=root._has_previous_page,
        start_cursor=root._cursor_at(0).encode() if last >= 0 else None,
        end_cursor=root._cursor_at(last).encode() if last >= 0 else None,
    )


@strawberry.type
class Connection(Generic[T]):
    """A page of a list, Relay style, with the list's total size when known.

    Edges and cursors are made only when a query selects them: one reading `nodes` alone
    builds no edge and encodes no cursor. Resolvers return a `Page` (`build_connection`), which
    has these attributes; this class declares the GraphQL type.
    """

    edges: list[Edge[T]] = strawberry.field(resolver=_edges)
    nodes: list[T]
    page_info: PageInfo = strawberry.field(resolver=_page_info)
    total_count: int | None
    _cursor_at: strawberry.Private[Callable[[int], Cursor]]
    """The cursor of the node at an index of `nodes`."""
    _has_next_page: strawberry.Private[bool]
    _has_previous_page: strawberry.Private[bool]


class Page(Generic[T]):
    """What a `Connection` field resolves to: the connection's data, read by attribute.

    Any object with a Connection's attributes serves; this one has slots, since a nested
    query makes one per parent (a thousand resources, a thousand pages of rows).
    """

    __slots__ = ("_cursors", "_has_next_page", "_has_previous_page", "nodes", "total_count")

    def __init__(
        self,
        nodes: list[T],
        cursors: Callable[[int], Cursor] | int,
        has_next_page: bool,
        has_previous_page: bool,
        total_count: int | None,
    ) -> None:
        self.nodes = nodes
        self.total_count = total_count
        self._cursors = cursors
        self._has_next_page = has_next_page
        self._has_previous_page = has_previous_page

    def _cursor_at(self, index: int) -> Cursor:
        """The cursor of `nodes[index]`."""
        cursors = self._cursors
        if isinstance(cursors, int):  # a window of an in-memory list: skip `cursors` rows
            return Cursor(None, cursors + index + 1)
        return cursors(index)


def build_connection(
    nodes: list[T],
    cursor_at: Callable[[int], Cursor] | int,
    *,
    has_next_page: bool,
    has_previous_page: bool,
    total_count: int | None,
) -> Connection[T]:
    """A connection over `nodes`; `cursor_at(i)` is the cursor of `nodes[i]` (an int: the
    rows of an in-memory list after the first `cursor_at`)."""
    page = Page(nodes, cursor_at, has_next_page, has_previous_page, total_count)
    return cast("Connection[T]", page)
