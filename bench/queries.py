"""The GraphQL documents every suite sends, and the shape knobs they share."""

from __future__ import annotations

NESTED = (
    "query Nested { schemas(first: 100) { nodes { id name "
    "resources(first: 100) { nodes { id attachableId "
    "values(first: 100) { nodes { id } } } } } } }"
)
"""schemas -> resources -> values: what suite (a) and (c) send, and the nested query of (b)."""

SMALL = "query Small { schemas(first: 10) { totalCount nodes { id name hidden } } }"
"""One upstream call, a handful of leaves: the small query of (b)."""

BY_ID = "query One($id: ID!) { resource(id: $id) { id attachableType schema { id name } } }"
"""A by-id read with a link, used in the mixed traffic of (d)."""

VALUES_OF = (
    "query Rows($e: [ID!]) { values(employeeIds: $e, first: 50) "
    "{ totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id resourceId } } } }"
)
"""A filtered top-level list with edges and cursors, used in the mixed traffic of (d)."""

INVALID = "query Broken { schemas { nodes { nope } } }"
"""A document that fails validation, used in the mixed traffic of (d)."""

PAGE_LIMIT = 100
"""Every list in NESTED asks for 100 rows, the most the gateway (and Factorial) gives."""
