"""What each write of ours may change upstream: the collections whose cached reads it expires.

The one table of it. Invalidation is by whole collection (every cached read of a list or of a
record of it, for every credential), a superset of what a write changes: "that row's cells"
would need to know which cached queries name the row, and a write is rare beside reads.
Factorial's writes have side effects beyond their own record (a row may create the employee's
resource, a column its options), so each entry names them too; a write missing from the table
expires every collection, and tests/upstream/test_invalidation.py checks that every write the
package makes has its entry.
"""

from __future__ import annotations

from .custom_fields import CELLS, COLUMNS, EMPLOYEES, FIELDS, OPTIONS
from .records import RESOURCES, SCHEMAS, VALUES

EVERY_COLLECTION = frozenset(
    c.path for c in (SCHEMAS, RESOURCES, VALUES, FIELDS, OPTIONS, COLUMNS, CELLS, EMPLOYEES)
)

CHANGED_BY: dict[tuple[str, str], frozenset[str]] = {
    # A table definition; Factorial's POST takes no resources or columns with it.
    ("POST", SCHEMAS.path): frozenset({SCHEMAS.path}),
    # A row: Factorial creates the employee's resource of the table when there is none, and
    # the body's first cell with the row.
    ("POST", VALUES.path): frozenset({VALUES.path, RESOURCES.path, CELLS.path}),
    # A cell, new or changed.
    ("POST", CELLS.path): frozenset({CELLS.path}),
    ("PUT", CELLS.path): frozenset({CELLS.path}),
    # A column: a field that is a column of the schema, with its options when given.
    ("POST", COLUMNS.path): frozenset({COLUMNS.path, FIELDS.path, OPTIONS.path}),
    # A choice of a column: the field's definition lists its options too.
    ("POST", OPTIONS.path): frozenset({OPTIONS.path, FIELDS.path}),
    # A field goes with its column, its options and every cell of it.
    ("DELETE", FIELDS.path): frozenset({FIELDS.path, COLUMNS.path, OPTIONS.path, CELLS.path}),
}


def collection_of(path: str) -> str:
    """The collection a path reads or writes: `custom_resources/values` for a list and for
    `custom_resources/values/123`."""
    return "/".join(path.split("/", 2)[:2])


def changed_by(method: str, path: str) -> frozenset[str]:
    """The collections a write of `method` to `path` may have changed."""
    return CHANGED_BY.get((method, collection_of(path)), EVERY_COLLECTION)
