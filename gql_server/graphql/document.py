"""Parsing and validating GraphQL documents, each distinct document once per process."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from graphql import DocumentNode, GraphQLError, GraphQLSchema, parse, validate


@dataclass(frozen=True, slots=True)
class PreparedDocument:
    """A parsed document and its validation errors (empty when valid)."""

    document: DocumentNode | None
    errors: tuple[GraphQLError, ...]


class DocumentCache:
    """An LRU of prepared documents keyed by query text.

    Parsing and validation are pure functions of the text and the (immutable) schema, so their
    results can be shared by every request of the process.
    """

    def __init__(self, schema: GraphQLSchema, max_size: int = 1000) -> None:
        self.schema = schema
        self.max_size = max_size
        self._entries: OrderedDict[str, PreparedDocument] = OrderedDict()

    def prepare(self, query: str) -> PreparedDocument:
        entry = self._entries.get(query)
        if entry is not None:
            self._entries.move_to_end(query)
            return entry
        entry = self._prepare(query)
        self._entries[query] = entry
        if len(self._entries) > self.max_size:
            self._entries.popitem(last=False)
        return entry

    def _prepare(self, query: str) -> PreparedDocument:
        try:
            document = parse(query)
        except GraphQLError as error:
            return PreparedDocument(None, (error,))
        return PreparedDocument(document, tuple(validate(self.schema, document)))
