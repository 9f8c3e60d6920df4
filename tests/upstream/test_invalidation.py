"""Every write the package makes has its entry in the one table of what writes change; the
groups of reads and writes, cells narrowed to the rows written."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from gql_server.upstream import custom_fields, records
from gql_server.upstream.invalidation import (
    CELL_LISTS,
    CHANGED_BY,
    EVERY_COLLECTION,
    changed_by,
    collection_of,
    groups_of,
    row_group,
)
from gql_server.upstream.records import Collection
from gql_server.upstream.urls import encode_query

PACKAGE = Path(__file__).parents[2] / "gql_server"
CELLS, VALUES = "custom_fields/values", "custom_resources/values"
METHODS = {"create": "POST", "update": "PUT", "delete": "DELETE"}
COLLECTIONS = {
    name: value.path
    for module in (records, custom_fields)
    for name, value in vars(module).items()
    if isinstance(value, Collection)
}


def writes_in_the_package() -> dict[tuple[str, str], list[set[str]]]:
    """(method, collection) of every `session.create/update/delete(COLLECTION, …)` call, with
    the keywords of each such call."""
    found: dict[tuple[str, str], list[set[str]]] = {}
    for path in PACKAGE.rglob("*.py"):
        if "simulator" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            target = node.func.value
            owner = target.attr if isinstance(target, ast.Attribute) else None
            owner = target.id if isinstance(target, ast.Name) else owner
            if node.func.attr not in METHODS or owner != "session" or not node.args:
                continue
            first = node.args[0]
            assert isinstance(first, ast.Name), f"{path}: a write to an unnamed collection"
            keywords = {k.arg for k in node.keywords if k.arg is not None}
            found.setdefault((METHODS[node.func.attr], COLLECTIONS[first.id]), []).append(keywords)
    return found


def test_every_write_of_the_package_says_what_it_changes() -> None:
    writes = writes_in_the_package()
    assert len(writes) >= 6  # the six mutations' writes, at least
    assert sorted(set(writes) - set(CHANGED_BY)) == []


def test_every_cell_the_package_changes_is_named_with_its_row() -> None:
    # A cell's PUT names the cell only: without `rows`, it would expire every row's cells.
    puts = writes_in_the_package()[("PUT", CELLS)]
    assert puts and all("rows" in keywords for keywords in puts)


def test_a_write_changes_its_own_collection_and_its_side_effects() -> None:
    for (_, written), changed in CHANGED_BY.items():
        assert written in changed
        assert changed <= EVERY_COLLECTION
    row = changed_by("POST", "custom_resources/values")
    assert row >= {"custom_resources/resources", "custom_fields/values"}
    assert changed_by("PUT", "custom_fields/values/123") == {"custom_fields/values"}
    assert "custom_fields/values" in changed_by("DELETE", "custom_fields/fields/9")
    # A write nobody listed expires everything rather than nothing.
    assert changed_by("PATCH", "custom_resources/schemas/1") == EVERY_COLLECTION


def test_the_collection_of_a_record_is_its_list() -> None:
    assert collection_of("custom_resources/values/123") == "custom_resources/values"
    assert collection_of("custom_resources/values") == "custom_resources/values"


def test_a_read_of_one_rows_cells_is_of_that_row() -> None:
    # As the table loaders read a row's cells, page after page.
    for params in ([("instance_id", "42")], [("instance_id", "42"), ("after_id", "9")]):
        query = encode_query([*params, ("limit", "100")])
        assert groups_of(CELLS, query) == (CELLS, row_group("42"))
    assert groups_of(CELLS, "instance_id=ab%20c") == (CELLS, row_group("ab c"))


@pytest.mark.parametrize(
    ("path", "query"),
    [
        (CELLS, "ids%5B%5D=1&ids%5B%5D=2&limit=100"),
        (CELLS, "ids[]=1"),
        (CELLS, "limit=100"),
        (CELLS, ""),
        (CELLS, "field_ids%5B%5D=3"),
        (CELLS, "instance_id=1&instance_id=2"),
        (CELLS, "instance_id="),
        (CELLS, "instance_id%5B%5D=1"),
        (f"{CELLS}/77", ""),
        (f"{CELLS}/77", "instance_id=1"),
    ],
)
def test_every_other_read_of_cells_is_of_the_lists(path: str, query: str) -> None:
    assert groups_of(path, query) == (CELLS, CELL_LISTS)


def test_a_read_of_another_collection_is_of_its_collection_only() -> None:
    assert groups_of(VALUES, "ids%5B%5D=1&limit=100") == (VALUES,)
    assert groups_of(f"{VALUES}/3", "") == (VALUES,)
    assert groups_of("custom_fields/resource_fields", "instance_id=1") == (
        "custom_fields/resource_fields",
    )


def test_a_cell_write_whose_row_is_known_expires_that_rows_cells_and_the_lists() -> None:
    scoped = {CELL_LISTS, row_group("7")}
    body = {"field_id": 3, "valuable_type": "CustomResources::Value", "valuable_id": 7}
    assert changed_by("POST", CELLS, body=body) == scoped
    assert changed_by("POST", CELLS, body={**body, "valuable_id": "7"}) == scoped
    # Failed or timed out (no answer): it may have written, that cell of that row only.
    assert changed_by("POST", CELLS, body=body, answer=None) == scoped
    assert changed_by("PUT", f"{CELLS}/123", body={"value": "x"}, rows=("7",)) == scoped
    # A PUT moving the cell to another row changes both.
    moved = changed_by("PUT", f"{CELLS}/123", body={"valuable_id": 8}, rows=("7",))
    assert moved == scoped | {row_group("8")}


def test_a_cell_write_whose_row_is_unknown_expires_every_cell() -> None:
    assert changed_by("PUT", f"{CELLS}/123") == {CELLS}
    assert changed_by("PUT", f"{CELLS}/123", body={"valuable_id": 8}) == {CELLS}
    assert changed_by("POST", CELLS, body={"field_id": 3, "value": "x"}) == {CELLS}
    assert changed_by("POST", CELLS, body={"valuable_id": True}) == {CELLS}
    assert changed_by("POST", CELLS) == {CELLS}


def test_a_new_row_expires_rows_resources_and_its_own_cells() -> None:
    row = changed_by("POST", VALUES, body={"field_id": 3, "value": "x"}, answer={"id": 99})
    assert row == {VALUES, "custom_resources/resources", CELL_LISTS, row_group("99")}
    # No answer to name the row by (failed, timed out, or not a record): every cell.
    for answer in (None, {}, {"id": None}, [], "99"):
        assert changed_by("POST", VALUES, answer=answer) == {
            VALUES,
            "custom_resources/resources",
            CELLS,
        }


def test_other_writes_expire_whole_collections_whatever_rows_they_name() -> None:
    assert changed_by("DELETE", "custom_fields/fields/9", rows=("7",)) >= {CELLS}
    assert changed_by("POST", "custom_resources/schemas", rows=("7",)) == {
        "custom_resources/schemas"
    }
    assert changed_by("DELETE", f"{CELLS}/123", rows=("7",)) == EVERY_COLLECTION


def test_the_groups_a_write_bumps_meet_every_read_it_may_change() -> None:
    """The two halves agree: a read shares a group with a write iff the write may change it."""

    def expires(write: frozenset[str], path: str, query: str) -> bool:
        return bool(write & set(groups_of(path, query)))

    row_7 = encode_query([("instance_id", "7"), ("limit", "100")])
    row_8 = encode_query([("instance_id", "8"), ("limit", "100")])
    by_ids = encode_query([("ids[]", "1"), ("limit", "100")])
    cell = changed_by("PUT", f"{CELLS}/1", rows=("7",))
    assert expires(cell, CELLS, row_7) and expires(cell, CELLS, by_ids)
    assert expires(cell, f"{CELLS}/1", "")
    assert not expires(cell, CELLS, row_8) and not expires(cell, VALUES, by_ids)
    unknown = changed_by("PUT", f"{CELLS}/1")
    column_gone = changed_by("DELETE", "custom_fields/fields/9")
    for write in (unknown, column_gone):
        assert all(expires(write, CELLS, q) for q in (row_7, row_8, by_ids))
