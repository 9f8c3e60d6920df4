"""Cursor and page slicing, limit clamp, cursor encoding."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from gql_server.simulator.pagination import (
    CursorError,
    decode_cursor,
    encode_cursor,
    paginate,
    parse_limit,
)


@dataclass
class Row:
    id: int


ROWS = [Row(i) for i in (2, 4, 6, 8, 10, 12, 14)]


def ids(params: dict[str, str]) -> list[int]:
    return [r.id for r in paginate(ROWS, params).rows]


@pytest.mark.parametrize("record_id", [1, 99, 18_000_000_000_000_001, 2**70])
def test_cursor_round_trip(record_id: int) -> None:
    cursor = encode_cursor(record_id)
    assert not cursor.isdigit()
    assert decode_cursor(cursor) == record_id


def test_raw_ids_are_cursors_and_garbage_is_not() -> None:
    assert decode_cursor("123") == 123
    assert decode_cursor("not a cursor") is None
    assert decode_cursor("aGVsbG8") is None  # base64 of "hello"
    assert decode_cursor("9" * 5000) is None


@pytest.mark.parametrize(
    ("raw", "limit"),
    [(None, 100), ("10", 10), ("500", 100), ("0", 1), ("-5", 1), ("abc", 100), ("", 100)],
)
def test_limit(raw: str | None, limit: int) -> None:
    assert parse_limit(raw) == limit


def test_after_and_before_windows() -> None:
    assert ids({"limit": "2"}) == [2, 4]
    assert ids({"limit": "2", "after_id": "4"}) == [6, 8]
    assert ids({"limit": "2", "after_id": "5"}) == [6, 8]
    assert ids({"limit": "2", "before_id": "10"}) == [6, 8]
    assert ids({"limit": "10", "after_id": "4", "before_id": "12"}) == [6, 8, 10]
    assert ids({"after_id": encode_cursor(14)}) == []


def test_meta_of_a_middle_page() -> None:
    page = paginate(ROWS, {"limit": "2", "after_id": "4"})
    assert page.meta == {
        "has_next_page": True,
        "has_previous_page": True,
        "limit": 2,
        "total": 7,
        "start_cursor": encode_cursor(6),
        "end_cursor": encode_cursor(8),
    }


def test_empty_page_has_no_cursors() -> None:
    page = paginate(list[Row](), {})
    assert page.meta == {
        "has_next_page": False,
        "has_previous_page": False,
        "limit": 100,
        "total": 0,
        "start_cursor": None,
        "end_cursor": None,
    }


def test_pages() -> None:
    assert ids({"limit": "3", "page": "1"}) == [2, 4, 6]
    assert ids({"limit": "3", "page": "3"}) == [14]
    assert ids({"limit": "3", "page": "9"}) == []
    assert ids({"limit": "3", "page": "junk"}) == [2, 4, 6]
    last = paginate(ROWS, {"limit": "3", "page": "3"}).meta
    assert (last["has_next_page"], last["has_previous_page"]) == (False, True)


def test_cursor_wins_over_page() -> None:
    assert ids({"limit": "2", "page": "3", "after_id": "2"}) == [4, 6]


def test_foreign_cursor_is_an_error() -> None:
    with pytest.raises(CursorError) as info:
        paginate(ROWS, {"before_id": "zzz"})
    assert info.value.param == "before_id"
