"""Response paths of a level's values, made only when one is needed.

The column executor completes a field for every object of a level at once, so the position of
a value is an index into a column, not a graphql-core `Path`. A `Where` turns such an index
into its path on demand: only an error, or a resolver called per object (its info carries the
path), asks for one, and most requests never do.
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate

from graphql.pyutils import Path


class Where:
    """The response paths of a column's values, made only when one is needed: by an error,
    or by a resolver called per object (its info carries the path)."""

    __slots__ = ()

    def at(self, index: int) -> Path | None:
        raise NotImplementedError

    def all(self, count: int) -> Where:
        """The same positions, with the first `count` paths made now, once."""
        return Paths([self.at(i) for i in range(count)])


class Root(Where):
    __slots__ = ()

    def at(self, index: int) -> Path | None:
        return None

    def all(self, count: int) -> Where:
        return self


class Paths(Where):
    """Paths already made, one a value."""

    __slots__ = ("paths",)

    def __init__(self, paths: list[Path | None]) -> None:
        self.paths = paths

    def at(self, index: int) -> Path | None:
        return self.paths[index]

    def all(self, count: int) -> Where:
        return self


class FieldOf(Where):
    """A field's position in each object of a column."""

    __slots__ = ("key", "parents", "typename")

    def __init__(self, parents: Where, key: str, typename: str) -> None:
        self.parents = parents
        self.key = key
        self.typename = typename

    def at(self, index: int) -> Path:
        return Path(self.parents.at(index), self.key, self.typename)


class ItemOf(Where):
    """Items of a column of lists, flattened in order: list i gave `lengths[i]` items (none
    when negative: a null or a failed list).

    Where each list starts is worked out only when a path is asked for (an error): kept for
    every level, those offsets would be one int object per item past 256.
    """

    __slots__ = ("_starts", "lengths", "lists")

    def __init__(self, lists: Where, lengths: list[int]) -> None:
        self.lists = lists
        self.lengths = lengths
        self._starts: list[int] | None = None

    def at(self, index: int) -> Path:
        starts = self._starts
        if starts is None:
            ends = accumulate(max(length, 0) for length in self.lengths)
            starts = self._starts = [0, *ends][:-1]
        owner = bisect_right(starts, index) - 1
        return Path(self.lists.at(owner), index - starts[owner], None)


class ItemsFrom(ItemOf):
    """`ItemOf` for lists whose first `first` items were completed elsewhere: the remaining
    items of streamed lists (incremental/), item k of a list being at index `first + k`."""

    __slots__ = ("first",)

    def __init__(self, lists: Where, lengths: list[int], first: int) -> None:
        super().__init__(lists, lengths)
        self.first = first

    def at(self, index: int) -> Path:
        path = super().at(index)
        return Path(path.prev, self.first + path.key, None)  # type: ignore[operator]


class Subset(Where):
    """Some positions of another column: position k is `base`'s position `indexes[k]`."""

    __slots__ = ("base", "indexes")

    def __init__(self, base: Where, indexes: list[int]) -> None:
        self.base = base
        self.indexes = indexes

    def at(self, index: int) -> Path | None:
        return self.base.at(self.indexes[index])


def path_at(where: Where, index: int) -> Path:
    path = where.at(index)
    assert path is not None  # only the root has no path, and it is never a field's value
    return path
