"""Response rows: compact objects that encode as JSON objects (gql_server/graphql/rows.py)."""

from __future__ import annotations

import tracemalloc

import orjson
import pytest

from gql_server.graphql import rows
from gql_server.graphql.rows import Row, encode, plain, row_type


def test_a_row_encodes_as_an_object_in_its_names_order() -> None:
    book = row_type(("id", "title"))(("b1", None))
    shelf = row_type(("books", "id"))(([book], "s1"))
    assert encode({"data": shelf}) == b'{"data":{"books":[{"id":"b1","title":null}],"id":"s1"}}'
    assert plain(shelf) == {"books": [{"id": "b1", "title": None}], "id": "s1"}
    assert shelf.as_dict() == {"books": [book], "id": "s1"}


def test_what_is_neither_json_nor_a_row_is_refused() -> None:
    with pytest.raises(TypeError):
        encode({"data": object()})


def test_rows_hold_a_fraction_of_the_memory_of_dicts() -> None:
    """The point of rows: a thousand one-field objects, as rows and as the dicts they stand
    for."""
    book = row_type(("id",))
    ids = [str(n) for n in range(1000)]

    def held(make: object) -> int:
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            kept = make()  # type: ignore[operator]
            size = tracemalloc.get_traced_memory()[0] - before
        finally:
            tracemalloc.stop()
        assert len(kept) == 1000
        return size

    as_rows = held(lambda: [book((i,)) for i in ids])
    as_dicts = held(lambda: [{"id": i} for i in ids])
    assert as_rows * 2 < as_dicts, (as_rows, as_dicts)


def test_row_classes_are_bounded_and_old_rows_still_encode(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Aliases are the client's: a stream of new name sets cannot grow the class table."""
    monkeypatch.setattr(rows, "MAX_ROW_TYPES", 8)
    monkeypatch.setattr(rows, "_TYPES", {})
    first = row_type(("a0",))(("x",))
    for n in range(1, 50):
        row_type((f"a{n}",))
    assert len(rows._TYPES) == 8
    assert ("a0",) not in rows._TYPES
    assert encode([first]) == orjson.dumps([{"a0": "x"}])
    assert isinstance(first, Row)
    # A name set seen again is found, not remade.
    assert row_type(("a49",)) is row_type(("a49",))
