"""Every write the package makes has its entry in the one table of what writes change."""

from __future__ import annotations

import ast
from pathlib import Path

from gql_server.upstream import custom_fields, records
from gql_server.upstream.invalidation import (
    CHANGED_BY,
    EVERY_COLLECTION,
    changed_by,
    collection_of,
)
from gql_server.upstream.records import Collection

PACKAGE = Path(__file__).parents[2] / "gql_server"
METHODS = {"create": "POST", "update": "PUT", "delete": "DELETE"}
COLLECTIONS = {
    name: value.path
    for module in (records, custom_fields)
    for name, value in vars(module).items()
    if isinstance(value, Collection)
}


def writes_in_the_package() -> set[tuple[str, str]]:
    """(method, collection) of every `session.create/update/delete(COLLECTION, …)` call."""
    found: set[tuple[str, str]] = set()
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
            found.add((METHODS[node.func.attr], COLLECTIONS[first.id]))
    return found


def test_every_write_of_the_package_says_what_it_changes() -> None:
    writes = writes_in_the_package()
    assert len(writes) >= 6  # the six mutations' writes, at least
    assert sorted(writes - set(CHANGED_BY)) == []


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
