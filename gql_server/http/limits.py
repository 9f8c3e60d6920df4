"""Operation limits: a document is refused by its size and shape before it is validated.

graphql-core's validation is quadratic in repeated fields (thousands of them take seconds) and
execution fans out with every field, alias and fragment spread, so each request's document is
measured first, in one pass that costs about what parsing it did:

- length (characters) and tokens, while parsing (`parse_limited`);
- per operation, with fragment spreads expanded: depth, fields, aliases, directives
  (`check_document`). A fragment spread N times counts N times; each fragment is measured once
  (memoised), so a fragment "bomb" is counted in linear time, and a fragment cycle ends the
  walk instead of looping (validation then reports the cycle);
- fields and directives of the whole document as written, so that fragments no operation uses
  cannot smuggle in work for the validator.

Depth does not count the introspection fields (`__schema`, `__type`) or anything under them:
GraphiQL's introspection query nests `ofType` ten deep, and graphql-core's
MaxIntrospectionDepthRule already bounds the nesting that makes introspection expensive. Fields,
aliases and directives under them do count.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLSyntaxError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    parse,
)

from ..graphql.errors import QueryTooComplex

INTROSPECTION_FIELDS = frozenset({"__schema", "__type"})


@dataclass(frozen=True, slots=True)
class OperationLimits:
    """The largest document a request may send; every limit is inclusive."""

    max_length: int = 65_536
    max_tokens: int = 2_000
    max_depth: int = 12
    max_fields: int = 500
    max_aliases: int = 30
    max_directives: int = 50


@dataclass(frozen=True, slots=True)
class Shape:
    """What a selection set asks for once its fragments are expanded."""

    depth: int = 0
    fields: int = 0
    aliases: int = 0
    directives: int = 0

    def __add__(self, other: Shape) -> Shape:
        return Shape(
            max(self.depth, other.depth),
            self.fields + other.fields,
            self.aliases + other.aliases,
            self.directives + other.directives,
        )


EMPTY = Shape()


def too_complex(limit: str, maximum: int, message: str) -> QueryTooComplex:
    return QueryTooComplex(message, limit=limit, max=maximum)


def parse_limited(query: str, limits: OperationLimits) -> DocumentNode:
    """Parse `query`, refusing it (QueryTooComplex) when it is too long, has too many tokens
    or nests too deeply to parse; a plain syntax error is raised as GraphQLSyntaxError."""
    if len(query) > limits.max_length:
        raise too_complex(
            "length",
            limits.max_length,
            f"The document is {len(query)} characters long; the limit is {limits.max_length}.",
        )
    try:
        # Comments are limited as tokens are, so a comment-padded document is cut short too.
        return parse(query, max_lexical_tokens=limits.max_tokens, max_comments=limits.max_tokens)
    except GraphQLSyntaxError as error:
        if (
            "tokens. Parsing aborted." in error.message
            or "comments. Parsing aborted." in error.message
        ):
            raise too_complex(
                "tokens",
                limits.max_tokens,
                f"The document has more than {limits.max_tokens} tokens; "
                f"the limit is {limits.max_tokens}.",
            ) from None
        if "nested too deeply" in error.message:
            raise too_complex(
                "depth", limits.max_depth, "The document is nested too deeply to parse."
            ) from None
        raise


class _Measure:
    """Shapes of one document's selection sets, each named fragment measured once."""

    def __init__(self, document: DocumentNode) -> None:
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.shapes: dict[str, Shape] = {}
        self.visiting: set[str] = set()

    def fragment(self, name: str) -> Shape:
        known = self.shapes.get(name)
        if known is not None:
            return known
        definition = self.fragments.get(name)
        if definition is None or name in self.visiting:
            # Unknown fragments and cycles are validation errors; counting them as empty
            # lets the walk end and validation say what is wrong.
            return EMPTY
        self.visiting.add(name)
        shape = self.selection_set(definition.selection_set)
        self.visiting.discard(name)
        self.shapes[name] = shape
        return shape

    def selection_set(self, selection_set: SelectionSetNode) -> Shape:
        total = EMPTY
        for selection in selection_set.selections:
            directives = len(selection.directives or ())
            if isinstance(selection, FieldNode):
                below = EMPTY
                if selection.selection_set is not None:
                    below = self.selection_set(selection.selection_set)
                introspection = selection.name.value in INTROSPECTION_FIELDS
                total += Shape(
                    0 if introspection else below.depth + 1,
                    below.fields + 1,
                    below.aliases + (selection.alias is not None),
                    below.directives + directives,
                )
            elif isinstance(selection, InlineFragmentNode):
                total += self.selection_set(selection.selection_set) + Shape(directives=directives)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.fragment(selection.name.value) + Shape(directives=directives)
        return total


def _written(document: DocumentNode) -> Iterator[tuple[int, int]]:
    """(fields, directives) of each selection as written, fragments not expanded."""
    stack: list[SelectionSetNode] = []
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode | FragmentDefinitionNode):
            yield 0, len(definition.directives or ())
            stack.append(definition.selection_set)
    while stack:
        for selection in stack.pop().selections:
            yield isinstance(selection, FieldNode), len(selection.directives or ())
            below = getattr(selection, "selection_set", None)
            if below is not None:
                stack.append(below)


def measure_operations(document: DocumentNode) -> list[tuple[OperationDefinitionNode, Shape]]:
    """Each operation of `document` with its shape, fragment spreads expanded."""
    measure = _Measure(document)
    return [
        (
            definition,
            measure.selection_set(definition.selection_set)
            + Shape(directives=len(definition.directives or ())),
        )
        for definition in document.definitions
        if isinstance(definition, OperationDefinitionNode)
    ]


def check_document(document: DocumentNode, limits: OperationLimits) -> None:
    """Refuse (QueryTooComplex) a document an operation of which, or which as written,
    exceeds a limit."""
    fields = directives = 0
    for is_field, count in _written(document):
        fields += is_field
        directives += count
    _check_counts("The document", fields, 0, directives, limits)
    for operation, shape in measure_operations(document):
        name = f"Operation `{operation.name.value}`" if operation.name else "The operation"
        if shape.depth > limits.max_depth:
            raise too_complex(
                "depth",
                limits.max_depth,
                f"{name} is nested {shape.depth} fields deep; the limit is {limits.max_depth}.",
            )
        _check_counts(name, shape.fields, shape.aliases, shape.directives, limits)


def _check_counts(
    name: str, fields: int, aliases: int, directives: int, limits: OperationLimits
) -> None:
    checks: Sequence[tuple[str, int, int]] = (
        ("fields", fields, limits.max_fields),
        ("aliases", aliases, limits.max_aliases),
        ("directives", directives, limits.max_directives),
    )
    for limit, count, maximum in checks:
        if count > maximum:
            raise too_complex(
                limit, maximum, f"{name} has {count} {limit}; the limit is {maximum}."
            )


def limited_parser(limits: OperationLimits) -> Callable[[str], DocumentNode]:
    """A parse function for DocumentCache that refuses documents over `limits`."""

    def parse_within_limits(query: str) -> DocumentNode:
        document = parse_limited(query, limits)
        try:
            check_document(document, limits)
        except RecursionError:
            # A chain of hundreds of fragments each spreading the next.
            raise too_complex(
                "depth", limits.max_depth, "The document nests fragments too deeply."
            ) from None
        return document

    return parse_within_limits
