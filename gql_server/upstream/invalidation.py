"""What each write of ours may change upstream, and which cached reads that expires.

The read cache's entries belong to groups (`fleet/cache.py`), whose generations every
credential shares; a write bumps the groups of every cached read it may have changed. Here is
the one table of it, and the mapping from reads and writes to groups.

Groups of a read (`groups_of`): its collection, for every collection. Cells
(`custom_fields/values`) are read one row at a time (`instance_id=<row>`), and a cell write
changes one row's cells: so a cells read whose query names one row X is also of the group
`custom_fields/values#row:X`, and every other cells read (by `ids[]`, by id, unfiltered) of
`custom_fields/values#lists`. A cell write whose row is known bumps only that row's group and
the lists'; what cannot say which rows it changed bumps the whole collection, which expires
every cells read.

`instance_id` matches any record with that id, so the answer of `instance_id=X` may also hold
the profile cells of the employee whose id is X. Scoping it by X is still right: we never
write an employee's cells, and if we did, its `valuable_id` would be X and bump X's group too.

Writes (`changed_by`): the collections of `CHANGED_BY`, a superset of what a write changes
(Factorial's writes have side effects beyond their own record: a row may create the employee's
resource, a column its options); for cells, narrowed to the rows written when they are known:

- a cell's POST names its row in its body (`valuable_id`); its PUT (`custom_fields/values/<cell
  id>`) does not, so its caller says which row the cell is of (`rows`). Whatever the outcome:
  a failed or timed-out cell write may have written, but only that cell, of that row;
- a new row's POST writes its first cell with it: that row's group, taken from the answer;
  without an answer (the write failed or timed out, and may have made a row we cannot name),
  the whole cells collection;
- a write whose row is not known, a column deleted (its cells in every row go with it), and
  every other write: whole collections, and a write missing from the table every collection.

Invalidation is for every credential (one company's data is reachable with several, and each
must see the write). tests/upstream/test_invalidation.py checks that every write the package
makes has its entry, and that its cell writes name their rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from urllib.parse import parse_qsl

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

CELL_LISTS = f"{CELLS.path}#lists"
"""The group of every cells read not scoped to one row."""
_ROW_SCOPED = f"{CELLS.path}#row:"
_SINGLE_GROUPS = {c: (c,) for c in EVERY_COLLECTION}


def collection_of(path: str) -> str:
    """The collection a path reads or writes: `custom_resources/values` for a list and for
    `custom_resources/values/123`."""
    return "/".join(path.split("/", 2)[:2])


def row_group(row_id: str) -> str:
    """The group of the cells reads of one row (`instance_id=<row_id>`)."""
    return _ROW_SCOPED + row_id


def groups_of(path: str, query: str) -> tuple[str, ...]:
    """The groups of a cached GET of `path` with `query`: its collection, and for cells the
    one row it reads, or the lists'."""
    collection = collection_of(path)
    if collection != CELLS.path:
        return _SINGLE_GROUPS.get(collection) or (collection,)
    row = _row_read(path, query)
    return (CELLS.path, CELL_LISTS if row is None else row_group(row))


def _row_read(path: str, query: str) -> str | None:
    """The row a cells list reads when its query filters to one (`instance_id` once)."""
    if path != CELLS.path or "instance_id=" not in query:
        return None
    rows = [v for k, v in parse_qsl(query, keep_blank_values=True) if k == "instance_id"]
    return rows[0] if len(rows) == 1 and rows[0] else None


def changed_by(
    method: str,
    path: str,
    *,
    body: Mapping[str, object] | None = None,
    answer: object = None,
    rows: Iterable[str] = (),
) -> frozenset[str]:
    """The groups a write of `method` to `path` may have changed: its collections, the cells
    narrowed to the rows it wrote when they are known. `body` is what was sent, `answer` what
    Factorial answered (None when the write failed or timed out), `rows` the rows of the
    cells a PUT changes, which its path does not say."""
    key = (method, collection_of(path))
    changed = CHANGED_BY.get(key)
    if changed is None:
        return EVERY_COLLECTION
    if CELLS.path not in changed:
        return changed
    written = _rows_written(key, body, answer, rows)
    if not written:
        return changed
    return (changed - {CELLS.path}) | {CELL_LISTS} | {row_group(r) for r in written}


def _rows_written(
    key: tuple[str, str], body: Mapping[str, object] | None, answer: object, rows: Iterable[str]
) -> set[str]:
    """The rows whose cells a write may have changed, when it can say (else none)."""
    written = set(rows)
    if key == ("PUT", CELLS.path) and not written:
        # One cell changed; its path names the cell, not its row: only the caller can.
        return written
    if key in (("POST", CELLS.path), ("PUT", CELLS.path)):
        # A cell of the row its body names, if any (a PUT that moved it changed both rows).
        # Whatever the outcome: if it wrote at all, it wrote that cell and no other.
        row = _id_of(body, "valuable_id")
        return written if row is None else written | {row}
    if key == ("POST", VALUES.path):
        # A new row with its first cell: named by the answer only.
        row = _id_of(answer, "id")
        return {row} if row is not None else set()
    return set()


def _id_of(record: object, field: str) -> str | None:
    """An id of a body or an answer as the records' decoders read it (`decoding.decode_id`):
    the string reads name rows by."""
    if not isinstance(record, Mapping):
        return None
    raw = record.get(field)
    if isinstance(raw, str) and raw:
        return raw
    if isinstance(raw, int) and not isinstance(raw, bool):
        return str(raw)
    return None
