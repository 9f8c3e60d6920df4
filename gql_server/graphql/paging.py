"""The page a client asks of a connection: `first`/`after` forwards or `last`/`before` backwards.

Relay allows `first` and `last` together but advises against it; here a page is read in one
direction: `first` with `after`, or `last` with `before`. `first` and `last` together, or a
cursor of the other direction (`first` with `before`, `last` with `after`), is refused with
BAD_USER_INPUT naming the argument that does not fit. Nothing given reads the first 100.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from .connection import Connection, Cursor, build_connection
from .errors import BadUserInput

T = TypeVar("T")

MAX_FIRST = 100
DEFAULT_FIRST = 100


def check_size(value: int | None, argument: str) -> int:
    """A page size a client asked for: 0 to 100 (Factorial's page size), never cut silently."""
    if value is None:
        return DEFAULT_FIRST
    if value < 0:
        raise BadUserInput(f"`{argument}` must not be negative.", argument)
    if value > MAX_FIRST:
        further = "`after: pageInfo.endCursor`"
        if argument == "last":
            further = "`before: pageInfo.startCursor`"
        raise BadUserInput(
            f"`{argument}` takes at most {MAX_FIRST}: read further pages with {further}.",
            argument,
        )
    return value


def check_first(first: int | None) -> int:
    return check_size(first, "first")


@dataclass(frozen=True, slots=True)
class PageRequest:
    """A checked page request. `cursor` is `after` forwards, `before` backwards; `anchored`
    says whether one was given (without one, backwards means the end of the list)."""

    size: int
    cursor: Cursor
    backward: bool
    anchored: bool

    @classmethod
    def parse(
        cls, first: int | None, after: str | None, last: int | None, before: str | None
    ) -> PageRequest:
        if last is None and before is None:
            return cls(check_size(first, "first"), Cursor.decode(after), False, after is not None)
        if first is not None and last is not None:
            raise BadUserInput("Give `first` or `last`, not both.", "last")
        if first is not None:
            raise BadUserInput(
                "`before` pages backwards: use it with `last`, not `first`.", "before"
            )
        if after is not None:
            raise BadUserInput("`after` pages forwards: use it with `first`, not `last`.", "after")
        size = check_size(last, "last")
        return cls(size, Cursor.decode(before, "before"), True, before is not None)


@dataclass(frozen=True, slots=True)
class Window:
    """Which rows of an in-memory list a client asked for; checked before anything loads.

    The cursor of the row at index `i` is `Cursor(None, i + 1)` ("after `i + 1` rows") whichever
    way the row was reached, so `before` that cursor means the first `i` rows.
    """

    skip: int
    size: int
    before: int | None
    """Backwards: the rows before index `before` (None: the end of the list)."""
    backward: bool

    @classmethod
    def parse(
        cls,
        first: int | None,
        after: str | None,
        last: int | None = None,
        before: str | None = None,
    ) -> Window:
        request = PageRequest.parse(first, after, last, before)
        argument = "before" if request.backward else "after"
        if request.cursor.after is not None:
            raise BadUserInput(f"`{argument}` is a cursor of another list.", argument)
        if not request.backward:
            return cls(request.cursor.skip, request.size, None, False)
        end = max(0, request.cursor.skip - 1) if request.anchored else None
        return cls(0, request.size, end, True)

    def apply(self, rows: list[T]) -> Connection[T]:
        if self.backward:
            end = len(rows) if self.before is None else min(self.before, len(rows))
            skip = max(0, end - self.size)
        else:
            skip = self.skip
            end = skip + self.size
        whole = skip == 0 and end >= len(rows)
        return build_connection(
            rows if whole else rows[skip:end],
            skip,
            has_next_page=end < len(rows),
            has_previous_page=skip > 0,
            total_count=len(rows),
        )
