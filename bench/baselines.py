"""The baselines of suite (b): the gateway's query subset on plain graphql-core and on Ariadne.

Both serve the same SDL subset over the same per-request sessions and loaders as the gateway
(`gql_server.loading.loaders.create_loaders` on an `UpstreamSession`), with hand-written
resolvers that return the loaders' records as they are. The graphql-core app is a one-route
Starlette app (the gateway's framework) with a document cache and orjson; Ariadne is
`ariadne.asgi.GraphQL` as it comes (it parses and validates every request).
"""

from __future__ import annotations

from dataclasses import dataclass
from inspect import isawaitable
from typing import Any

import orjson
from ariadne import ObjectType, make_executable_schema
from ariadne.asgi import GraphQL
from graphql import (
    DocumentNode,
    GraphQLObjectType,
    GraphQLSchema,
    build_schema,
    execute,
    parse,
    validate,
)
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gql_server.loading.loaders import Loaders, create_loaders
from gql_server.upstream import (
    SCHEMAS,
    FactorialClient,
    ResourceRecord,
    SchemaRecord,
    UpstreamSession,
)

from .inmemory import CREDENTIAL

SDL = """
type Query { schemas(first: Int = 100): SchemaConnection! }
type SchemaConnection { totalCount: Int nodes: [Schema!]! }
type Schema {
  id: ID!
  name: String!
  hidden: Boolean!
  resources(first: Int = 100): ResourceConnection!
}
type ResourceConnection { totalCount: Int nodes: [Resource!]! }
type Resource {
  id: ID!
  attachableId: ID
  attachableType: String
  values(first: Int = 100): ValueConnection!
}
type ValueConnection { totalCount: Int nodes: [CustomResourcesValue!]! }
type CustomResourcesValue { id: ID! }
"""


@dataclass(slots=True)
class BaselineContext:
    session: UpstreamSession
    loaders: Loaders


def new_context(client: FactorialClient) -> BaselineContext:
    session = UpstreamSession(client, CREDENTIAL)
    return BaselineContext(session, create_loaders(session))


@dataclass(frozen=True, slots=True)
class Page:
    nodes: list[Any]
    total_count: int | None


async def resolve_schemas(_: object, info: Any, first: int = 100) -> Page:
    context: BaselineContext = info.context
    page = await context.session.list_page(SCHEMAS, limit=first)
    context.loaders.prime_schemas(page.records)
    return Page(page.records, page.total)


async def resolve_resources(schema: SchemaRecord, info: Any, first: int = 100) -> Page:
    rows = await info.context.loaders.resources_of(schema.id)
    return Page(rows[:first], len(rows))


async def resolve_values(resource: ResourceRecord, info: Any, first: int = 100) -> Page:
    rows = await info.context.loaders.values_of(resource)
    return Page(rows[:first], len(rows))


def core_schema() -> GraphQLSchema:
    """The SDL subset with graphql-core resolvers attached by hand."""
    schema = build_schema(SDL)

    def fields(name: str) -> Any:
        kind = schema.get_type(name)
        assert isinstance(kind, GraphQLObjectType)
        return kind.fields

    fields("Query")["schemas"].resolve = resolve_schemas
    fields("Schema")["resources"].resolve = resolve_resources
    fields("Resource")["values"].resolve = resolve_values
    fields("Resource")["attachableId"].resolve = lambda r, _: r.attachable_id
    fields("Resource")["attachableType"].resolve = lambda r, _: r.attachable_type
    for connection in ("SchemaConnection", "ResourceConnection", "ValueConnection"):
        fields(connection)["totalCount"].resolve = lambda c, _: c.total_count
    return schema


def ariadne_schema() -> GraphQLSchema:
    """The SDL subset as an Ariadne executable schema (snake_case names converted)."""
    query, schema_type, resource = ObjectType("Query"), ObjectType("Schema"), ObjectType("Resource")
    query.set_field("schemas", resolve_schemas)
    schema_type.set_field("resources", resolve_resources)
    resource.set_field("values", resolve_values)
    return make_executable_schema(SDL, query, schema_type, resource, convert_names_case=True)


class DocumentCache:
    """Parse and validate each distinct query once (a plain dict: the bench sends few)."""

    def __init__(self, schema: GraphQLSchema) -> None:
        self.schema = schema
        self.documents: dict[str, DocumentNode] = {}

    def get(self, query: str) -> DocumentNode:
        document = self.documents.get(query)
        if document is None:
            document = parse(query)
            errors = validate(self.schema, document)
            if errors:
                raise ValueError(errors[0].message)
            self.documents[query] = document
        return document


def core_app(client: FactorialClient) -> Starlette:
    """Plain graphql-core behind one Starlette route, with a document cache and orjson."""
    cache = DocumentCache(core_schema())

    async def graphql(request: Request) -> Response:
        params = orjson.loads(await request.body())
        outcome = execute(
            cache.schema,
            cache.get(params["query"]),
            context_value=new_context(client),
            variable_values=params.get("variables"),
            operation_name=params.get("operationName"),
        )
        result = await outcome if isawaitable(outcome) else outcome
        payload: dict[str, Any] = {"data": result.data}
        if result.errors:
            payload["errors"] = [error.formatted for error in result.errors]
        return Response(orjson.dumps(payload), media_type="application/json")

    return Starlette(routes=[Route("/graphql", graphql, methods=["POST"])])


def ariadne_app(client: FactorialClient) -> GraphQL:
    """Ariadne's own ASGI app over the same loaders."""
    return GraphQL(ariadne_schema(), context_value=lambda request, data: new_context(client))
