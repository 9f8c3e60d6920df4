"""What a request's writes leave behind for its retry: the protocol resolvers report through."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class RowProgress:
    """A new row that exists upstream, and the columns whose cells were written to it."""

    row_id: str
    written: frozenset[str]


class WriteJournal(Protocol):
    """The record of an idempotent request (`Idempotency-Key`), as resolvers see it.

    `slot` names one mutation field of the operation (its response key), so that two
    `createValue`s of one document keep their own rows. What a resolver reports is kept for the
    next request with the same key, which resumes instead of writing twice.
    """

    def resumed(self, slot: str) -> RowProgress | None:
        """The row an earlier attempt of this request created for `slot`, if any."""

    async def row_created(self, slot: str, row_id: str, field_ids: Iterable[str]) -> None:
        """A row now exists upstream, with cells for `field_ids`."""

    async def cells_written(self, slot: str, field_ids: Iterable[str], attempted: int) -> None:
        """`attempted` cells of `slot`'s row were sent; those of `field_ids` were written (a
        retry sends the others again)."""
