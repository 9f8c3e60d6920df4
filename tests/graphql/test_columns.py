"""The column executor answers as graphql-core's own: same data, same errors at the same paths.

Each query runs twice over one schema that exercises what completion must get right: lists of
lists, non-null propagation at every depth, sync and async resolvers that raise or return
errors, abstract types resolved by `resolve_type` and by `is_type_of`, fragments, directives,
aliases, arguments from variables and defaults, enums, scalars that refuse a value, awaitable
list items, introspection, and a mutation (which keeps graphql-core's serial execution).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from inspect import isawaitable
from typing import Any

import orjson
import pytest
from graphql import (
    ExecutionResult,
    GraphQLError,
    GraphQLScalarType,
    build_schema,
    execute,
    parse,
    validate,
)

from gql_server.graphql.columns import ColumnExecutor
from gql_server.graphql.execution import is_awaitable
from gql_server.graphql.rows import Row, encode, plain
from gql_server.graphql.schema import _read_attribute

SDL = """
type Query {
  shelves: [Shelf!]
  shelf(id: ID!): Shelf
  strictShelves: [Shelf!]!
  things(kind: Kind = BOOK): [Thing]
  matrix: [[Int!]]
  failing: String
  failingStrict: String!
  notAList: [Int]
  lazyItems: [Book]
  odd: Odd
  echo(text: String = "default", times: Int): String
}
type Mutation { add(title: String!): Book  fail: Book! }
type Shelf { id: ID!  name: String  books(first: Int): [Book!]  strictBook: Book!  best: Book }
interface Thing { id: ID! }
type Book implements Thing {
  id: ID!  title: String!  pages: Int  kind: Kind  shelf: Shelf  broken: String
}
type Film implements Thing { id: ID!  minutes: Int  title: String }
union Item = Book | Film
enum Kind { BOOK FILM }
scalar Odd
"""


@dataclass
class Book:
    id: str
    title: Any
    pages: Any = None
    kind: Any = "BOOK"
    shelf_id: str | None = None


@dataclass
class Film:
    id: str
    minutes: int
    title: str = "film"


@dataclass
class Shelf:
    id: str
    name: Any
    books: list[Any] = field(default_factory=list)


class RaisingBook:
    id = "r"
    pages = kind = shelf_id = None

    @property
    def title(self) -> str:
        raise ValueError("title unreadable")


def _data() -> dict[str, Any]:
    first = Shelf("s1", "First", [Book("b1", "One", 10), Book("b2", "Two", None, "FILM")])
    second = Shelf("s2", None, [Book("b3", None), Book("b4", "Four", "many")])
    third = Shelf("s3", "Third", [RaisingBook(), Book("b5", "Five", 5)])
    return {"shelves": [first, second, third, Shelf("s4", "Empty", [])]}


def build() -> Any:
    schema = build_schema(SDL)
    data = _data()
    shelves = {s.id: s for s in data["shelves"]}
    query = schema.query_type
    mutation = schema.mutation_type

    async def later(value: Any) -> Any:
        await asyncio.sleep(0)
        if isinstance(value, Exception):
            raise value
        return value

    async def shelf(_: Any, info: Any, id: str) -> Any:
        return await later(shelves.get(id))

    async def books(source: Shelf, info: Any, first: int | None = None) -> Any:
        await asyncio.sleep(0)
        return source.books if first is None else source.books[:first]

    def strict_book(source: Shelf, info: Any) -> Any:
        return source.books[0] if source.books else None

    def best(source: Shelf, info: Any) -> Any:
        if source.id == "s2":
            return ValueError("no best book")
        return later(source.books[-1] if source.books else None)

    def book_shelf(source: Book, info: Any) -> Any:
        return later(shelves.get(source.shelf_id or "s1"))

    def broken(source: Any, info: Any) -> str:
        raise GraphQLError("broken on purpose", extensions={"code": "BROKEN"})

    def things(_: Any, info: Any, kind: str) -> list[Any]:
        return [Book("b1", "One"), Film("f1", 90), Book("b9", None), None]

    def resolve_thing(value: Any, info: Any, abstract: Any) -> str:
        return "Book" if isinstance(value, Book) else "Film"

    query.fields["shelves"].resolve = lambda *_: later(data["shelves"])
    query.fields["shelf"].resolve = shelf
    query.fields["strictShelves"].resolve = lambda *_: [*data["shelves"], None]
    query.fields["things"].resolve = things
    # An error after an empty and a null list: its path must still name list 3, item 1.
    query.fields["matrix"].resolve = lambda *_: [[1, 2], [], None, [3, None], [4]]
    query.fields["failing"].resolve = lambda *_: later(RuntimeError("upstream down"))
    query.fields["failingStrict"].resolve = lambda *_: later(RuntimeError("strict down"))
    query.fields["notAList"].resolve = lambda *_: 7
    query.fields["lazyItems"].resolve = lambda *_: [later(Book("l1", "Lazy")), later(None)]
    query.fields["odd"].resolve = lambda *_: 3
    query.fields["echo"].resolve = lambda _, info, text, times=None: text * (times or 1)
    schema.type_map["Thing"].resolve_type = resolve_thing
    schema.type_map["Film"].is_type_of = lambda value, info: isinstance(value, Film)
    schema.type_map["Book"].is_type_of = lambda value, info: isinstance(value, Book | RaisingBook)

    def odd_out(value: Any) -> Any:
        if value % 2 == 0:
            raise GraphQLError(f"{value} is even")
        return value

    odd = schema.type_map["Odd"]
    assert isinstance(odd, GraphQLScalarType)
    odd.serialize = odd_out  # type: ignore[method-assign]
    shelf_type = schema.type_map["Shelf"]
    shelf_type.fields["id"].resolve = _read_attribute("id")
    shelf_type.fields["name"].resolve = _read_attribute("name")
    shelf_type.fields["books"].resolve = books
    shelf_type.fields["strictBook"].resolve = strict_book
    shelf_type.fields["best"].resolve = best
    book_type = schema.type_map["Book"]
    for name in ("id", "title", "pages", "kind"):
        book_type.fields[name].resolve = _read_attribute(name)
    book_type.fields["shelf"].resolve = book_shelf
    book_type.fields["broken"].resolve = broken
    mutation.fields["add"].resolve = lambda _, info, title: Book("new", title)
    mutation.fields["fail"].resolve = lambda *_: None
    return schema


def run(query: str, variables: dict[str, Any] | None = None, **kwargs: Any) -> ExecutionResult:
    schema = build()
    document = parse(query)
    assert not validate(schema, document)
    outcome = execute(schema, document, variable_values=variables, **kwargs)
    result = asyncio.run(outcome) if isawaitable(outcome) else outcome  # type: ignore[arg-type]
    # The column executor's objects are rows (rows.py); compared as the dicts they encode as.
    return ExecutionResult(plain(result.data), result.errors)


def both(query: str, variables: dict[str, Any] | None = None) -> tuple[Any, Any]:
    expected = run(query, variables)
    columns = run(query, variables, executor_class=ColumnExecutor, is_awaitable=is_awaitable)
    return expected, columns


def _errors(result: ExecutionResult) -> list[dict[str, Any]]:
    return sorted((e.formatted for e in result.errors or []), key=repr)


def _value_at(data: Any, path: list[Any]) -> Any:
    for key in path:
        data = data[key]
    return data


def assert_same(expected: ExecutionResult, columns: ExecutionResult) -> None:
    """Same data; every error of graphql-core's, at its path.

    The one allowed difference: graphql-core stops completing an object (or list) at its
    first error that nulls it, so errors in the rest of a discarded subtree may go unreported
    there; here they are reported. Each extra error must lie inside a subtree that the
    answer shows as null.
    """
    assert columns.data == expected.data
    ours = _errors(columns)
    theirs = _errors(expected)
    assert [e for e in theirs if e not in ours] == []
    for extra in (e for e in ours if e not in theirs):
        path = extra["path"]
        assert columns.data is None or any(
            _value_at(columns.data, path[:depth]) is None for depth in range(1, len(path))
        ), extra


QUERIES = [
    "{ shelves { id name books { id title pages kind } } }",
    "{ shelves { name books(first: 1) { title shelf { id books { id } } } } }",
    "{ shelves { best { title } } }",
    "{ shelves { strictBook { id title } } }",
    '{ shelf(id: "s2") { books { id title } } }',
    '{ shelf(id: "nope") { id } }',
    "{ strictShelves { id } }",
    "{ things { __typename id ... on Book { title } ... on Film { minutes } } }",
    "{ things(kind: FILM) { id ...F } } fragment F on Film { minutes title }",
    "{ matrix }",
    "{ failing a: failing shelves { id } }",
    "{ failingStrict shelves { id } }",
    "{ notAList }",
    "{ lazyItems { id title } }",
    '{ odd echo e2: echo(text: "hi", times: 2) }',
    "{ shelves { books { broken } } }",
    "{ __typename shelves { __typename a: id b: id } }",
    "{ __schema { queryType { name } types { name kind } } }",
    '{ __type(name: "Book") { name fields { name type { kind name ofType { name } } } } }',
    "{ shelves { ... on Shelf { id } ...S } } fragment S on Shelf { id name books { id } }",
]


@pytest.mark.parametrize("query", QUERIES)
def test_same_answer_as_graphql_core(query: str) -> None:
    assert_same(*both(query))


@pytest.mark.parametrize(
    "variables",
    [
        {"skip": True, "id": "s1", "n": 1},
        {"skip": False, "id": "s3", "n": 2},
        {"skip": False, "id": "s2", "n": None},
    ],
)
def test_variables_directives_and_defaults(variables: dict[str, Any]) -> None:
    query = """
    query Q($skip: Boolean!, $id: ID!, $n: Int) {
      shelf(id: $id) {
        id
        name @skip(if: $skip)
        books(first: $n) @include(if: $skip) { id }
        more: books(first: $n) { title pages }
      }
      echo(times: $n)
    }
    """
    assert_same(*both(query, variables))


def test_a_variable_that_fails_coercion_is_a_request_error() -> None:
    query = "query Q($n: Int) { echo(times: $n) }"
    expected, columns = both(query, {"n": "many"})
    assert expected.data is None and columns.data is None
    assert _errors(columns) == _errors(expected)


def test_mutations_keep_serial_execution() -> None:
    expected, columns = both('mutation { add(title: "T") { id title } fail { id } }')
    assert columns.data == expected.data is None
    assert _errors(columns) == _errors(expected)


def test_errors_carry_their_paths_and_codes() -> None:
    _, columns = both("{ shelves { best { title } books { title broken } } }")
    paths = {tuple(e.path or ()): e for e in columns.errors or []}
    assert ("shelves", 1, "best") in paths
    broken = paths[("shelves", 0, "books", 0, "broken")]
    assert broken.extensions == {"code": "BROKEN"}
    # s3's first book cannot read its non-null title: the book item is nulled, and since the
    # list's items are non-null, so is the list.
    assert ("shelves", 2, "books", 0, "title") in paths
    assert columns.data["shelves"][2]["books"] is None


def test_an_async_resolver_runs_once_per_object_and_the_level_is_one_batch() -> None:
    """The shelf field of every book of every shelf is resolved in one pass: one batch."""
    batches: list[int] = []
    schema = build()
    pending: list[str] = []

    async def book_shelf(source: Book, info: Any) -> Any:
        pending.append(source.id)
        await asyncio.sleep(0)
        if pending:
            batches.append(len(pending))
            pending.clear()
        return None

    schema.type_map["Book"].fields["shelf"].resolve = book_shelf
    outcome = execute(
        schema,
        parse("{ shelves { books { shelf { id } } } }"),
        executor_class=ColumnExecutor,
        is_awaitable=is_awaitable,
    )
    assert isawaitable(outcome)
    result = asyncio.run(outcome)  # type: ignore[arg-type]
    # The six books of the three shelves, the RaisingBook included: one pass.
    assert batches == [6]
    assert result.data is not None


def test_one_parsed_document_serves_requests_with_different_variables() -> None:
    """Field collection and arguments are kept with a document's nodes only when they cannot
    depend on variables: the same parsed document, run with other variables, answers anew."""
    schema = build()
    document = parse(
        "query Q($skip: Boolean!, $n: Int) {"
        ' shelf(id: "s1") { name @skip(if: $skip) books(first: $n) { id } } }'
    )
    static = parse('{ shelf(id: "s1") { name books(first: 1) { id } } }')

    def execute_columns(doc: Any, variables: dict[str, Any] | None = None) -> Any:
        outcome = execute(
            schema,
            doc,
            variable_values=variables,
            executor_class=ColumnExecutor,
            is_awaitable=is_awaitable,
        )
        assert isawaitable(outcome)
        return plain(asyncio.run(outcome).data)  # type: ignore[arg-type]

    assert execute_columns(document, {"skip": False, "n": 1}) == {
        "shelf": {"name": "First", "books": [{"id": "b1"}]}
    }
    assert execute_columns(document, {"skip": True, "n": None}) == {
        "shelf": {"books": [{"id": "b1"}, {"id": "b2"}]}
    }
    for _ in range(2):
        assert execute_columns(static) == {"shelf": {"name": "First", "books": [{"id": "b1"}]}}


def test_equal_looking_fields_of_two_documents_keep_their_own_fragments() -> None:
    """AST nodes compare by structure: what is kept with a node must be kept by identity."""
    schema = build()

    def execute_columns(text: str) -> Any:
        outcome = execute(
            schema, parse(text), executor_class=ColumnExecutor, is_awaitable=is_awaitable
        )
        assert isawaitable(outcome)
        return plain(asyncio.run(outcome).data)  # type: ignore[arg-type]

    shelf = '{ shelf(id: "s1") { ...F } } '
    assert execute_columns(shelf + "fragment F on Shelf { id }") == {"shelf": {"id": "s1"}}
    assert execute_columns(shelf + "fragment F on Shelf { name }") == {"shelf": {"name": "First"}}


def test_objects_are_rows_that_encode_as_graphql_cores_dicts() -> None:
    """Nested objects come back as rows (rows.py), which encode byte for byte as the dicts
    graphql-core builds, in the same key order, aliases, fragments and nulls included."""
    query = "{ shelves { id n: name books { title pages ... on Book { id kind } } best { id } } }"
    expected = run(query)
    outcome = execute(
        build(), parse(query), executor_class=ColumnExecutor, is_awaitable=is_awaitable
    )
    result = asyncio.run(outcome)  # type: ignore[arg-type]
    assert isinstance(result.data, dict)
    shelf = result.data["shelves"][0]
    assert isinstance(shelf, Row) and shelf.names == ("id", "n", "books", "best")
    assert encode(result.data) == orjson.dumps(expected.data)
    # Two objects with the same response names share one class: the names are kept once.
    assert type(result.data["shelves"][0]) is type(result.data["shelves"][1])
