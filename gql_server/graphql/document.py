"""Parsing and validating GraphQL documents, each distinct document once per process."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from graphql import (
    ASTValidationRule,
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    parse,
    specified_rules,
    validate,
)

from .errors import GatewayError, QueryTooComplex, code_of_graphql_error
from .incremental.rules import uses_incremental_delivery
from .input_errors import literal_field

Parse = Callable[[str], DocumentNode]
V = TypeVar("V")


class BoundedLRU(Generic[V]):
    """A least-recently-used map bounded in entries and in total weight (by default the
    length of the key: a parsed document weighs about a hundred times its text)."""

    def __init__(self, max_entries: int, max_weight: int) -> None:
        self.max_entries = max_entries
        self.max_weight = max_weight
        self.weight = 0
        self._entries: OrderedDict[str, tuple[V, int]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: str) -> V | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        self._entries.move_to_end(key)
        return entry[0]

    def put(self, key: str, value: V, weight: int | None = None) -> None:
        weight = len(key) if weight is None else weight
        if weight > self.max_weight:
            return
        previous = self._entries.pop(key, None)
        if previous is not None:
            self.weight -= previous[1]
        self._entries[key] = (value, weight)
        self.weight += weight
        while len(self._entries) > self.max_entries or self.weight > self.max_weight:
            _, (_, evicted) = self._entries.popitem(last=False)
            self.weight -= evicted


@dataclass(frozen=True, slots=True)
class PreparedDocument:
    """A parsed document and its validation errors (empty when valid)."""

    document: DocumentNode | None
    errors: tuple[GraphQLError, ...]
    incremental: bool = False
    """Whether it writes @defer or @stream anywhere (then it may be answered in parts)."""


class DocumentCache:
    """An LRU of prepared documents keyed by query text.

    Parsing and validation are pure functions of the text and the (immutable) schema, so their
    results can be shared by every request of the process. The cache holds at most `max_size`
    documents and `max_chars` characters of query text.

    `parse` may refuse a document by raising a GatewayError (the operation limits do, before
    validation ever sees it). Refused and unparsable documents are not cached: refusing them
    again is as cheap as looking them up, and they must not push valid documents out.
    """

    def __init__(
        self,
        schema: GraphQLSchema,
        max_size: int = 1000,
        *,
        max_chars: int = 1_000_000,
        parse: Parse = parse,
        rules: Sequence[type[ASTValidationRule]] = specified_rules,
        hide_suggestions: bool = False,
    ) -> None:
        self.schema = schema
        self.max_size = max_size
        self.hide_suggestions = hide_suggestions
        self._parse = parse
        self._rules = tuple(rules)
        self._entries: BoundedLRU[PreparedDocument] = BoundedLRU(max_size, max_chars)

    def prepare(self, query: str) -> PreparedDocument:
        entry = self._entries.get(query)
        if entry is not None:
            return entry
        try:
            document = self._parse(query)
        except GatewayError as refusal:
            return PreparedDocument(None, (GraphQLError(refusal.message, original_error=refusal),))
        except GraphQLError as error:
            return PreparedDocument(None, (error,))
        try:
            errors = validate(
                self.schema, document, self._rules, hide_suggestions=self.hide_suggestions
            )
        except RecursionError:
            too_deep = QueryTooComplex("The document is nested too deeply to validate.")
            return PreparedDocument(
                None, (GraphQLError(too_deep.message, original_error=too_deep),)
            )
        for invalid in errors:
            if code_of_graphql_error(invalid) == "BAD_USER_INPUT":
                field = literal_field(document, invalid)
                if field is not None:
                    invalid.extensions = {**(invalid.extensions or {}), "field": field}
        entry = PreparedDocument(document, tuple(errors), uses_incremental_delivery(document))
        self._entries.put(query, entry)
        return entry
