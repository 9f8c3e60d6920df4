"""The upstream cost of an operation, estimated from its document before it runs.

The estimate follows the batching rules of `gql_server.loaders` and is an upper bound of the
calls the operation can make:

- a top-level list costs the pages its `first` or `last` (and the skip its `after` cursor
  carries) needs; `last` adds a call with `before` (the check of how `before_id` answers) and
  two without (the total, then up to two offset pages at the list's end: `backward.py`);
- a by-id level costs `ceil(keys / 100)`, the keys being at most the parents above it and at
  most the size of the collection;
- `schema.resources` reads the resources collection once per request: `ceil(size / 100)`;
- `resource.values` costs at most `ceil(parents / 100)` employee batches plus the pages of the
  whole values collection, which bounds both routes the loader may take;
- the same field with the same arguments twice under one parent costs once (the request
  caches its calls and its loaders);
- a table's columns cost one call per schema plus their definitions by id; a row's cells one
  call per row; cells' columns and options, and owners (employees), by-id levels;
- a link back to the parent a list came from (`value.resource` under `resource.values`,
  `resource.schema` under `schema.resources`) costs nothing: that parent is already loaded.

Collection sizes are the last ones seen for the caller's credential, or an assumed size until
one has been seen. @defer and @stream change when calls are made, not which (incremental/): a
document is walked as if they were not there.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValueNode,
    print_ast,
    value_from_ast_untyped,
)

from .connection import Cursor
from .errors import BadUserInput
from .paging import DEFAULT_FIRST, MAX_FIRST

PAGE = 100
SCHEMAS, RESOURCES, VALUES = "schemas", "resources", "values"
FIELDS, OPTIONS, CELLS, EMPLOYEES = "fields", "options", "cells", "employees"
# Cell members that need the cell's column (its type) to resolve.
TYPED_MEMBERS = {"text", "date", "number", "cents", "boolean", "choice", "choices", "field"}
CHOICE_MEMBERS = {"choice", "choices"}
# The reads a write makes before it writes: the table, the employee, the table's columns,
# definitions and options (createValue); the row, its resource, the columns, definitions and
# options and the row's cells (updateCell); the table, its columns and their definitions, and
# the new column read back (createField); the column and its options (createOption); the
# table, its columns and definitions (deleteField).
WRITE_READS = {
    "createValue": 5,
    "updateCell": 6,
    "createField": 4,
    "createOption": 2,
    "deleteField": 3,
}

# (parent type, field) -> the type of object the field leads to, for the fields that cost.
ROOT_LISTS = {"schemas": "Schema", "resources": "Resource", "values": "CustomResourcesValue"}
ROOT_BY_ID = {"schema": "Schema", "resource": "Resource", "value": "CustomResourcesValue"}
COLLECTION_OF = {"Schema": SCHEMAS, "Resource": RESOURCES, "CustomResourcesValue": VALUES}
MUTATIONS = {
    "createSchema": "Schema",
    "createValue": "CustomResourcesValue",
    "updateCell": "Cell",
    "createField": "Field",
    "createOption": "FieldOption",
    "deleteField": "Field",
}
CONNECTION_FIELDS = {"nodes", "edges", "node"}
# A link from a row back to the parent it was listed under.
BACK_LINKS = {
    ("CustomResourcesValue", "resource"): ("Resource", "values"),
    ("Resource", "schema"): ("Schema", "resources"),
}
Trail = tuple[tuple[str, str], ...]


def pages(rows: int) -> int:
    return max(1, math.ceil(rows / PAGE))


@dataclass
class CostEstimate:
    """The estimated upstream calls of one operation."""

    calls: int = 0
    collections_read: set[str] = field(default_factory=set)

    def read_collection(self, name: str, size: int) -> None:
        """A whole collection is read at most once per request."""
        if name not in self.collections_read:
            self.collections_read.add(name)
            self.calls += pages(size)


@dataclass(frozen=True)
class Estimator:
    """Walks one operation and adds up its calls."""

    fragments: Mapping[str, FragmentDefinitionNode]
    variables: Mapping[str, Any]
    size_of: Callable[[str], int]

    def estimate(self, operation: OperationDefinitionNode) -> int:
        cost = CostEstimate()
        root = "Mutation" if operation.operation.value == "mutation" else "Query"
        by_id: dict[str, int] = {}
        for key, fields in self._merged(operation.selection_set):
            name = key[0]
            node = fields[0]
            if root == "Query" and name in ROOT_LISTS:
                type_name = ROOT_LISTS[name]
                first, skip = self._window(node)
                ids = self._list_argument(node, "ids")
                cost.calls += pages(skip + first) + self._backward_calls(node)
                count = min(first, self.size_of(COLLECTION_OF[type_name]))
                if ids is not None:
                    count = min(count, len(ids))
                self._walk(cost, type_name, count, fields, ())
            elif root == "Query" and name in ROOT_BY_ID:
                type_name = ROOT_BY_ID[name]
                by_id[type_name] = by_id.get(type_name, 0) + 1
                self._walk(cost, type_name, 1, fields, ())
            elif root == "Mutation" and name in MUTATIONS:
                cost.calls += 1 + WRITE_READS.get(name, 0) + self._extra_cells(node)
                self._walk(cost, MUTATIONS[name], 1, fields, ())
        cost.calls += sum(math.ceil(keys / PAGE) for keys in by_id.values())
        return cost.calls

    def _walk(
        self,
        cost: CostEstimate,
        type_name: str,
        parents: int,
        fields: list[FieldNode],
        trail: Trail,
    ) -> None:
        """Add the cost of the selections under `parents` objects of `type_name`, reached
        through the links of `trail` ((type, field) pairs from the root)."""
        selections = [f.selection_set for f in fields if f.selection_set is not None]
        merged = list(self._merged(*selections))
        if type_name == "Cell" and parents > 0:
            names = {key[0] for key, _ in merged}
            if names & TYPED_MEMBERS:
                cost.calls += math.ceil(min(parents, self.size_of(FIELDS)) / PAGE)
            if names & CHOICE_MEMBERS:
                cost.calls += self._options(parents)
        for key, children in merged:
            name = key[0]
            if name in CONNECTION_FIELDS:
                self._walk(cost, type_name, parents, children, trail)
                continue
            if trail and BACK_LINKS.get((type_name, name)) == trail[-1]:
                # Back to the parent this list came from: loaded already, and the level it
                # returns to keeps the trail it had.
                self._walk(cost, trail[-1][0], parents, children, trail[:-1])
                continue
            link = self._link(cost, type_name, name, parents, children[0])
            if link is not None:
                target, count = link
                self._walk(cost, target, count, children, (*trail, (type_name, name)))

    def _link(
        self,
        cost: CostEstimate,
        type_name: str,
        name: str,
        parents: int,
        node: FieldNode,
    ) -> tuple[str, int] | None:
        """The cost of one link field, and the type and bound of the objects it leads to."""
        if parents <= 0:
            return None
        if (type_name, name) == ("Schema", "resources"):
            size = self.size_of(RESOURCES)
            cost.read_collection(RESOURCES, size)
            return "Resource", min(parents * self._window(node)[0], size)
        if (type_name, name) == ("Resource", "values"):
            size = self.size_of(VALUES)
            cost.calls += math.ceil(min(parents, self.size_of(RESOURCES)) / PAGE) + pages(size)
            return "CustomResourcesValue", min(parents * self._window(node)[0], size)
        if (type_name, name) == ("Resource", "schema"):
            keys = min(parents, self.size_of(SCHEMAS))
            cost.calls += math.ceil(keys / PAGE)
            return "Schema", keys
        if (type_name, name) == ("CustomResourcesValue", "resource"):
            keys = min(parents, self.size_of(RESOURCES))
            cost.calls += math.ceil(keys / PAGE)
            return "Resource", keys
        return self._table_link(cost, type_name, name, parents)

    def _table_link(
        self, cost: CostEstimate, type_name: str, name: str, parents: int
    ) -> tuple[str, int] | None:
        """Columns, cells, options and owners."""
        if (type_name, name) == ("Schema", "fields"):
            columns = min(parents * PAGE, self.size_of(FIELDS))
            cost.calls += min(parents, self.size_of(SCHEMAS)) + math.ceil(columns / PAGE)
            return "Field", columns
        if (type_name, name) == ("Field", "options"):
            cost.calls += self._options(parents)
            return "FieldOption", min(parents * PAGE, self.size_of(OPTIONS))
        if type_name == "CustomResourcesValue" and name in ("cells", "cell"):
            rows = min(parents, self.size_of(VALUES))
            cost.calls += rows
            cells = min(rows * PAGE, self.size_of(CELLS))
            if name == "cell":
                # A row without the cell is checked against its table (graphql/one_cell.py):
                # the rows' resources, each table's columns and their definitions; by slug,
                # the definitions of the cells' columns too.
                definitions = math.ceil(min(cells, self.size_of(FIELDS)) / PAGE)
                cost.calls += math.ceil(min(rows, self.size_of(RESOURCES)) / PAGE)
                cost.calls += min(rows, self.size_of(SCHEMAS)) + 2 * definitions
            return "Cell", cells
        if (type_name, name) == ("Cell", "field"):
            return "Field", min(parents, self.size_of(FIELDS))  # counted with the cell level
        if name == "attachable" and type_name in ("Resource", "CustomResourcesValue"):
            if type_name == "CustomResourcesValue":
                cost.calls += math.ceil(min(parents, self.size_of(RESOURCES)) / PAGE)
            employees = min(parents, self.size_of(EMPLOYEES))
            cost.calls += math.ceil(employees / PAGE)
            return "Employee", employees
        return None

    def _options(self, fields: int) -> int:
        """Options of `fields` columns: 100 columns a call, pages of options beyond."""
        return math.ceil(min(fields, self.size_of(FIELDS)) / PAGE) + pages(self.size_of(OPTIONS))

    def _extra_cells(self, node: FieldNode) -> int:
        """The cells a createValue writes after the row's first one."""
        given = self._argument(node, "input")
        cells = given.get("cells") if isinstance(given, dict) else None
        return max(0, len(cells) - 1) if isinstance(cells, list) else 0

    # -- documents --------------------------------------------------------------------------

    def _merged(
        self, *selection_sets: SelectionSetNode
    ) -> Iterable[tuple[tuple[str, str], list[FieldNode]]]:
        """Fields by (name, arguments), fragments expanded: identical fields cost once."""
        groups: dict[tuple[str, str], list[FieldNode]] = {}
        for selection_set in selection_sets:
            for node in self._fields(selection_set, set()):
                arguments = ",".join(sorted(print_ast(a) for a in node.arguments or ()))
                groups.setdefault((node.name.value, arguments), []).append(node)
        return groups.items()

    def _fields(self, selection_set: SelectionSetNode, visiting: set[str]) -> list[FieldNode]:
        found: list[FieldNode] = []
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                found.append(selection)
            elif isinstance(selection, InlineFragmentNode):
                found += self._fields(selection.selection_set, visiting)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is not None and name not in visiting:
                    found += self._fields(fragment.selection_set, visiting | {name})
        return found

    def _argument(self, node: FieldNode, name: str) -> Any:
        for argument in node.arguments or ():
            if argument.name.value == name:
                return self._value(argument.value)
        return None

    def _value(self, value: ValueNode) -> Any:
        return value_from_ast_untyped(value, dict(self.variables))

    def _list_argument(self, node: FieldNode, name: str) -> list[Any] | None:
        value = self._argument(node, name)
        return value if isinstance(value, list) else None

    def _backward_calls(self, node: FieldNode) -> int:
        """The calls `last` makes besides its page's: see this module's docstring."""
        if self._argument(node, "last") is None and self._argument(node, "before") is None:
            return 0
        return 1 if isinstance(self._argument(node, "before"), str) else 2

    def _window(self, node: FieldNode) -> tuple[int, int]:
        """(first or last, skip) of a connection field, as the resolver will read them."""
        first = self._argument(node, "first")
        if first is None:
            first = self._argument(node, "last")
        size = DEFAULT_FIRST if not isinstance(first, int) else max(0, min(first, MAX_FIRST))
        after = self._argument(node, "after")
        skip = 0
        if isinstance(after, str):
            try:
                skip = Cursor.decode(after).skip
            except BadUserInput:
                skip = 0
        return size, skip


def estimate_calls(
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: Mapping[str, Any] | None,
    size_of: Callable[[str], int],
) -> int:
    """The most upstream calls `operation` can make, by the rules in this module's docstring."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    return Estimator(fragments, variables or {}, size_of).estimate(operation)
